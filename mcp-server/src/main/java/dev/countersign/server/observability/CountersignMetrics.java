package dev.countersign.server.observability;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import dev.countersign.policy.tool.ToolDescriptor;
import dev.countersign.policy.tool.ToolKind;
import dev.countersign.server.tool.ToolCatalog;
import dev.countersign.server.tool.ToolDefinition;

/**
 * The {@code countersign.*} meters, registered when the application starts so that a
 * scraper sees every series (at zero) before the first call. Prometheus names in
 * brackets.
 *
 * <table>
 * <caption>Meters</caption>
 * <tr>
 * <th>meter</th>
 * <th>tags</th>
 * </tr>
 * <tr>
 * <td>{@value #TOOL_CALLS} counter ({@code countersign_tool_calls_total})</td>
 * <td>{@code tool}, {@code outcome} ({@code success}, {@code pending_approval},
 * {@code error}), {@code decision} ({@value #UNKNOWN} until the policy reports it)</td>
 * </tr>
 * <tr>
 * <td>{@value #TOOL_CALLS_LIMITED} counter
 * ({@code countersign_tool_calls_limited_total})</td>
 * <td>{@code tool}: calls refused by the per-agent rate limit (also counted in
 * {@value #TOOL_CALLS} with the decision {@code rate_limited})</td>
 * </tr>
 * <tr>
 * <td>{@value #APPROVAL_LATENCY} timer
 * ({@code countersign_approval_latency_seconds})</td>
 * <td>{@code outcome}: {@code approved}, {@code denied}, {@code expired}, {@code failed},
 * {@code tampering_refused}; from the CIBA request of a batch to its decision</td>
 * </tr>
 * <tr>
 * <td>{@value #BATCH_SIZE} summary ({@code countersign_approval_batch_size_actions})</td>
 * <td>none: the actions in each closed batch</td>
 * </tr>
 * <tr>
 * <td>{@value #VAULT_EXCHANGES} counter ({@code countersign_vault_exchanges_total})</td>
 * <td>{@code connection}, {@code outcome} ({@code success}, {@code not_linked},
 * {@code reauthorization_required}, {@code subject_rejected}, {@code unavailable},
 * {@code refused}, {@code error})</td>
 * </tr>
 * <tr>
 * <td>{@value #CIBA_REQUESTS} counter ({@code countersign_ciba_requests_total})</td>
 * <td>{@code outcome}: {@code started}, {@code rejected}, {@code unknown},
 * {@code unavailable}, {@code error}</td>
 * </tr>
 * <tr>
 * <td>{@value #CIBA_POLLS} counter ({@code countersign_ciba_polls_total})</td>
 * <td>{@code outcome}: {@code pending}, {@code slow_down}, {@code approved},
 * {@code denied}, {@code expired}, {@code failed}, {@code unavailable},
 * {@code error}</td>
 * </tr>
 * <tr>
 * <td>{@value #ACTIONS_FROZEN} counter ({@code countersign_actions_frozen_total})</td>
 * <td>none: writes queued for approval</td>
 * </tr>
 * <tr>
 * <td>{@value #ACTIONS_ENDED} counter ({@code countersign_actions_ended_total})</td>
 * <td>{@code status}: {@code executed}, {@code failed}, {@code unknown}, {@code expired},
 * {@code denied}, {@code cancelled}</td>
 * </tr>
 * <tr>
 * <td>{@value #ACTIONS_PENDING} gauge ({@code countersign_actions_pending})</td>
 * <td>none: actions waiting for approval in the store ({@link PendingActions})</td>
 * </tr>
 * </table>
 * Tags only ever hold names from fixed sets; an unexpected connection is counted as
 * {@code other}. Thread-safe.
 */
public final class CountersignMetrics {

	/** Tool calls. */
	public static final String TOOL_CALLS = "countersign.tool.calls";

	/** Tool calls refused by the per-agent rate limit. */
	public static final String TOOL_CALLS_LIMITED = "countersign.tool.calls.limited";

	/** The observation made for each tool call. */
	public static final String TOOL_CALL_OBSERVATION = "countersign.tool.call";

	/** From a batch's CIBA request to the user's decision. */
	public static final String APPROVAL_LATENCY = "countersign.approval.latency";

	/** Actions per closed batch. */
	public static final String BATCH_SIZE = "countersign.approval.batch.size";

	/** Token Vault exchanges, reads and writes. */
	public static final String VAULT_EXCHANGES = "countersign.vault.exchanges";

	/** CIBA backchannel authentication requests. */
	public static final String CIBA_REQUESTS = "countersign.ciba.requests";

	/** CIBA token endpoint polls. */
	public static final String CIBA_POLLS = "countersign.ciba.polls";

	/** Writes frozen for approval. */
	public static final String ACTIONS_FROZEN = "countersign.actions.frozen";

	/** Actions that reached an end state. */
	public static final String ACTIONS_ENDED = "countersign.actions.ended";

	/** Actions waiting for approval. */
	public static final String ACTIONS_PENDING = "countersign.actions.pending";

	/** The decision tag of a tool call whose decision nobody reported. */
	public static final String UNKNOWN = "unknown";

	static final List<String> TOOL_OUTCOMES = List.of("success", "pending_approval", "error");

	static final List<String> APPROVAL_OUTCOMES = List.of("approved", "denied", "expired", "failed",
			"tampering_refused");

	static final List<String> EXCHANGE_OUTCOMES = List.of("success", "not_linked", "reauthorization_required",
			"subject_rejected", "unavailable", "refused", "error");

	static final List<String> CIBA_REQUEST_OUTCOMES = List.of("started", "rejected", "unknown", "unavailable", "error");

	static final List<String> CIBA_POLL_OUTCOMES = List.of("pending", "slow_down", "approved", "denied", "expired",
			"failed", "unavailable", "error");

	static final List<String> ENDED_STATUSES = List.of("executed", "failed", "unknown", "expired", "denied",
			"cancelled");

	private static final String OTHER = "other";

	private final MeterRegistry registry;

	private final Set<String> vaultConnections;

	/**
	 * Registers every series of the catalog's tools and connections.
	 * @param registry where the meters live
	 * @param catalog the tools
	 */
	public CountersignMetrics(MeterRegistry registry, ToolCatalog catalog) {
		this.registry = Objects.requireNonNull(registry, "registry must not be null");
		Objects.requireNonNull(catalog, "catalog must not be null");
		this.vaultConnections = Set.of(ToolDescriptor.GOOGLE, ToolDescriptor.GITHUB);
		for (ToolDefinition tool : catalog.tools()) {
			for (String outcome : TOOL_OUTCOMES) {
				if (!outcome.equals("pending_approval") || tool.descriptor().kind() == ToolKind.WRITE) {
					toolCalls(tool.name(), outcome, UNKNOWN);
				}
			}
			limited(tool.name());
		}
		APPROVAL_OUTCOMES.forEach(this::approvalLatency);
		batchSize();
		for (String connection : this.vaultConnections) {
			EXCHANGE_OUTCOMES.forEach((outcome) -> exchanges(connection, outcome));
		}
		CIBA_REQUEST_OUTCOMES.forEach(
				(outcome) -> counter(CIBA_REQUESTS, "CIBA backchannel authentication requests", "outcome", outcome));
		CIBA_POLL_OUTCOMES.forEach((outcome) -> counter(CIBA_POLLS, "CIBA token endpoint polls", "outcome", outcome));
		frozen();
		ENDED_STATUSES.forEach(this::ended);
	}

	/**
	 * Counts a tool call.
	 * @param tool the tool name
	 * @param outcome {@code success}, {@code pending_approval} or {@code error}
	 * @param decision the policy's decision, or {@value #UNKNOWN}
	 */
	public void toolCall(String tool, String outcome, String decision) {
		toolCalls(tool, outcome, decision).increment();
	}

	/**
	 * Counts a tool call the rate limit refused.
	 * @param tool the tool name
	 */
	public void toolCallLimited(String tool) {
		limited(tool).increment();
	}

	/**
	 * Times a batch from its CIBA request to its decision.
	 * @param outcome one of the approval outcomes
	 * @param latency the time the user took
	 */
	public void approvalDecided(String outcome, Duration latency) {
		approvalLatency(outcome).record(latency.isNegative() ? Duration.ZERO : latency);
	}

	/**
	 * Records the size of a closed batch.
	 * @param actions its number of actions
	 */
	public void batchClosed(int actions) {
		batchSize().record(actions);
	}

	/**
	 * Counts a Token Vault exchange.
	 * @param connection the connection
	 * @param outcome one of the exchange outcomes
	 */
	public void exchange(String connection, String outcome) {
		exchanges(this.vaultConnections.contains(connection) ? connection : OTHER, outcome).increment();
	}

	/**
	 * Counts a CIBA backchannel authentication request.
	 * @param outcome one of the request outcomes
	 */
	public void cibaRequest(String outcome) {
		counter(CIBA_REQUESTS, "CIBA backchannel authentication requests", "outcome", outcome).increment();
	}

	/**
	 * Counts a CIBA poll.
	 * @param outcome one of the poll outcomes
	 */
	public void cibaPoll(String outcome) {
		counter(CIBA_POLLS, "CIBA token endpoint polls", "outcome", outcome).increment();
	}

	/** Counts a write frozen for approval. */
	public void actionFrozen() {
		frozen().increment();
	}

	/**
	 * Counts an action that reached an end state.
	 * @param status the audit event type of its end, e.g. {@code EXECUTED}
	 */
	public void actionEnded(String status) {
		ended(status.toLowerCase(Locale.ROOT)).increment();
	}

	private Counter toolCalls(String tool, String outcome, String decision) {
		return Counter.builder(TOOL_CALLS)
			.description("MCP tool calls")
			.tags("tool", tool, "outcome", outcome, "decision", decision)
			.register(this.registry);
	}

	private Counter limited(String tool) {
		return counter(TOOL_CALLS_LIMITED, "MCP tool calls refused by the per-agent rate limit", "tool", tool);
	}

	private Timer approvalLatency(String outcome) {
		return Timer.builder(APPROVAL_LATENCY)
			.description("Time from a batch's CIBA request to the user's decision")
			.tag("outcome", outcome)
			.register(this.registry);
	}

	private DistributionSummary batchSize() {
		return DistributionSummary.builder(BATCH_SIZE)
			.description("Actions in each closed batch")
			.baseUnit("actions")
			.register(this.registry);
	}

	private Counter exchanges(String connection, String outcome) {
		return Counter.builder(VAULT_EXCHANGES)
			.description("Token Vault exchanges")
			.tags("connection", connection, "outcome", outcome)
			.register(this.registry);
	}

	private Counter frozen() {
		return Counter.builder(ACTIONS_FROZEN).description("Writes frozen for approval").register(this.registry);
	}

	private Counter ended(String status) {
		return counter(ACTIONS_ENDED, "Actions that reached an end state", "status", status);
	}

	private Counter counter(String name, String description, String key, String value) {
		return Counter.builder(name).description(description).tag(key, value).register(this.registry);
	}

}
