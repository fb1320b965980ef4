package dev.countersign.server.approval;

import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import dev.countersign.policy.action.Action;
import dev.countersign.policy.action.ActionStatus;
import dev.countersign.policy.action.ActionStore;
import dev.countersign.server.audit.ApprovalAudit;

/**
 * Runs one {@code EXECUTING} action through its tool's {@link ProviderWriter}, exactly
 * once and NEVER retried (DESIGN §4 step 6), and ends it by compare-and-set:
 * {@code SUCCEEDED} with the result, {@code FAILED} when the provider refused it
 * ({@link WriteRejectedException}), {@code UNKNOWN} when the answer was lost or anything
 * else went wrong; then records how it ended. Shared by the batch executor and the
 * auto-runner. Thread-safe.
 */
final class OnceWriter {

	private static final Logger logger = LoggerFactory.getLogger(OnceWriter.class);

	private final Map<String, ProviderWriter> writers;

	private final ActionStore actions;

	private final Clock clock;

	private final ApprovalAudit audit;

	/**
	 * @throws IllegalArgumentException when two writers claim the same tool
	 */
	OnceWriter(List<ProviderWriter> writers, ActionStore actions, Clock clock, ApprovalAudit audit) {
		Map<String, ProviderWriter> byTool = new HashMap<>();
		for (ProviderWriter writer : Objects.requireNonNull(writers, "writers must not be null")) {
			for (String tool : writer.tools()) {
				if (byTool.putIfAbsent(tool, writer) != null) {
					throw new IllegalArgumentException("writers must run each tool once, but two run " + tool);
				}
			}
		}
		this.writers = Map.copyOf(byTool);
		this.actions = Objects.requireNonNull(actions, "actions must not be null");
		this.clock = Objects.requireNonNull(clock, "clock must not be null");
		this.audit = Objects.requireNonNull(audit, "audit must not be null");
	}

	/** The tools a writer runs. */
	Set<String> tools() {
		return this.writers.keySet();
	}

	/**
	 * Writes an action once and ends it.
	 * @param executing the action, {@code EXECUTING}
	 * @param providerToken the provider token, or null for Countersign's own stores
	 * @return the action as it ended; empty when another runner moved it meanwhile
	 */
	Mono<Action> write(Action executing, @Nullable String providerToken) {
		ProviderWriter writer = this.writers.get(executing.tool());
		Mono<Map<String, Object>> call = (writer != null) ? Mono.defer(() -> writer.execute(executing, providerToken))
				: Mono.error(new WriteRejectedException("no writer runs " + executing.tool()));
		return call.map(Written::succeeded)
			.defaultIfEmpty(new Written(ActionStatus.UNKNOWN, "the writer gave no answer; check the provider", null))
			.onErrorResume((ex) -> Mono.just(Written.failed(executing, ex)))
			.flatMap((written) -> this.actions.transition(executing.user(), executing.id(), ActionStatus.EXECUTING,
					executing.version(),
					(current) -> current.moveTo(written.status(), this.clock.instant())
						.withReason(written.reason())
						.withResult(written.result())))
			.flatMap((done) -> this.audit.actionEnded(done).thenReturn(done));
	}

	/** How one write ended. */
	private record Written(ActionStatus status, @Nullable String reason, @Nullable Map<String, Object> result) {

		static Written succeeded(Map<String, Object> result) {
			return new Written(ActionStatus.SUCCEEDED, null, result);
		}

		static Written failed(Action action, Throwable ex) {
			if (ex instanceof WriteRejectedException rejected) {
				return new Written(ActionStatus.FAILED, rejected.getMessage(), null);
			}
			if (ex instanceof WriteOutcomeUnknownException unknown) {
				logger.warn("Action {} is UNKNOWN: {}", action.id(), unknown.getMessage());
				return new Written(ActionStatus.UNKNOWN, unknown.getMessage(), null);
			}
			logger.warn("Action {} is UNKNOWN after an unexpected error: {}", action.id(), ex.toString());
			return new Written(ActionStatus.UNKNOWN, "the write may or may not have happened ("
					+ ex.getClass().getSimpleName() + "); check the provider and resolve it", null);
		}

	}

}
