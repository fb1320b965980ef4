package dev.countersign.server.approval;

import java.time.Clock;
import java.util.Objects;

import reactor.core.publisher.Mono;

import dev.countersign.policy.action.ActionStatus;
import dev.countersign.policy.action.ActionStore;
import dev.countersign.policy.approval.Batch;
import dev.countersign.policy.approval.BatchStatus;
import dev.countersign.policy.approval.BatchStore;

/**
 * Ends a batch that will not run (denied, expired, failed or refused): the batch moves to
 * its end status and every action still {@code BATCHED} in it moves to the matching
 * status with a reason, each by compare-and-set. An action cancelled meanwhile, or
 * already moved by another runner, is left alone. Thread-safe.
 */
final class BatchOutcomes {

	private final ActionStore actions;

	private final BatchStore batches;

	private final Clock clock;

	BatchOutcomes(ActionStore actions, BatchStore batches, Clock clock) {
		this.actions = Objects.requireNonNull(actions, "actions must not be null");
		this.batches = Objects.requireNonNull(batches, "batches must not be null");
		this.clock = Objects.requireNonNull(clock, "clock must not be null");
	}

	/**
	 * Ends a batch.
	 * @param batch the batch as last read; its status and version are compared
	 * @param batchStatus the batch's end status
	 * @param actionStatus the status of its {@code BATCHED} actions
	 * @param reason why, one sentence for {@code action_status}; never a token
	 * @return the ended batch, or empty when the batch had moved on (then no action is
	 * touched)
	 */
	Mono<Batch> end(Batch batch, BatchStatus batchStatus, ActionStatus actionStatus, String reason) {
		return this.batches
			.transition(batch.user(), batch.id(), batch.status(), batch.version(),
					(current) -> current.withStatus(batchStatus))
			.flatMap((ended) -> this.actions.findByBatch(batch.user(), batch.id())
				.filter((action) -> action.status() == ActionStatus.BATCHED)
				.concatMap((action) -> this.actions.transition(action.user(), action.id(), ActionStatus.BATCHED,
						action.version(),
						(current) -> current.moveTo(actionStatus, this.clock.instant()).withReason(reason)))
				.then(Mono.just(ended)));
	}

}
