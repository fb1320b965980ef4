package dev.countersign.server.tool.write;

import java.time.Duration;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import io.modelcontextprotocol.spec.McpSchema.ProgressNotification;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import dev.countersign.policy.action.Action;
import dev.countersign.policy.action.ActionStatus;
import dev.countersign.policy.action.ActionStore;
import dev.countersign.server.tool.ToolCall;
import dev.countersign.server.tool.ToolFailure;
import dev.countersign.server.tool.ToolHandler;
import dev.countersign.server.tool.governance.GovernanceTools;

/**
 * Holds a write call open when the client sent a {@code progressToken} (DESIGN §4 step
 * 2): a progress notification each second saying where the action stands, then the real
 * result if it ends within {@code countersign.mcp.max-wait} — {@code succeeded} with the
 * provider's result, or an {@code isError} naming the outcome — else the pending answer
 * as usual. The SDK has no cancellation, so the hold ends by itself. Without a progress
 * token nothing changes: writes answer pending at once. A write policy ran at once
 * (auto-approved) is answered as it is, never held.
 */
final class ProgressHold {

	private static final Set<ActionStatus> ENDED = EnumSet.of(ActionStatus.SUCCEEDED, ActionStatus.FAILED,
			ActionStatus.UNKNOWN, ActionStatus.DENIED, ActionStatus.EXPIRED, ActionStatus.CANCELLED);

	private final ActionStore actions;

	private final Duration maxWait;

	private final Duration every;

	ProgressHold(ActionStore actions, Duration maxWait, Duration every) {
		this.actions = actions;
		this.maxWait = maxWait;
		this.every = every;
	}

	ToolHandler around(ToolHandler write) {
		return (call) -> write.handle(call).flatMap((answer) -> hold(call, answer));
	}

	private Mono<Map<String, Object>> hold(ToolCall call, Map<String, Object> answer) {
		Object token = call.progressToken();
		// only a write that waits is held: one that already ran answered its outcome
		if (token == null || this.maxWait.isZero() || !"pending_approval".equals(answer.get("status"))
				|| !(answer.get("action_id") instanceof String id)) {
			return Mono.just(answer);
		}
		String user = call.caller().user();
		AtomicInteger step = new AtomicInteger();
		return Flux.interval(this.every)
			.concatMap((tick) -> this.actions.find(user, id))
			.concatMap((action) -> call.exchange()
				.progressNotification(new ProgressNotification(token, step.incrementAndGet(), null,
						"Action " + id + " is " + GovernanceTools.wireStatus(action.status())))
				.onErrorResume((ex) -> Mono.empty())
				.thenReturn(action))
			.filter((action) -> ENDED.contains(action.status()))
			.next()
			.flatMap(ProgressHold::outcome)
			.timeout(this.maxWait, Mono.just(answer));
	}

	private static Mono<Map<String, Object>> outcome(Action action) {
		if (action.status() != ActionStatus.SUCCEEDED) {
			return Mono
				.error(new ToolFailure("Action " + action.id() + " ended " + GovernanceTools.wireStatus(action.status())
						+ ((action.reason() != null) ? ": " + action.reason() : "") + "."));
		}
		Map<String, Object> answer = new LinkedHashMap<>();
		answer.put("status", "succeeded");
		answer.put("action_id", action.id());
		if (action.result() != null) {
			Map<String, Object> result = new LinkedHashMap<>();
			action.result().forEach((key, value) -> {
				if (value != null) {
					result.put(key, value);
				}
			});
			answer.put("result", result);
		}
		return Mono.just(answer);
	}

}
