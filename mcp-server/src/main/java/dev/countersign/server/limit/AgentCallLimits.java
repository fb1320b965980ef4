package dev.countersign.server.limit;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import dev.countersign.policy.tool.ToolDescriptor;
import dev.countersign.server.auth.Caller;
import dev.countersign.server.limit.LimitProperties.Budget;
import dev.countersign.server.observability.CountersignMetrics;
import dev.countersign.server.observability.ToolCallObserver;
import dev.countersign.server.tool.ToolCall;
import dev.countersign.server.tool.ToolCallLimit;
import dev.countersign.server.tool.ToolFailure;

/**
 * The per-agent rate limit on tool calls (DESIGN §9), keyed by (user, agent): one token
 * bucket for the data and write tools, and one of its own, never smaller, for the
 * governance tools ({@code action_status}, {@code list_pending_actions},
 * {@code cancel_action}), so an agent that spent its tool budget can still follow and
 * take back its actions. A refused call is a {@link ToolFailure} saying in whole seconds
 * when to retry, is counted in {@value CountersignMetrics#TOOL_CALLS_LIMITED}, and
 * reports the decision {@code rate_limited} to the tool call observation. Runs on the
 * caller's thread and never blocks. Thread-safe.
 */
final class AgentCallLimits implements ToolCallLimit {

	private static final Logger logger = LoggerFactory.getLogger(AgentCallLimits.class);

	/** The decision reported for a refused call. */
	static final String RATE_LIMITED = "rate_limited";

	private final Budget toolBudget;

	private final Budget governanceBudget;

	private final TokenBuckets tools;

	private final TokenBuckets governance;

	private final CountersignMetrics metrics;

	/**
	 * Creates the limits.
	 * @param toolBudget the budget of the data and write tools
	 * @param governanceBudget the budget of the governance tools
	 * @param clock the time source
	 * @param metrics where refusals are counted
	 */
	AgentCallLimits(Budget toolBudget, Budget governanceBudget, Clock clock, CountersignMetrics metrics) {
		this.toolBudget = Objects.requireNonNull(toolBudget, "toolBudget must not be null");
		this.governanceBudget = Objects.requireNonNull(governanceBudget, "governanceBudget must not be null");
		this.tools = new TokenBuckets(toolBudget.callsPerSecond(), toolBudget.burst(), clock);
		this.governance = new TokenBuckets(governanceBudget.callsPerSecond(), governanceBudget.burst(), clock);
		this.metrics = Objects.requireNonNull(metrics, "metrics must not be null");
	}

	@Override
	public Mono<Void> admit(ToolCall call) {
		return Mono.defer(() -> {
			Caller caller = call.caller();
			// The governance tools differ in kind (two reads, one governance call) but
			// share their connection.
			boolean governing = ToolDescriptor.GOVERNANCE.equals(call.tool().descriptor().connection());
			Duration wait = (governing ? this.governance : this.tools)
				.tryAcquire(new Key(caller.user(), caller.agent()));
			if (wait.isZero()) {
				return Mono.empty();
			}
			String tool = call.tool().name();
			this.metrics.toolCallLimited(tool);
			logger.debug("Tool call {} of agent {} for user {} refused: over its rate, retry in {}", tool,
					caller.agent(), caller.user(), wait);
			return ToolCallObserver.noteDecision(RATE_LIMITED)
				.then(Mono.error(new ToolFailure(message(governing, retrySeconds(wait)))));
		});
	}

	private String message(boolean governing, long seconds) {
		String retry = "Nothing was done; retry in " + seconds + " s.";
		if (governing) {
			return "Rate limit reached: this agent may call action_status, list_pending_actions and cancel_action "
					+ Budget.format(this.governanceBudget.callsPerSecond()) + " times a second (bursts of "
					+ this.governanceBudget.burst() + "). " + retry;
		}
		return "Rate limit reached: this agent may make " + Budget.format(this.toolBudget.callsPerSecond())
				+ " tool calls a second for this user (bursts of " + this.toolBudget.burst() + "). " + retry
				+ " action_status and list_pending_actions have a budget of their own and still answer.";
	}

	/**
	 * Whole seconds to wait, rounded up, at least 1.
	 * @param wait the wait
	 * @return the seconds
	 */
	static long retrySeconds(Duration wait) {
		long seconds = wait.getSeconds() + ((wait.getNano() > 0) ? 1 : 0);
		return Math.max(1, seconds);
	}

	/** A (user, agent) pair. */
	private record Key(String user, String agent) {
	}

}
