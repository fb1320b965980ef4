package dev.countersign.server.approval;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import dev.countersign.ciba.BackchannelAuthenticationRequest;
import dev.countersign.ciba.CibaOutcome;
import dev.countersign.ciba.CibaStartOutcomeUnknownException;
import dev.countersign.ciba.CibaStartRejectedException;
import dev.countersign.ciba.CibaUnavailableException;
import dev.countersign.ciba.PollResult;
import dev.countersign.policy.action.Action;
import dev.countersign.policy.action.ActionStatus;
import dev.countersign.policy.action.ForwardingActionStore;
import dev.countersign.policy.action.InMemoryActionStore;
import dev.countersign.policy.approval.ApprovalConfig;
import dev.countersign.policy.approval.Batch;
import dev.countersign.policy.approval.BatchStatus;
import dev.countersign.policy.approval.BatchStore;
import dev.countersign.policy.approval.InMemoryBatchStore;

import static org.assertj.core.api.Assertions.assertThat;

class ApprovalLoopTests {

	private final Engine engine = new Engine();

	private final Fakes.ScriptedChannel channel = new Fakes.ScriptedChannel();

	private final ApprovalLoop loop = this.engine.loop(this.channel);

	@Test
	void tickWhenWindowEndsThenOneRequestForTheBatchWithDetails() {
		this.channel.starting(Fakes.ScriptedChannel.started("req-1"));
		Action mail = Engine.email();
		this.engine.insert(mail);
		tick();
		assertThat(this.channel.starts).isEmpty();

		this.engine.clock.advance(Duration.ofSeconds(30));
		tick();

		assertThat(this.channel.starts).hasSize(1);
		BackchannelAuthenticationRequest request = this.channel.starts.get(0);
		Batch batch = batchOf(mail);
		assertThat(request.user()).isEqualTo(Engine.USER);
		assertThat(request.scope()).isEqualTo("openid");
		assertThat(request.audience()).isEqualTo(Engine.AUDIENCE);
		assertThat(request.requestedExpiry()).isEqualTo(Duration.ofSeconds(300));
		assertThat(request.bindingMessage()).endsWith("#" + batch.shortCode());
		assertThat(request.authorizationDetails()).contains(batch.digest()).contains("(1 external)");
		assertThat(batch.status()).isEqualTo(BatchStatus.REQUESTED);
		assertThat(batch.authReqId()).isEqualTo("req-1");
	}

	@Test
	void tickWhenApprovedThenBatchRunsOnce() {
		Action mail = Engine.email();
		this.channel.starting(Fakes.ScriptedChannel.started("req-1"))
			.polling(new PollResult.Pending(Duration.ofSeconds(5)), approvedWhenPolled());
		requestFor(mail);

		this.engine.clock.advance(Duration.ofSeconds(5));
		tick();
		assertThat(this.engine.action(mail).status()).isEqualTo(ActionStatus.BATCHED);
		this.engine.clock.advance(Duration.ofSeconds(5));
		tick();
		StepVerifier.create(this.loop.executions()).verifyComplete();

		assertThat(this.engine.action(mail).status()).isEqualTo(ActionStatus.SUCCEEDED);
		assertThat(this.engine.writer.calls(mail.id())).isEqualTo(1);
		assertThat(batchOf(mail).status()).isEqualTo(BatchStatus.APPROVED);
	}

	@Test
	void tickWhenDeniedThenAllDeniedAndWriterNeverCalled() {
		Action mail = Engine.email();
		Action deal = Engine.deal();
		this.channel.starting(Fakes.ScriptedChannel.started("req-1"))
			.polling(new CibaOutcome.Denied("The end-user denied the authorization request or it has been expired"));
		requestFor(mail, deal);

		this.engine.clock.advance(Duration.ofSeconds(5));
		tick();

		assertThat(batchOf(mail).status()).isEqualTo(BatchStatus.DENIED);
		for (Action action : List.of(mail, deal)) {
			assertThat(this.engine.action(action).status()).isEqualTo(ActionStatus.DENIED);
			assertThat(this.engine.action(action).reason()).isEqualTo(ApprovalLoop.DENIED);
		}
		assertThat(this.engine.writer.totalCalls()).isZero();
	}

	@Test
	void tickWhenExpiredThenAllExpired() {
		Action deal = Engine.deal();
		this.channel.starting(Fakes.ScriptedChannel.started("req-1")).polling(new CibaOutcome.Expired(null));
		requestFor(deal);

		this.engine.clock.advance(Duration.ofSeconds(5));
		tick();

		assertThat(batchOf(deal).status()).isEqualTo(BatchStatus.EXPIRED);
		assertThat(this.engine.action(deal).status()).isEqualTo(ActionStatus.EXPIRED);
		assertThat(this.engine.writer.totalCalls()).isZero();
	}

	@Test
	void tickWhenPollFailsWithOAuthErrorThenFailedNamingTheCode() {
		Action deal = Engine.deal();
		this.channel.starting(Fakes.ScriptedChannel.started("req-1"))
			.polling(new CibaOutcome.Failed("invalid_grant", null, 400));
		requestFor(deal);

		this.engine.clock.advance(Duration.ofSeconds(5));
		tick();

		assertThat(this.engine.action(deal).status()).isEqualTo(ActionStatus.FAILED);
		assertThat(this.engine.action(deal).reason()).contains("invalid_grant");
	}

	@Test
	void tickWhenStartRejectedForMissingEnrolmentThenActionsFailedNamingTheReason() {
		Action deal = Engine.deal();
		this.channel.starting(new CibaStartRejectedException("invalid_request",
				"User does not have an enrolled Guardian factor", 400));

		requestFor(deal);

		assertThat(batchOf(deal).status()).isEqualTo(BatchStatus.FAILED);
		assertThat(this.engine.action(deal).status()).isEqualTo(ActionStatus.FAILED);
		assertThat(this.engine.action(deal).reason())
			.startsWith("approval could not be requested: the user has no Auth0 Guardian enrolment")
			.contains("invalid_request")
			.contains("User does not have an enrolled Guardian factor")
			.contains("enrol the Guardian app");
	}

	@Test
	void startRefusedSaysEnrolmentOnlyWhenAuth0TalksAboutIt() {
		assertThat(
				ApprovalLoop.startRefused(new CibaStartRejectedException("invalid_request", "Invalid login_hint", 400)))
			.isEqualTo("approval could not be requested (invalid_request: Invalid login_hint); a user without an Auth0"
					+ " Guardian enrolment for push approvals gets this answer");
		assertThat(ApprovalLoop.startRefused(new CibaStartRejectedException("unauthorized_client", null, 403)))
			.isEqualTo("approval could not be requested (unauthorized_client)");
	}

	@Test
	void tickWhenStartOutcomeUnknownThenNotRetriedBeforeTheNextWindow() {
		Action deal = Engine.deal();
		this.channel.starting(new CibaStartOutcomeUnknownException("read timed out", OptionalInt.empty(), null),
				Fakes.ScriptedChannel.started("req-2"));
		requestFor(deal);
		assertThat(batchOf(deal).status()).isEqualTo(BatchStatus.OPEN);

		this.engine.clock.advance(Duration.ofSeconds(29));
		tick();
		assertThat(this.channel.starts).hasSize(1);

		this.engine.clock.advance(Duration.ofSeconds(1));
		tick();
		assertThat(this.channel.starts).hasSize(2);
		assertThat(batchOf(deal).authReqId()).isEqualTo("req-2");
	}

	@Test
	void tickWhenCibaUnavailableWhilePollingThenStateKeptAndPollingResumes() {
		Action deal = Engine.deal();
		this.channel.starting(Fakes.ScriptedChannel.started("req-1"))
			.polling(new CibaUnavailableException("token endpoint answered HTTP 503; poll again later",
					OptionalInt.of(503), null, null), approvedWhenPolled());
		requestFor(deal);

		this.engine.clock.advance(Duration.ofSeconds(5));
		tick();
		assertThat(batchOf(deal).status()).isEqualTo(BatchStatus.REQUESTED);
		assertThat(this.engine.action(deal).status()).isEqualTo(ActionStatus.BATCHED);

		this.engine.clock.advance(Duration.ofSeconds(1));
		tick();
		assertThat(this.channel.polls).hasSize(1);

		this.engine.clock.advance(Duration.ofSeconds(4));
		tick();
		StepVerifier.create(this.loop.executions()).verifyComplete();
		assertThat(this.channel.polls).containsExactly("req-1", "req-1");
		assertThat(this.engine.action(deal).status()).isEqualTo(ActionStatus.SUCCEEDED);
	}

	@Test
	void tickWhenSlowDownThenTheLongerIntervalIsKept() {
		Action deal = Engine.deal();
		this.channel.starting(Fakes.ScriptedChannel.started("req-1"))
			.polling(new PollResult.SlowDown(Duration.ofSeconds(10)), new PollResult.Pending(Duration.ofSeconds(10)));
		requestFor(deal);

		this.engine.clock.advance(Duration.ofSeconds(5));
		tick();
		this.engine.clock.advance(Duration.ofSeconds(5));
		tick();
		assertThat(this.channel.polls).hasSize(1);
		this.engine.clock.advance(Duration.ofSeconds(5));
		tick();

		assertThat(this.channel.pollIntervals()).containsExactly(Duration.ofSeconds(5), Duration.ofSeconds(10));
	}

	/** Inserts the actions, lets the batch window pass and ticks: the request starts. */
	@Test
	void tickWhenAllThatIsLeftWaitsOnThePhoneThenUserLeftAloneUntilAPollIsDueOrSomethingChanges() {
		ReadCountingActionStore store = new ReadCountingActionStore();
		Engine quietEngine = new Engine(store, ApprovalConfig.defaults());
		Fakes.ScriptedChannel phone = new Fakes.ScriptedChannel();
		ApprovalLoop quietLoop = quietEngine.loop(phone);
		PollResult pending = new PollResult.Pending(Duration.ofSeconds(5));
		Function<String, PollResult> approved = (authReqId) -> quietEngine.approval();
		phone.starting(Fakes.ScriptedChannel.started("req-1")).polling(pending, pending, pending, approved);
		Action deal = Engine.deal();
		quietEngine.insert(deal);
		quietEngine.clock.advance(Duration.ofSeconds(30));
		StepVerifier.create(quietLoop.tick()).verifyComplete();
		assertThat(phone.starts).hasSize(1);
		// a second write closes into a batch of its own, which waits behind the open
		// request
		quietEngine.insert(Engine.email());
		quietEngine.clock.advance(Duration.ofSeconds(30));
		StepVerifier.create(quietLoop.tick()).verifyComplete();
		assertThat(phone.starts).hasSize(1);
		int polled = phone.polls.size();
		// the moves of that pass: one more whole pass, then rest until the next poll, 5 s
		// on
		StepVerifier.create(quietLoop.tick()).verifyComplete();

		store.reads.set(0);
		for (int second = 1; second <= 4; second++) {
			quietEngine.clock.advance(Duration.ofSeconds(1));
			StepVerifier.create(quietLoop.tick()).verifyComplete();
		}
		assertThat(store.reads).as("actions read while the user rests").hasValue(0);
		assertThat(phone.polls).hasSize(polled);

		// the poll falls due: polled, and nothing else read
		quietEngine.clock.advance(Duration.ofSeconds(1));
		StepVerifier.create(quietLoop.tick()).verifyComplete();
		assertThat(phone.polls).hasSize(polled + 1);
		assertThat(store.reads).hasValue(0);

		// a whole pass at least every MAX_QUIET
		quietEngine.clock.advance(ApprovalLoop.MAX_QUIET);
		StepVerifier.create(quietLoop.tick()).verifyComplete();
		assertThat(store.reads.get()).isPositive();
		assertThat(phone.polls).hasSize(polled + 2);

		// an approval found by a resting user's poll runs at once
		quietEngine.clock.advance(Duration.ofSeconds(5));
		StepVerifier.create(quietLoop.tick()).verifyComplete();
		StepVerifier.create(quietLoop.executions()).verifyComplete();
		assertThat(phone.polls).hasSize(polled + 3);
		assertThat(quietEngine.action(deal).status()).isEqualTo(ActionStatus.SUCCEEDED);
		assertThat(quietEngine.writer.calls(deal.id())).isEqualTo(1);

		// a new write from the agent: looked at at the next tick, not after the rest
		StepVerifier.create(quietLoop.tick()).verifyComplete();
		store.reads.set(0);
		quietEngine.clock.advance(Duration.ofSeconds(1));
		quietEngine.insert(Engine.comment());
		StepVerifier.create(quietLoop.tick()).verifyComplete();
		assertThat(store.reads.get()).isPositive();
	}

	@Test
	void passWhileARequestIsOpenReadsTheOpenRequestOnce() {
		OpenRequestCountingBatchStore batches = new OpenRequestCountingBatchStore();
		Engine countingEngine = new Engine(new InMemoryActionStore(), ApprovalConfig.defaults(), batches);
		Fakes.ScriptedChannel phone = new Fakes.ScriptedChannel();
		ApprovalLoop countingLoop = countingEngine.loop(phone);
		PollResult pending = new PollResult.Pending(Duration.ofSeconds(5));
		phone.starting(Fakes.ScriptedChannel.started("req-1")).polling(pending, pending);
		countingEngine.insert(Engine.deal());
		countingEngine.clock.advance(ApprovalConfig.DEFAULT_BATCH_WINDOW);
		StepVerifier.create(countingLoop.tick()).verifyComplete();
		assertThat(phone.starts).hasSize(1);

		// a new write makes the next tick a whole pass; its poll is due too
		countingEngine.insert(Engine.email());
		countingEngine.clock.advance(Duration.ofSeconds(5));
		batches.openRequestReads.set(0);
		StepVerifier.create(countingLoop.tick()).verifyComplete();
		assertThat(phone.polls).hasSize(1);
		assertThat(batches.openRequestReads).as("open request reads in one whole pass").hasValue(1);
	}

	@Test
	void tickWhenManyWritesWaitOnThePhoneThenAPassReadsOnlyTheOverdueOnes() {
		ReadCountingActionStore store = new ReadCountingActionStore();
		Engine waitingEngine = new Engine(store, ApprovalConfig.defaults());
		Fakes.ScriptedChannel phone = new Fakes.ScriptedChannel();
		ApprovalLoop waitingLoop = waitingEngine.loop(phone);
		PollResult pending = new PollResult.Pending(Duration.ofSeconds(5));
		phone.starting(Fakes.ScriptedChannel.started("req-1")).polling(pending, pending, pending, pending);
		int waiting = 30;
		for (int i = 0; i < waiting; i++) {
			waitingEngine.insert(Engine.deal());
		}
		waitingEngine.clock.advance(Duration.ofSeconds(30));
		StepVerifier.create(waitingLoop.tick()).verifyComplete();
		StepVerifier.create(waitingLoop.tick()).verifyComplete();
		assertThat(phone.starts).hasSize(1);

		// a whole pass, all of them BATCHED and none due: expiry asks the store for the
		// overdue ones only, the rest check for the earliest due time only, and recovery
		// reaches a BATCHED action only through an approved batch
		waitingEngine.clock.advance(ApprovalLoop.MAX_QUIET);
		store.actionsRead.set(0);
		StepVerifier.create(waitingLoop.tick()).verifyComplete();
		assertThat(store.actionsRead.get()).as("actions read by one whole pass").isZero();

		// one more write, not yet due for a batch: the user cannot rest, and only that
		// one is read (the batcher's look at the pending ones)
		waitingEngine.insert(Engine.deal());
		store.actionsRead.set(0);
		StepVerifier.create(waitingLoop.tick()).verifyComplete();
		assertThat(store.actionsRead.get()).as("actions read by a pass with a write not yet batched")
			.isLessThanOrEqualTo(2);

		// past their approveBy (Engine.insert gives each 900 s), they are read once, to
		// expire them
		waitingEngine.clock.advance(Duration.ofSeconds(900));
		store.actionsRead.set(0);
		StepVerifier.create(waitingLoop.tick()).verifyComplete();
		assertThat(store.actionsRead.get()).as("actions read by the pass that expires them")
			.isBetween(waiting + 1, waiting + 5);
		assertThat(waitingEngine.actions.findByUser(Engine.USER, EnumSet.of(ActionStatus.EXPIRED)).count().block())
			.isEqualTo(waiting + 1);
	}

	private void requestFor(Action... actions) {
		this.engine.insert(actions);
		this.engine.clock.advance(Duration.ofSeconds(30));
		tick();
	}

	/** The approval token is issued when the user approves, after the request. */
	private Function<String, PollResult> approvedWhenPolled() {
		return (authReqId) -> this.engine.approval();
	}

	private void tick() {
		StepVerifier.create(this.loop.tick()).verifyComplete();
	}

	private Batch batchOf(Action action) {
		String batchId = this.engine.action(action).batchId();
		return this.engine.batches.find(action.user(), batchId).block();
	}

	/** Counts the reads of a user's open request. */
	private static final class OpenRequestCountingBatchStore implements BatchStore {

		final AtomicInteger openRequestReads = new AtomicInteger();

		private final BatchStore delegate = new InMemoryBatchStore();

		@Override
		public Mono<Batch> insert(Batch batch) {
			return this.delegate.insert(batch);
		}

		@Override
		public Mono<Batch> find(String user, String id) {
			return this.delegate.find(user, id);
		}

		@Override
		public Flux<Batch> findByUser(String user, Set<BatchStatus> statuses) {
			return this.delegate.findByUser(user, statuses);
		}

		@Override
		public Mono<Batch> findOpenRequest(String user) {
			this.openRequestReads.incrementAndGet();
			return this.delegate.findOpenRequest(user);
		}

		@Override
		public Mono<Long> countRequestsSince(String user, Instant since) {
			return this.delegate.countRequestsSince(user, since);
		}

		@Override
		public Mono<Batch> transition(String user, String id, BatchStatus expected, long expectedVersion,
				UnaryOperator<Batch> change) {
			return this.delegate.transition(user, id, expected, expectedVersion, change);
		}

	}

	/** Counts the reads of many actions at once (what a user's pass does). */
	private static final class ReadCountingActionStore extends ForwardingActionStore {

		final AtomicInteger reads = new AtomicInteger();

		final AtomicInteger actionsRead = new AtomicInteger();

		ReadCountingActionStore() {
			super(new InMemoryActionStore());
		}

		@Override
		public Flux<Action> findByUser(String user, Set<ActionStatus> statuses) {
			this.reads.incrementAndGet();
			return delegate().findByUser(user, statuses).doOnNext((action) -> this.actionsRead.incrementAndGet());
		}

		@Override
		public Flux<Action> findDue(String user, Set<ActionStatus> statuses, Instant now) {
			this.reads.incrementAndGet();
			return delegate().findDue(user, statuses, now).doOnNext((action) -> this.actionsRead.incrementAndGet());
		}

		@Override
		public Mono<Instant> earliestDue(String user, Set<ActionStatus> statuses) {
			// answered from the due times alone; no action is read
			this.reads.incrementAndGet();
			return delegate().earliestDue(user, statuses);
		}

		@Override
		public Flux<Action> findByBatch(String user, String batchId) {
			this.reads.incrementAndGet();
			return delegate().findByBatch(user, batchId).doOnNext((action) -> this.actionsRead.incrementAndGet());
		}

	}

}
