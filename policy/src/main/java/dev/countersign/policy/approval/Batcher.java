package dev.countersign.policy.approval;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;

import dev.countersign.policy.action.Action;
import dev.countersign.policy.action.ActionStatus;
import dev.countersign.policy.action.ActionStore;
import dev.countersign.policy.action.IdGenerator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Closes a user's pending actions into signed batches and paces their CIBA requests
 * (DESIGN §4 step 3). Pure logic over the two stores: it has no threads of its own; the
 * server calls {@link #tick(Instant)} from a scheduler. Thread-safe; every change goes
 * through a store compare-and-set, so two replicas ticking at once never put an action in
 * two batches.
 *
 * <p>
 * <b>Closing.</b> A user's {@code PENDING} actions close into a batch when the batch
 * window ({@link ApprovalConfig#batchWindow()}, counted from the oldest pending action)
 * ends, when {@link ApprovalConfig#maxBatchSize()} are pending, or on
 * {@link #flush(String)}; a {@code reviewNow} action gets a batch of its own at once.
 * Closing moves each action {@code PENDING → BATCHED} by compare-and-set (one cancelled
 * meanwhile is simply left out), then stores the batch {@code OPEN} with its
 * {@link BatchDigest} and {@link BatchSigner} signature. An action whose stored fields no
 * longer match its digest is never closed (it expires).
 *
 * <p>
 * <b>Never hidden.</b> An approval screen lists up to {@link Batch#LISTED} actions by
 * name, or the first {@code LISTED - 1} and "+N more". HIGH-risk, destructive and
 * low-confidence actions ({@link Action#alwaysListed()}) are always among the listed
 * ones, low-confidence first; when they do not fit, they wait for the next batch.
 *
 * <p>
 * <b>Pacing.</b> Closing is always allowed, but {@link #nextToRequest(String, Instant)}
 * offers a batch only while the user has no open CIBA request and fewer than
 * {@value #MAX_REQUESTS_PER_MINUTE} were started in the last minute (Auth0's limit).
 *
 * <pre>{@code
 * Batcher batcher = new Batcher(actions, batches, signer, config, clock, IdGenerator.ulid(clock));
 * batcher.tick(clock.instant()).blockLast();
 * Batch next = batcher.nextToRequest(user, clock.instant()).block();
 * // ... POST /bc-authorize ...
 * batcher.recordRequest(next, authReqId, clock.instant()).block();
 * }</pre>
 */
public final class Batcher {

	/** The most CIBA requests started per user per rolling minute (Auth0's limit). */
	public static final int MAX_REQUESTS_PER_MINUTE = 5;

	private static final Duration RATE_PERIOD = Duration.ofMinutes(1);

	private static final Comparator<Action> OLDEST_FIRST = Comparator.comparing(Action::createdAt)
		.thenComparing(Action::id);

	private final ActionStore actions;

	private final BatchStore batches;

	private final BatchSigner signer;

	private final ApprovalConfig config;

	private final Clock clock;

	private final IdGenerator ids;

	/**
	 * Creates a batcher.
	 * @param actions the action store
	 * @param batches the batch store
	 * @param signer signs closed batches and recorded requests
	 * @param config the approval settings
	 * @param clock the clock for {@link #flush(String)}
	 * @param ids the source of batch ids
	 */
	public Batcher(ActionStore actions, BatchStore batches, BatchSigner signer, ApprovalConfig config, Clock clock,
			IdGenerator ids) {
		this.actions = Objects.requireNonNull(actions, "actions must not be null");
		this.batches = Objects.requireNonNull(batches, "batches must not be null");
		this.signer = Objects.requireNonNull(signer, "signer must not be null");
		this.config = Objects.requireNonNull(config, "config must not be null");
		this.clock = Objects.requireNonNull(clock, "clock must not be null");
		this.ids = Objects.requireNonNull(ids, "ids must not be null");
	}

	/**
	 * Closes every batch that is due, for every user with pending actions.
	 * @param now the current time
	 * @return the batches closed, user by user
	 */
	public Flux<Batch> tick(Instant now) {
		Objects.requireNonNull(now, "now must not be null");
		return this.actions.findUsers(EnumSet.of(ActionStatus.PENDING)).concatMap((user) -> tick(user, now));
	}

	/**
	 * Closes a user's batches that are due: one per {@code reviewNow} action, then
	 * batches of the others while the oldest has waited a whole window or a full batch is
	 * pending.
	 * @param user the user id
	 * @param now the current time
	 * @return the batches closed, in order
	 */
	public Flux<Batch> tick(String user, Instant now) {
		return close(user, now, false);
	}

	/**
	 * Closes all of a user's pending actions now, in as many batches as it takes.
	 * @param user the user id
	 * @return the batches closed, in order
	 */
	public Flux<Batch> flush(String user) {
		return close(user, this.clock.instant(), true);
	}

	/**
	 * The batch whose CIBA request may be started now: the user's oldest {@code OPEN}
	 * batch, unless a request is already open or {@value #MAX_REQUESTS_PER_MINUTE} were
	 * started in the minute up to {@code now}.
	 * @param user the user id
	 * @param now the current time
	 * @return the batch to ask for, or empty when none is waiting or the limits say wait
	 */
	public Mono<Batch> nextToRequest(String user, Instant now) {
		Objects.requireNonNull(user, "user must not be null");
		Objects.requireNonNull(now, "now must not be null");
		return this.batches.findOpenRequest(user)
			.hasElement()
			.flatMap((open) -> open ? Mono.empty()
					: this.batches.countRequestsSince(user, now.minus(RATE_PERIOD))
						.filter((started) -> started < MAX_REQUESTS_PER_MINUTE)
						.flatMap((started) -> this.batches.findByUser(user, EnumSet.of(BatchStatus.OPEN)).next()));
	}

	/**
	 * Records that a batch's CIBA request was started: stores the {@code auth_req_id}
	 * with the signature of (batch digest, auth_req_id) and moves the batch {@code OPEN →
	 * REQUESTED}, by compare-and-set.
	 * @param batch the batch as {@link #nextToRequest(String, Instant)} returned it
	 * @param authReqId the {@code auth_req_id} that {@code /bc-authorize} answered
	 * @param now when the request was started
	 * @return the stored batch, or empty when the batch moved on meanwhile
	 */
	public Mono<Batch> recordRequest(Batch batch, String authReqId, Instant now) {
		Objects.requireNonNull(batch, "batch must not be null");
		Objects.requireNonNull(authReqId, "authReqId must not be null");
		Objects.requireNonNull(now, "now must not be null");
		return this.batches.transition(batch.user(), batch.id(), BatchStatus.OPEN, batch.version(),
				(current) -> current.requested(authReqId, this.signer.signRequest(current.digest(), authReqId), now));
	}

	private Flux<Batch> close(String user, Instant now, boolean flush) {
		Objects.requireNonNull(user, "user must not be null");
		return this.actions.findByUser(user, EnumSet.of(ActionStatus.PENDING))
			.collectList()
			.flatMapIterable((pending) -> plan(pending, now, flush))
			.concatMap((group) -> seal(user, group, now));
	}

	/**
	 * Splits a snapshot of pending actions into the batches due now.
	 */
	private List<List<Action>> plan(List<Action> pending, Instant now, boolean flush) {
		List<List<Action>> groups = new ArrayList<>();
		List<Action> rest = new ArrayList<>();
		pending.stream().sorted(OLDEST_FIRST).filter(Action::digestMatches).forEach((action) -> {
			if (action.reviewNow()) {
				groups.add(List.of(action));
			}
			else {
				rest.add(action);
			}
		});
		while (!rest.isEmpty() && (flush || rest.size() >= this.config.maxBatchSize()
				|| !now.isBefore(rest.get(0).createdAt().plus(this.config.batchWindow())))) {
			List<Action> group = select(rest);
			rest.removeAll(group);
			groups.add(group);
		}
		return groups;
	}

	/**
	 * Picks the next batch from the pending actions (oldest first): as many always-listed
	 * actions as the listed part of the screen holds, low-confidence first, then ordinary
	 * actions up to the batch size.
	 */
	private List<Action> select(List<Action> rest) {
		List<Action> listed = new ArrayList<>();
		List<Action> ordinary = new ArrayList<>();
		for (Action action : rest) {
			(action.alwaysListed() ? listed : ordinary).add(action);
		}
		// stable: low-confidence first, each kind oldest first
		listed.sort(Comparator.comparing((Action action) -> !action.lowConfidence()));
		int max = this.config.maxBatchSize();
		int prominent = Math.min(listed.size(), Batch.listedCount(Math.min(max, rest.size())));
		int others = Math.min(ordinary.size(), max - prominent);
		if (prominent + others <= Batch.LISTED) {
			// everything is listed: fill the screen with always-listed actions first
			prominent = Math.min(listed.size(), Math.min(max, Batch.LISTED) - others);
		}
		List<Action> group = new ArrayList<>(listed.subList(0, prominent));
		group.addAll(ordinary.subList(0, others));
		return group;
	}

	private Mono<Batch> seal(String user, List<Action> group, Instant now) {
		String batchId = this.ids.next(IdGenerator.BATCH_PREFIX);
		return Flux.fromIterable(group)
			.concatMap((action) -> this.actions.transitionFrom(action, (current) -> current.batched(batchId, now)))
			.collectList()
			.filter((moved) -> !moved.isEmpty())
			.flatMap((moved) -> {
				List<String> digests = moved.stream().map(Action::digest).toList();
				String digest = BatchDigest.of(batchId, digests);
				BatchSigner.Signature signature = this.signer.sign(digest);
				Instant opened = moved.stream().map(Action::createdAt).min(Comparator.naturalOrder()).orElse(now);
				return this.batches.insert(new Batch(batchId, user, moved.stream().map(Action::id).toList(), digests,
						digest, signature.mac(), signature.keyId(), BatchStatus.OPEN, null, null, null,
						BatchDigest.shortCode(digest), opened, now, null, 0));
			});
	}

}
