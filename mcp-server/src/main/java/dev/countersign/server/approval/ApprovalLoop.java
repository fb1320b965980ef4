package dev.countersign.server.approval;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import dev.countersign.ciba.BackchannelAuthenticationRequest;
import dev.countersign.ciba.BackchannelAuthenticationResponse;
import dev.countersign.ciba.CibaException;
import dev.countersign.ciba.CibaOutcome;
import dev.countersign.ciba.CibaStartRejectedException;
import dev.countersign.ciba.CibaUnavailableException;
import dev.countersign.ciba.PollResult;
import dev.countersign.policy.action.Action;
import dev.countersign.policy.action.ActionStatus;
import dev.countersign.policy.action.ActionStore;
import dev.countersign.policy.approval.ActionFreezer;
import dev.countersign.policy.approval.ApprovalConfig;
import dev.countersign.policy.approval.Batch;
import dev.countersign.policy.approval.BatchStatus;
import dev.countersign.policy.approval.BatchStore;
import dev.countersign.policy.approval.Batcher;
import dev.countersign.policy.audit.AuditEventType;
import dev.countersign.server.audit.ApprovalAudit;

/**
 * The approval loop (DESIGN §4 steps 3-6). Each {@link #tick()}, for each user with work:
 * <ol>
 * <li>expires the user's actions nobody approved in time
 * ({@link ActionFreezer#expireOverdue(String, Instant)});</li>
 * <li>closes the user's batches that are due
 * ({@link Batcher#tick(String, Instant)});</li>
 * <li>asks for the batch the {@link Batcher} offers ({@link Batcher#nextToRequest}): one
 * CIBA request with the binding message and authorization details of
 * {@link BatchPresentation}, then {@link Batcher#recordRequest}. A refused start
 * ({@code invalid_request}, e.g. no Guardian enrolment) fails the batch and its actions
 * with the server's description. A start whose outcome is unknown, or an unavailable
 * server, leaves the batch {@code OPEN} until the next batch window: never a blind
 * retry;</li>
 * <li>polls the user's open request when its interval has passed, once; {@code slow_down}
 * lengthens the interval; an approval is handed to {@link BatchExecutor} (run apart from
 * the tick); a denial, an expiry or a failure ends the batch and its actions; an
 * unavailable server keeps every state for the next poll.</li>
 * </ol>
 * Ticks never overlap: a tick asked for while one runs does nothing. Intervals and start
 * times live in this instance's memory; a batch found {@code REQUESTED} without them (a
 * restart, another replica) is polled at the default interval. A user whose live actions
 * all wait on the phone rests between passes (only the open request is polled, on time)
 * until an {@code approveBy} or {@link #MAX_QUIET} comes, unless the user's actions
 * change ({@link ActionStore#changes}).
 *
 * <p>
 * <b>Several replicas</b> (DESIGN §8). Every step and the recovery below run for a user
 * only while this replica holds the user's lease ({@link Replica#leases()}), taken or
 * renewed at the start of each user's pass; the users passed are those with
 * {@code PENDING}, {@code BATCHED}, {@code APPROVED} or {@code EXECUTING} actions and
 * those of this replica's running executions. A replica that takes a user over resumes
 * polling the same {@code auth_req_id} (logged with the batch id, never a token); one
 * that loses a lease forgets its poll state for that user. {@link #releaseLeases()} gives
 * every lease up on graceful shutdown. <b>Recovery</b>, by the lease holder, never
 * re-running a write: an action {@code EXECUTING} for at least
 * {@link Replica#orphanAfter()} that no execution of this replica runs becomes
 * {@code UNKNOWN} ({@value #ORPHANED}); an action {@code APPROVED} whose execution window
 * has passed, or still {@code BATCHED} in an {@code APPROVED} batch no execution of this
 * replica runs once its window can no longer be open, becomes {@code EXPIRED}
 * ({@value #NEEDS_APPROVAL}); each move is audited. Logs name users, batches and error
 * codes, never a token. Each step is recorded in the user's audit chain after its state
 * change ({@link ApprovalAudit}: EXPIRED actions, BATCHED with a checkpoint,
 * CIBA_REQUESTED, DENIED, EXPIRED or FAILED batches; the executor records the rest).
 * Thread-safe.
 *
 * <p>
 * <b>External recipients</b> (shown on the phone): a recipient counts as internal only
 * when its domain is the domain of a sender address frozen in one of the batch's actions
 * (the {@code from} argument or precondition); when no sender is frozen, every recipient
 * counts as external.
 *
 * <pre>{@code
 * loop.start(Duration.ofSeconds(1));   // on ApplicationReadyEvent
 * loop.stop();                         // on shutdown: no new work
 * loop.executions().block();           // let running writes end
 * loop.releaseLeases().block();        // others take the users over at once
 * }</pre>
 */
public final class ApprovalLoop {

	/** The reason of the actions of a batch the user denied (or let lapse: Auth0). */
	public static final String DENIED = "denied or expired on the phone";

	/** The reason of the actions of a batch whose request expired. */
	public static final String EXPIRED = "the approval request expired before the user answered";

	/** The reason of an action found {@code EXECUTING} with nobody running it. */
	public static final String ORPHANED = "the replica running it stopped; check the provider and resolve it";

	/** The reason of an approved action found not run after its execution window. */
	public static final String NEEDS_APPROVAL = "its execution window passed before it ran (the replica running it "
			+ "stopped); it needs approval again: resubmit it";

	/** Words Auth0 uses when the user has no push enrolment. */
	private static final Pattern ENROLMENT = Pattern.compile("enrol|enroll|authenticator|push|guardian|mfa");

	private static final Logger logger = LoggerFactory.getLogger(ApprovalLoop.class);

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final int USER_CONCURRENCY = 16;

	/**
	 * The shortest time a user's pass may take before it is given up: a pass that hangs
	 * (an upstream that never answers) must not stop the loop for every user. The limit
	 * is the lease's time to live when that is longer.
	 */
	static final Duration MIN_PASS_LIMIT = Duration.ofSeconds(30);

	/**
	 * The longest a user waiting on the phone goes without a whole pass (anything not
	 * tied to a change of the user's actions is looked at at least this often).
	 */
	static final Duration MAX_QUIET = Duration.ofSeconds(30);

	/** The users with these actions have approval work (and need their lease). */
	private static final Set<ActionStatus> WORK = Collections.unmodifiableSet(
			EnumSet.of(ActionStatus.PENDING, ActionStatus.BATCHED, ActionStatus.APPROVED, ActionStatus.EXECUTING));

	/** The work that keeps a user from resting: all of it but what waits on the phone. */
	private static final Set<ActionStatus> BUSY = Collections
		.unmodifiableSet(EnumSet.of(ActionStatus.PENDING, ActionStatus.APPROVED, ActionStatus.EXECUTING));

	/**
	 * What waits on the phone: read for its {@code approveBy} only when nothing is busy.
	 */
	private static final Set<ActionStatus> ON_THE_PHONE = Collections.unmodifiableSet(EnumSet.of(ActionStatus.BATCHED));

	/**
	 * The actions recovery reads directly; a {@code BATCHED} one is reached through its
	 * batch, only when that batch was approved ({@link #stranded}).
	 */
	private static final Set<ActionStatus> RECOVERABLE = Collections
		.unmodifiableSet(EnumSet.of(ActionStatus.APPROVED, ActionStatus.EXECUTING));

	private static final Set<BatchStatus> APPROVED_BATCHES = Collections
		.unmodifiableSet(EnumSet.of(BatchStatus.APPROVED));

	private final ActionStore actions;

	private final BatchStore batches;

	private final Batcher batcher;

	private final ActionFreezer freezer;

	private final ApprovalChannel channel;

	private final BatchPresentation presentation;

	private final BatchExecutor executor;

	private final String audience;

	private final Duration requestedExpiry;

	private final ApprovalConfig config;

	private final Clock clock;

	private final BatchOutcomes outcomes;

	private final ApprovalAudit audit;

	private final AtomicBoolean ticking = new AtomicBoolean();

	private final ConcurrentMap<String, Poll> polls = new ConcurrentHashMap<>();

	private final ConcurrentMap<String, Instant> heldBack = new ConcurrentHashMap<>();

	private final ConcurrentMap<String, Running> running = new ConcurrentHashMap<>();

	private final Replica replica;

	/** The users left alone until something changes or is due. */
	private final ConcurrentMap<String, Quiet> quiet = new ConcurrentHashMap<>();

	/** The users whose lease this replica holds, with when it took each. */
	private final ConcurrentMap<String, Instant> held = new ConcurrentHashMap<>();

	/** When each lease this replica holds was last taken or renewed. */
	private final ConcurrentMap<String, Instant> renewed = new ConcurrentHashMap<>();

	/**
	 * How old a lease gets before {@link #renewLeases()} renews it: a third of its time
	 * to live, and less when the renewer's period leaves too little time for a second
	 * try.
	 */
	private volatile Duration renewAfter;

	private volatile @Nullable Disposable ticker;

	private volatile @Nullable Disposable renewer;

	/**
	 * Creates the loop; nothing runs until {@link #start(Duration)} or {@link #tick()}.
	 * @param actions the action store
	 * @param batches the batch store
	 * @param batcher closes and paces batches
	 * @param freezer expires overdue actions
	 * @param channel asks the user and polls for the answer
	 * @param presentation what the phone shows
	 * @param executor runs approved batches
	 * @param audience Countersign's API identifier, the {@code audience} of the request
	 * @param requestedExpiry the {@code requested_expiry}, at most 300 s
	 * @param config the approval settings (the batch window, for holding a batch back)
	 * @param clock the clock
	 */
	public ApprovalLoop(ActionStore actions, BatchStore batches, Batcher batcher, ActionFreezer freezer,
			ApprovalChannel channel, BatchPresentation presentation, BatchExecutor executor, String audience,
			Duration requestedExpiry, ApprovalConfig config, Clock clock) {
		this(actions, batches, batcher, freezer, channel, presentation, executor, audience, requestedExpiry, config,
				clock, ApprovalAudit.none());
	}

	/**
	 * Creates the loop, recording its steps in the audit trail; nothing runs until
	 * {@link #start(Duration)} or {@link #tick()}.
	 * @param actions the action store
	 * @param batches the batch store
	 * @param batcher closes and paces batches
	 * @param freezer expires overdue actions
	 * @param channel asks the user and polls for the answer
	 * @param presentation what the phone shows
	 * @param executor runs approved batches
	 * @param audience Countersign's API identifier, the {@code audience} of the request
	 * @param requestedExpiry the {@code requested_expiry}, at most 300 s
	 * @param config the approval settings (the batch window, for holding a batch back)
	 * @param clock the clock
	 * @param audit records each step; never fails
	 */
	public ApprovalLoop(ActionStore actions, BatchStore batches, Batcher batcher, ActionFreezer freezer,
			ApprovalChannel channel, BatchPresentation presentation, BatchExecutor executor, String audience,
			Duration requestedExpiry, ApprovalConfig config, Clock clock, ApprovalAudit audit) {
		this(actions, batches, batcher, freezer, channel, presentation, executor, audience, requestedExpiry, config,
				clock, audit, Replica.alone(clock));
	}

	/**
	 * Creates the loop of one replica among several sharing a store; nothing runs until
	 * {@link #start(Duration)} or {@link #tick()}.
	 * @param actions the action store
	 * @param batches the batch store
	 * @param batcher closes and paces batches
	 * @param freezer expires overdue actions
	 * @param channel asks the user and polls for the answer
	 * @param presentation what the phone shows
	 * @param executor runs approved batches
	 * @param audience Countersign's API identifier, the {@code audience} of the request
	 * @param requestedExpiry the {@code requested_expiry}, at most 300 s
	 * @param config the approval settings (the batch window, the execution window)
	 * @param clock the clock
	 * @param audit records each step; never fails
	 * @param replica this replica's id, the users' leases and the recovery timings
	 */
	public ApprovalLoop(ActionStore actions, BatchStore batches, Batcher batcher, ActionFreezer freezer,
			ApprovalChannel channel, BatchPresentation presentation, BatchExecutor executor, String audience,
			Duration requestedExpiry, ApprovalConfig config, Clock clock, ApprovalAudit audit, Replica replica) {
		this.replica = Objects.requireNonNull(replica, "replica must not be null");
		this.renewAfter = renewAfter(this.replica.leaseTtl(), Duration.ZERO);
		this.audit = Objects.requireNonNull(audit, "audit must not be null");
		this.actions = Objects.requireNonNull(actions, "actions must not be null");
		this.batches = Objects.requireNonNull(batches, "batches must not be null");
		this.batcher = Objects.requireNonNull(batcher, "batcher must not be null");
		this.freezer = Objects.requireNonNull(freezer, "freezer must not be null");
		this.channel = Objects.requireNonNull(channel, "channel must not be null");
		this.presentation = Objects.requireNonNull(presentation, "presentation must not be null");
		this.executor = Objects.requireNonNull(executor, "executor must not be null");
		this.audience = Objects.requireNonNull(audience, "audience must not be null");
		this.requestedExpiry = Objects.requireNonNull(requestedExpiry, "requestedExpiry must not be null");
		this.config = Objects.requireNonNull(config, "config must not be null");
		this.clock = Objects.requireNonNull(clock, "clock must not be null");
		this.outcomes = new BatchOutcomes(actions, batches, clock);
	}

	/**
	 * Ticks every {@code period} until {@link #stop()}; a tick still running when the
	 * next is due makes that one skip. Calling it twice does nothing more.
	 * @param period the poll period
	 * @throws IllegalArgumentException when {@code period} is not shorter than the
	 * replica's lease time to live (the leases would lapse between ticks)
	 */
	public synchronized void start(Duration period) {
		if (period.compareTo(this.replica.leaseTtl()) >= 0) {
			throw new IllegalArgumentException("period must be shorter than the lease time to live "
					+ this.replica.leaseTtl() + ", but was " + period);
		}
		if (this.ticker != null) {
			return;
		}
		this.renewAfter = renewAfter(this.replica.leaseTtl(), period);
		this.ticker = Flux.interval(period, period)
			.onBackpressureDrop()
			.concatMap((i) -> tick(), 1)
			.subscribe(null, (ex) -> logger.error("The approval loop stopped: {}", ex.toString()));
		// apart from the tick: a slow tick (a CIBA start retried with back-off) must not
		// let the leases lapse while this replica is alive
		if (this.renewer == null) {
			this.renewer = Flux.interval(period, period)
				.onBackpressureDrop()
				.concatMap((i) -> renewLeases(), 1)
				.subscribe(null, (ex) -> logger.error("Lease renewal stopped: {}", ex.toString()));
		}
		logger.info("Approval loop of replica {} started, every {} (leases last {})", this.replica.id(), period,
				this.replica.leaseTtl());
	}

	/**
	 * Stops ticking. Executions already started run to their end, and the leases stay
	 * renewed until {@link #releaseLeases()} or {@link #close()}.
	 */
	public synchronized void stop() {
		Disposable current = this.ticker;
		if (current != null) {
			current.dispose();
			this.ticker = null;
			logger.info("Approval loop stopped");
		}
	}

	/**
	 * One pass of the loop at the clock's current time. Errors of one user are logged and
	 * do not stop the others.
	 * @return completes when the pass is done (executions it started may still run; see
	 * {@link #executions()}); completes at once when another pass is running
	 */
	public Mono<Void> tick() {
		return Mono.defer(() -> {
			if (!this.ticking.compareAndSet(false, true)) {
				return Mono.<Void>empty();
			}
			Instant now = this.clock.instant();
			Set<String> visited = ConcurrentHashMap.newKeySet();
			return Flux
				.merge(this.actions.findUsers(WORK),
						Flux.defer(() -> Flux.fromStream(this.running.values().stream().map(Running::user))))
				.distinct()
				.doOnNext(visited::add)
				.flatMap((user) -> user(user, now).timeout(passLimit()).onErrorResume((ex) -> {
					logger.warn("Approval loop pass for user {} failed: {}", user, ex.toString());
					return Mono.empty();
				}), USER_CONCURRENCY)
				.then(Mono.<Void>fromRunnable(() -> forgetAllBut(visited)))
				.onErrorResume((ex) -> {
					logger.warn("Approval loop pass failed: {}", ex.toString());
					return Mono.empty();
				})
				.doFinally((signal) -> this.ticking.set(false));
		});
	}

	private Duration passLimit() {
		Duration ttl = this.replica.leaseTtl();
		return (ttl.compareTo(MIN_PASS_LIMIT) > 0) ? ttl : MIN_PASS_LIMIT;
	}

	/**
	 * The executions of approved batches still running.
	 * @return completes when every execution running now has ended
	 */
	public Mono<Void> executions() {
		return Mono.when(this.running.values().stream().map(Running::execution).toList());
	}

	/**
	 * Gives up every lease this replica holds, so that the others take its users over at
	 * once; call after {@link #stop()} and after {@link #executions()} ended (graceful
	 * shutdown). Never fails: a lease that cannot be released lapses on its own.
	 * @return completes when every release was answered
	 */
	public Mono<Void> releaseLeases() {
		return Flux.defer(() -> {
			stopRenewing();
			return Flux.fromIterable(List.copyOf(this.held.keySet()));
		})
			.flatMap((user) -> this.replica.leases()
				.release(user, this.replica.id())
				.doOnNext((released) -> forget(user))
				.onErrorResume((ex) -> {
					logger.warn("Replica {} could not release the lease of user {}: {}", this.replica.id(), user,
							ex.toString());
					return Mono.empty();
				}))
			.then();
	}

	/**
	 * Stops ticking and renewing leases, without releasing them: they lapse after their
	 * time to live. Executions already started run to their end.
	 */
	public void close() {
		stop();
		stopRenewing();
	}

	private synchronized void stopRenewing() {
		Disposable renewing = this.renewer;
		if (renewing != null) {
			renewing.dispose();
			this.renewer = null;
		}
	}

	/**
	 * Renews every lease this replica holds that was taken or renewed a third of its time
	 * to live ago or earlier (a user's pass takes it anew, so a user passed at every tick
	 * needs no renewal); {@link #start(Duration)} runs it every period, apart from the
	 * ticks. A lease found taken by another replica is forgotten (with its poll state).
	 * Never fails: an error keeps every state for the next try.
	 * @return completes when every renewal was answered
	 */
	public Mono<Void> renewLeases() {
		return Flux.defer(() -> {
			Instant due = this.clock.instant().minus(this.renewAfter);
			return Flux.fromIterable(List.copyOf(this.renewed.entrySet()))
				.filter((entry) -> !entry.getValue().isAfter(due))
				.map(Map.Entry::getKey);
		}).flatMap((user) -> stillHeld(user).then()).then();
	}

	/**
	 * The age at which the renewer renews a lease: a third of its time to live, but never
	 * so late that a renewal that fails has no second try a period later.
	 */
	static Duration renewAfter(Duration ttl, Duration period) {
		Duration third = ttl.dividedBy(3);
		Duration latest = ttl.minus(period.multipliedBy(2));
		if (latest.isNegative()) {
			return Duration.ZERO;
		}
		return (latest.compareTo(third) < 0) ? latest : third;
	}

	/**
	 * Renews a user's lease and says whether this replica still holds it; checked again
	 * right before a CIBA request is started or polled, so that a replica whose lease
	 * lapsed during a slow pass does not ask twice. Errors count as not held.
	 */
	private Mono<Boolean> stillHeld(String user) {
		Instant asked = this.clock.instant();
		return this.replica.leases().acquire(user, this.replica.id(), this.replica.leaseTtl()).onErrorResume((ex) -> {
			logger.warn("Replica {} could not renew the lease of user {}: {}", this.replica.id(), user, ex.toString());
			return Mono.just(false);
		}).doOnNext((holds) -> {
			if (holds && this.held.containsKey(user)) {
				this.renewed.put(user, asked);
			}
			if (!holds && this.held.containsKey(user)) {
				logger.info("Replica {} lost the lease of user {}: another replica does the approval work",
						this.replica.id(), user);
				forget(user);
			}
		});
	}

	/**
	 * The users whose lease this replica held at its last pass.
	 * @return a snapshot
	 */
	public Set<String> heldUsers() {
		return Set.copyOf(this.held.keySet());
	}

	/**
	 * A user's pass, unless the user may rest: nothing of the user's actions changed
	 * since the last pass ({@link ActionStore#changes}) and the time {@link #settle} set
	 * has not come; a resting user's open request is still polled when its interval has
	 * passed, and nothing else is done. The lease stays renewed meanwhile (by the
	 * renewer).
	 */
	private Mono<Void> user(String user, Instant now) {
		return this.actions.changes(user).flatMap((changes) -> {
			Quiet rest = this.quiet.get(user);
			if (rest != null && rest.changes() == changes && now.isBefore(rest.until())
					&& this.held.containsKey(user)) {
				Poll open = this.polls.get(rest.polled());
				if (open == null) {
					this.quiet.remove(user);
					return pass(user, now);
				}
				// an answer other than "pending" moves the actions, so the next tick
				// passes
				return now.isBefore(open.nextAt()) ? Mono.<Void>empty() : poll(user, now);
			}
			this.quiet.remove(user);
			return pass(user, now).then(Mono.defer(() -> settle(user, changes, now)));
		});
	}

	/**
	 * After a pass: lets the user rest when all that is left is waiting on the phone —
	 * every live action {@code BATCHED}, and a request of the user's open that this
	 * replica polls (a batch not yet asked for waits behind it: one request at a time) —
	 * until the first {@code approveBy} or {@link #MAX_QUIET}, whichever comes first,
	 * polling that request meanwhile. Anything else (a pending write, a batch held back
	 * or rate-limited, an approval running) is looked at again at the next tick.
	 */
	private Mono<Void> settle(String user, long changes, Instant now) {
		if (!this.held.containsKey(user) || this.running.values().stream().anyMatch((run) -> run.user().equals(user))) {
			return Mono.empty();
		}
		String polled = this.polls.entrySet()
			.stream()
			.filter((entry) -> entry.getValue().user().equals(user))
			.map(Map.Entry::getKey)
			.findFirst()
			.orElse(null);
		if (polled == null) {
			return Mono.empty();
		}
		// the few actions that keep a user busy first: the many waiting on the phone are
		// asked only for their first due time, and only when there is none
		Instant longest = now.plus(MAX_QUIET);
		return this.actions.findByUser(user, BUSY)
			.hasElements()
			.filter((busy) -> !busy)
			.flatMap((idle) -> this.actions.earliestDue(user, ON_THE_PHONE).defaultIfEmpty(longest))
			.map((due) -> earliest(due, longest))
			.doOnNext((until) -> this.quiet.put(user, new Quiet(changes, until, polled)))
			.then();
	}

	private static Instant earliest(Instant first, Instant second) {
		return first.isBefore(second) ? first : second;
	}

	private Mono<Void> pass(String user, Instant now) {
		return this.replica.leases().acquire(user, this.replica.id(), this.replica.leaseTtl()).onErrorResume((ex) -> {
			// fail closed: without the lease, do nothing for the user
			logger.warn("Replica {} could not take the lease of user {}: {}", this.replica.id(), user, ex.toString());
			return Mono.just(false);
		}).flatMap((holds) -> {
			if (!holds) {
				if (this.held.containsKey(user)) {
					logger.info("Replica {} lost the lease of user {}: another replica does the approval work",
							this.replica.id(), user);
				}
				forget(user);
				return Mono.<Void>empty();
			}
			Instant since = this.held.putIfAbsent(user, now);
			this.renewed.put(user, now);
			if (since == null) {
				logger.info("Replica {} now does the approval work of user {}", this.replica.id(), user);
			}
			return this.freezer.expireOverdue(user, now)
				.concatMap(this.audit::actionEnded)
				.then(recover(user, now, (since != null) ? since : now))
				.then(this.batcher.tick(user, now).concatMap(this.audit::batched).then())
				// one request at a time: poll the open one, or ask for the next batch
				.then(this.batches.findOpenRequest(user)
					.flatMap((open) -> poll(user, open, now).thenReturn(open))
					.switchIfEmpty(Mono.defer(() -> ask(user, now).then(Mono.empty())))
					.then());
		});
	}

	/** Forgets the lease and the poll state of a user. */
	private void forget(String user) {
		this.held.remove(user);
		this.renewed.remove(user);
		this.quiet.remove(user);
		this.polls.values().removeIf((poll) -> poll.user().equals(user));
	}

	/** Forgets every user this pass did not visit: no work, so no lease renewed. */
	private void forgetAllBut(Set<String> visited) {
		for (String user : List.copyOf(this.held.keySet())) {
			if (!visited.contains(user)) {
				forget(user);
			}
		}
	}

	/**
	 * Crash recovery for a user whose lease this replica holds; never re-runs a write.
	 * Actions of this replica's running executions are never touched.
	 */
	private Mono<Void> recover(String user, Instant now, Instant heldSince) {
		Mono<Void> claimed = this.actions.findByUser(user, RECOVERABLE)
			.filter((action) -> action.batchId() == null || !this.running.containsKey(action.batchId()))
			.filter((action) -> !this.replica.writes().running(action.id()))
			.concatMap((action) -> switch (action.status()) {
				case EXECUTING -> now.isBefore(action.updatedAt().plus(this.replica.orphanAfter())) ? Mono.empty()
						: recovered(action, ActionStatus.UNKNOWN, ORPHANED, now);
				default -> now.isBefore(action.updatedAt().plus(this.config.executionWindow())) ? Mono.empty()
						: recovered(action, ActionStatus.EXPIRED, NEEDS_APPROVAL, now);
			})
			.then();
		// BATCHED actions through their batch: an approved batch is rare, while a user's
		// BATCHED actions may be thousands waiting on the phone, read at every pass
		Mono<Void> stranded = this.batches.findByUser(user, APPROVED_BATCHES)
			.filter((batch) -> !this.running.containsKey(batch.id()) && stranded(batch, now, heldSince))
			.concatMap((batch) -> this.actions.findByBatch(user, batch.id()))
			.filter((action) -> action.status() == ActionStatus.BATCHED && !this.replica.writes().running(action.id()))
			.concatMap((action) -> recovered(action, ActionStatus.EXPIRED, NEEDS_APPROVAL, now))
			.then();
		return claimed.then(stranded);
	}

	/**
	 * Whether a batch was approved and claimed, but no execution of this replica runs it
	 * and the window of its actions has surely closed: the approval came at most
	 * {@code requestedExpiry} after the request, and the window lasts at most the
	 * execution window; or, since only a lease holder polls and claims, a batch claimed
	 * elsewhere was claimed before this replica took the lease (give or take one lease
	 * time to live for a poll in flight), and its window closed an execution window after
	 * that.
	 */
	private boolean stranded(Batch batch, Instant now, Instant heldSince) {
		Instant requestedAt = batch.requestedAt();
		if (batch.status() != BatchStatus.APPROVED || requestedAt == null) {
			return false;
		}
		Duration window = this.config.executionWindow();
		return !now.isBefore(requestedAt.plus(this.requestedExpiry).plus(window))
				|| !now.isBefore(heldSince.plus(window).plus(this.replica.leaseTtl()));
	}

	private Mono<Action> recovered(Action action, ActionStatus status, String reason, Instant now) {
		return this.actions.transitionFrom(action, (current) -> current.moveTo(status, now).withReason(reason))
			.doOnNext((moved) -> logger.warn("Recovery by replica {}: action {} of batch {} of user {} was {}, now {}",
					this.replica.id(), moved.id(), moved.batchId(), moved.user(), action.status(), status))
			.flatMap((moved) -> this.audit.actionEnded(moved).thenReturn(moved));
	}

	private Mono<Void> ask(String user, Instant now) {
		return this.batcher.nextToRequest(user, now).filter((batch) -> {
			Instant notBefore = this.heldBack.get(batch.id());
			return notBefore == null || !now.isBefore(notBefore);
		})
			.filterWhen((batch) -> stillHeld(user))
			.flatMap((batch) -> this.actions.findByBatch(user, batch.id()).collectList().flatMap((stored) -> {
				List<Action> waiting = batched(batch, stored);
				if (waiting.isEmpty()) {
					// every action was cancelled or expired: nothing to ask for
					return end(batch, BatchStatus.EXPIRED, ActionStatus.EXPIRED, EXPIRED);
				}
				return start(batch, waiting, now);
			}))
			.then();
	}

	private Mono<Batch> start(Batch batch, List<Action> waiting, Instant now) {
		BackchannelAuthenticationRequest request = BackchannelAuthenticationRequest
			.builder(batch.user(), this.presentation.bindingMessage(batch, waiting))
			.scope(BackchannelAuthenticationRequest.DEFAULT_SCOPE)
			.audience(this.audience)
			// DESIGN §4 step 4: at most 300 s, above that Auth0 sends an email
			.requestedExpiry(this.requestedExpiry)
			// RFC 9396: one object Guardian displays, with the batch digest
			.authorizationDetails(
					JSON.writeValueAsString(this.presentation.authorizationDetails(batch, waiting, external(waiting))))
			.build();
		Instant startedAt = this.clock.instant();
		return this.channel.start(request)
			.flatMap((started) -> record(batch, started, startedAt))
			.onErrorResume(CibaStartRejectedException.class, (ex) -> {
				String reason = startRefused(ex);
				logger.warn("Batch {} of user {} failed: {}", batch.id(), batch.user(), reason);
				return end(batch, BatchStatus.FAILED, ActionStatus.FAILED, reason);
			})
			.onErrorResume(CibaException.class, (ex) -> {
				// CIBA Core §7.1 / DESIGN §4 step 4: a push may have been sent; never
				// retried blindly. The batch is asked for again at the next window.
				this.heldBack.put(batch.id(), now.plus(this.config.batchWindow()));
				logger.warn("Approval of batch {} of user {} not started, asking again after {}: {}", batch.id(),
						batch.user(), this.config.batchWindow(), ex.getMessage());
				return Mono.empty();
			});
	}

	/**
	 * Why a start request was refused, in words the user can act on. Auth0 answers
	 * {@code invalid_request} when the user has no push enrolment (DESIGN §4 step 4):
	 * that is said plainly, since nothing but enrolling helps.
	 */
	static String startRefused(CibaStartRejectedException ex) {
		String said = ex.error() + ((ex.errorDescription() != null) ? ": " + ex.errorDescription() : "");
		if (!"invalid_request".equals(ex.error())) {
			return "approval could not be requested (" + said + ")";
		}
		String description = Objects.requireNonNullElse(ex.errorDescription(), "").toLowerCase(Locale.ROOT);
		if (ENROLMENT.matcher(description).find()) {
			return "approval could not be requested: the user has no Auth0 Guardian enrolment for push approvals"
					+ " (Auth0 said " + said + "); enrol the Guardian app, then ask for the write again";
		}
		return "approval could not be requested (" + said
				+ "); a user without an Auth0 Guardian enrolment for push approvals gets this answer";
	}

	private Mono<Batch> record(Batch batch, BackchannelAuthenticationResponse started, Instant startedAt) {
		return this.batcher.recordRequest(batch, started.authReqId(), startedAt).doOnNext((requested) -> {
			this.heldBack.remove(batch.id());
			this.polls.put(requested.id(), new Poll(batch.user(), started.authReqId(), started.interval(),
					startedAt.plus(started.interval())));
			logger.info("Approval of batch {} of user {} requested", batch.id(), batch.user());
		}).flatMap((requested) -> this.audit.cibaRequested(requested).thenReturn(requested));
	}

	private Mono<Void> poll(String user, Instant now) {
		return this.batches.findOpenRequest(user).flatMap((batch) -> poll(user, batch, now));
	}

	/** Polls the user's open request when its interval has passed. */
	private Mono<Void> poll(String user, Batch batch, Instant now) {
		if (this.running.containsKey(batch.id())) {
			return Mono.empty();
		}
		// resumed without memory of it (restart, other replica): default interval
		Poll poll = this.polls.computeIfAbsent(batch.id(), (id) -> {
			logger.info("Replica {} resumes polling batch {} of user {} (requested elsewhere or before a "
					+ "restart), at the default interval", this.replica.id(), batch.id(), user);
			return new Poll(user, Objects.requireNonNull(batch.authReqId()),
					BackchannelAuthenticationResponse.DEFAULT_INTERVAL, now);
		});
		if (now.isBefore(poll.nextAt())) {
			return Mono.empty();
		}
		return stillHeld(user).filter(Boolean::booleanValue)
			.flatMap((holds) -> this.channel.poll(poll.authReqId(), poll.interval()))
			.flatMap((result) -> answered(batch, poll, result, now))
			.onErrorResume(CibaUnavailableException.class, (ex) -> {
				// the auth_req_id is still worth polling: keep every state
				this.polls.put(batch.id(), poll.after(now, poll.interval()));
				logger.warn("Polling batch {} of user {} failed, polling again later: {}", batch.id(), user,
						ex.getMessage());
				return Mono.empty();
			})
			.then();
	}

	private Mono<Batch> answered(Batch batch, Poll poll, PollResult result, Instant now) {
		if (result instanceof PollResult.Pending pending) {
			this.polls.put(batch.id(), poll.after(now, pending.nextInterval()));
			return Mono.empty();
		}
		if (result instanceof PollResult.SlowDown slowDown) {
			// CIBA Core §11: keep the longer interval from now on
			this.polls.put(batch.id(), poll.after(now, slowDown.nextInterval()));
			return Mono.empty();
		}
		this.polls.remove(batch.id());
		if (result instanceof CibaOutcome.Approved approved) {
			logger.info("Batch {} of user {} approved", batch.id(), batch.user());
			runDetached(batch, poll.authReqId(), approved);
			return Mono.empty();
		}
		if (result instanceof CibaOutcome.Denied) {
			// DESIGN §4 step 5: access_denied means denied OR expired
			logger.info("Batch {} of user {} denied or expired on the phone", batch.id(), batch.user());
			return end(batch, BatchStatus.DENIED, ActionStatus.DENIED, DENIED);
		}
		if (result instanceof CibaOutcome.Expired) {
			logger.info("Batch {} of user {} expired", batch.id(), batch.user());
			return end(batch, BatchStatus.EXPIRED, ActionStatus.EXPIRED, EXPIRED);
		}
		CibaOutcome.Failed failed = (CibaOutcome.Failed) result;
		logger.warn("Approval of batch {} of user {} failed: {}", batch.id(), batch.user(), failed.error());
		return end(batch, BatchStatus.FAILED, ActionStatus.FAILED,
				"the approval request failed (" + failed.error() + ")");
	}

	/** Ends the batch, then records how it ended (only when this call ended it). */
	private Mono<Batch> end(Batch batch, BatchStatus batchStatus, ActionStatus actionStatus, String reason) {
		AuditEventType type = switch (batchStatus) {
			case DENIED -> AuditEventType.DENIED;
			case EXPIRED -> AuditEventType.EXPIRED;
			default -> AuditEventType.FAILED;
		};
		return this.outcomes.end(batch, batchStatus, actionStatus, reason)
			.flatMap((ended) -> this.audit.batchEnded(type, ended, reason).thenReturn(ended));
	}

	private void runDetached(Batch batch, String authReqId, CibaOutcome.Approved approved) {
		Mono<Batch> execution = this.executor.execute(batch, authReqId, approved).onErrorResume((ex) -> {
			logger.error("Running batch {} of user {} failed: {}", batch.id(), batch.user(), ex.toString());
			return Mono.empty();
		}).doFinally((signal) -> this.running.remove(batch.id())).cache();
		if (this.running.putIfAbsent(batch.id(), new Running(batch.user(), execution)) == null) {
			execution.subscribe();
		}
	}

	private static List<Action> batched(Batch batch, List<Action> stored) {
		Map<String, Action> byId = new HashMap<>();
		stored.forEach((action) -> byId.put(action.id(), action));
		List<Action> waiting = new ArrayList<>();
		for (String id : batch.actionIds()) {
			Action action = byId.get(id);
			if (action != null && action.status() == ActionStatus.BATCHED) {
				waiting.add(action);
			}
		}
		return waiting;
	}

	/**
	 * Internal recipients are those in the domain of a sender frozen in the batch; with
	 * none frozen, every recipient is external.
	 */
	static Predicate<String> external(List<Action> actions) {
		Set<String> own = new LinkedHashSet<>();
		for (Action action : actions) {
			for (Object from : new Object[] { action.arguments().get("from"), action.preconditions().get("from") }) {
				String domain = (from instanceof String address) ? domain(address) : null;
				if (domain != null) {
					own.add(domain);
				}
			}
		}
		return (recipient) -> {
			String domain = domain(recipient);
			return domain == null || !own.contains(domain);
		};
	}

	private static @Nullable String domain(String address) {
		String trimmed = address.strip();
		if (trimmed.endsWith(">")) {
			trimmed = trimmed.substring(0, trimmed.length() - 1);
		}
		int at = trimmed.lastIndexOf('@');
		return (at >= 0 && at < trimmed.length() - 1) ? trimmed.substring(at + 1).toLowerCase(Locale.ROOT) : null;
	}

	/** One open request as this instance polls it. */
	private record Poll(String user, String authReqId, Duration interval, Instant nextAt) {

		Poll after(Instant now, Duration next) {
			return new Poll(this.user, this.authReqId, next, now.plus(next));
		}

	}

	/**
	 * A user left alone while the count of changes to their actions stays at
	 * {@code changes}, until {@code until}, but for polling the open request of batch
	 * {@code polled}.
	 */
	private record Quiet(long changes, Instant until, String polled) {

	}

	/** One execution of an approved batch running in this replica. */
	private record Running(String user, Mono<Batch> execution) {

	}

}
