package dev.countersign.policy.approval;

import java.time.Clock;
import java.time.Instant;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

import dev.countersign.policy.action.Action;
import dev.countersign.policy.action.ActionDigest;
import dev.countersign.policy.action.ActionStatus;
import dev.countersign.policy.action.ActionStore;
import dev.countersign.policy.action.DuplicateActionException;
import dev.countersign.policy.action.IdGenerator;
import dev.countersign.policy.action.LiveActionLimitException;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Freezes writes into {@code PENDING} actions (DESIGN §4 step 2) and expires the ones
 * nobody approved in time. Thread-safe; holds no state of its own.
 *
 * <p>
 * The same (user, agent, digest) submitted again while the first action is
 * {@linkplain ActionStatus#live() live} returns the first action: an agent retrying after
 * a client time-out never creates a second write. Once the first is terminal (or
 * {@code UNKNOWN}), the same write becomes a new action.
 *
 * <pre>{@code
 * ActionFreezer freezer = new ActionFreezer(store, ApprovalConfig.defaults(), clock, IdGenerator.ulid(clock));
 * Action action = freezer.submit(SubmitRequest.batch(user, agent, tool, arguments, preconditions, 0.7)).block();
 * }</pre>
 */
public final class ActionFreezer {

	private static final Set<ActionStatus> WAITING = Collections
		.unmodifiableSet(EnumSet.of(ActionStatus.PENDING, ActionStatus.BATCHED));

	private final ActionStore actions;

	private final ApprovalConfig config;

	private final Clock clock;

	private final IdGenerator ids;

	/**
	 * Creates a freezer.
	 * @param actions the action store
	 * @param config the approval settings
	 * @param clock the clock for {@code createdAt} and {@code approveBy}
	 * @param ids the source of action ids
	 */
	public ActionFreezer(ActionStore actions, ApprovalConfig config, Clock clock, IdGenerator ids) {
		this.actions = Objects.requireNonNull(actions, "actions must not be null");
		this.config = Objects.requireNonNull(config, "config must not be null");
		this.clock = Objects.requireNonNull(clock, "clock must not be null");
		this.ids = Objects.requireNonNull(ids, "ids must not be null");
	}

	/**
	 * Freezes a write, or finds the live action that already froze it.
	 * @param request the write
	 * @return the live action with the same (user, agent, digest) if there is one, else a
	 * new {@code PENDING} action whose {@code approveBy} is now +
	 * {@link ApprovalConfig#pendingTtl()}; an error
	 * {@link TooManyPendingActionsException} when the agent already holds
	 * {@link ApprovalConfig#maxPendingPerAgent()} live actions for the user (checked by
	 * the store in one step with the insert, so submits racing each other never pass it)
	 */
	public Mono<Action> submit(SubmitRequest request) {
		Objects.requireNonNull(request, "request must not be null");
		String digest = ActionDigest.of(request.tool().name(), request.arguments(), request.preconditions(),
				request.user(), request.agent());
		return Mono.defer(() -> {
			Instant now = this.clock.instant();
			Action action = new Action(this.ids.next(IdGenerator.ACTION_PREFIX), request.user(), request.agent(),
					request.tool().name(), request.tool().connection(), request.risk(), request.tool().destructive(),
					request.confidence(), lowConfidence(request), request.reviewNow(), request.arguments(),
					request.preconditions(), digest, ActionStatus.PENDING, null, now,
					now.plus(this.config.pendingTtl()), now, 0, null, null);
			// the store reports a live twin first, even at the limit: return it
			return this.actions.insert(action, this.config.maxPendingPerAgent())
				.onErrorResume(DuplicateActionException.class,
						(ex) -> this.actions.findLive(request.user(), request.agent(), digest)
							.switchIfEmpty(Mono.error(ex)))
				.onErrorMap(LiveActionLimitException.class,
						(ex) -> new TooManyPendingActionsException(ex.agent(), ex.limit()));
		});
	}

	/**
	 * Policy's flag when it set one (the user's {@code review_below}), else the global
	 * default.
	 */
	private boolean lowConfidence(SubmitRequest request) {
		Boolean flagged = request.lowConfidence();
		return (flagged != null) ? flagged : this.config.isLowConfidence(request.confidence());
	}

	/**
	 * Expires every {@code PENDING} or {@code BATCHED} action whose {@code approveBy} is
	 * at or before {@code now}, by compare-and-set (an action approved or cancelled
	 * meanwhile is left alone). The reason says it was not approved in time.
	 * @param now the current time
	 * @return the actions now {@code EXPIRED}
	 */
	public Flux<Action> expireOverdue(Instant now) {
		Objects.requireNonNull(now, "now must not be null");
		return this.actions.findUsers(WAITING).concatMap((user) -> expireOverdue(user, now));
	}

	/**
	 * Expires one user's {@code PENDING} or {@code BATCHED} actions whose
	 * {@code approveBy} is at or before {@code now}, as {@link #expireOverdue(Instant)}
	 * does for everyone.
	 * @param user the user id
	 * @param now the current time
	 * @return the actions now {@code EXPIRED}
	 */
	public Flux<Action> expireOverdue(String user, Instant now) {
		Objects.requireNonNull(user, "user must not be null");
		Objects.requireNonNull(now, "now must not be null");
		return this.actions.findDue(user, WAITING, now)
			.concatMap((action) -> this.actions.transitionFrom(action,
					(current) -> current.moveTo(ActionStatus.EXPIRED, now)
						.withReason("not approved before " + current.approveBy())));
	}

}
