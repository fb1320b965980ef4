package dev.countersign.server.approval;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

import dev.countersign.ciba.PollResult;
import dev.countersign.policy.action.Action;
import dev.countersign.policy.action.ActionStatus;
import dev.countersign.policy.approval.ApprovalLeases;
import dev.countersign.policy.approval.Batch;
import dev.countersign.policy.approval.BatchStatus;
import dev.countersign.policy.approval.InMemoryApprovalLeases;
import dev.countersign.policy.audit.AuditEvent;
import dev.countersign.policy.audit.AuditEventType;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Two approval loops, two replicas, over one set of stores, one lease store and one CIBA
 * channel (DESIGN §8): only the lease holder asks and polls; a stopped holder is taken
 * over; crash recovery never re-runs a write and never touches this replica's own.
 */
class ApprovalLoopReplicasTests {

	private static final Duration TTL = Replica.DEFAULT_LEASE_TTL;

	private final Engine engine = new Engine();

	private final ApprovalLeases leases = new InMemoryApprovalLeases(this.engine.clock);

	private final Fakes.ScriptedChannel channel = new Fakes.ScriptedChannel();

	private final Replica replicaA = replica("replica-a");

	private final Replica replicaB = replica("replica-b");

	private final ApprovalLoop a = this.engine.loop(this.channel, this.replicaA);

	private final ApprovalLoop b = this.engine.loop(this.channel, this.replicaB);

	@Test
	void tickWhenTwoReplicasThenOnlyTheLeaseHolderStartsTheRequestAndPolls() {
		Action mail = Engine.email();
		this.channel.starting(Fakes.ScriptedChannel.started("req-1"), Fakes.ScriptedChannel.started("req-2"))
			.polling(new PollResult.Pending(Duration.ofSeconds(5)), new PollResult.Pending(Duration.ofSeconds(5)),
					(java.util.function.Function<String, PollResult>) (id) -> this.engine.approval());
		this.engine.insert(mail);
		this.engine.clock.advance(Duration.ofSeconds(30));
		tick(this.a);
		tick(this.b);
		assertThat(this.channel.starts).hasSize(1);
		assertThat(this.a.heldUsers()).containsExactly(Engine.USER);
		assertThat(this.b.heldUsers()).isEmpty();

		for (int i = 0; i < 3; i++) {
			this.engine.clock.advance(Duration.ofSeconds(5));
			tick(this.b);
			tick(this.a);
		}
		StepVerifier.create(this.a.executions()).verifyComplete();

		assertThat(this.channel.polls).containsExactly("req-1", "req-1", "req-1");
		assertThat(this.engine.action(mail).status()).isEqualTo(ActionStatus.SUCCEEDED);
		assertThat(this.engine.writer.calls(mail.id())).isEqualTo(1);
	}

	@Test
	void tickWhenHolderStopsRenewingThenTheOtherTakesOverPollsTheSameAuthReqIdAndRunsOnce() {
		Action mail = Engine.email();
		Action comment = Engine.comment();
		this.channel.starting(Fakes.ScriptedChannel.started("req-1"))
			.polling((java.util.function.Function<String, PollResult>) (id) -> this.engine.approval());
		this.engine.insert(mail, comment);
		this.engine.clock.advance(Duration.ofSeconds(30));
		tick(this.a);
		assertThat(this.channel.starts).hasSize(1);
		// A dies: it ticks no more. Until its lease lapses, B does nothing for the user.
		this.engine.clock.advance(TTL.minusSeconds(1));
		tick(this.b);
		assertThat(this.channel.polls).isEmpty();
		assertThat(this.b.heldUsers()).isEmpty();

		this.engine.clock.advance(Duration.ofSeconds(1));
		tick(this.b);
		StepVerifier.create(this.b.executions()).verifyComplete();

		assertThat(this.b.heldUsers()).containsExactly(Engine.USER);
		assertThat(this.channel.starts).hasSize(1);
		assertThat(this.channel.polls).containsExactly("req-1");
		assertThat(this.engine.action(mail).status()).isEqualTo(ActionStatus.SUCCEEDED);
		assertThat(this.engine.action(comment).status()).isEqualTo(ActionStatus.SUCCEEDED);
		assertThat(this.engine.writer.calls(mail.id())).isEqualTo(1);
		assertThat(this.engine.writer.calls(comment.id())).isEqualTo(1);
		assertThat(batchOf(mail).status()).isEqualTo(BatchStatus.APPROVED);
		// A comes back with the same id: B holds the lease, so A polls nothing
		tick(this.a);
		assertThat(this.channel.polls).hasSize(1);
	}

	@Test
	void tickWhenExecutingWithNobodyRunningItThenUnknownAuditedAndNeverRerun() {
		Action mail = executing(Engine.email());
		this.engine.clock.advance(this.replicaA.orphanAfter().minusSeconds(1));
		tick(this.a);
		assertThat(this.engine.action(mail).status()).isEqualTo(ActionStatus.EXECUTING);

		this.engine.clock.advance(Duration.ofSeconds(1));
		tick(this.a);

		Action recovered = this.engine.action(mail);
		assertThat(recovered.status()).isEqualTo(ActionStatus.UNKNOWN);
		assertThat(recovered.reason()).isEqualTo(ApprovalLoop.ORPHANED);
		assertThat(this.engine.writer.totalCalls()).isZero();
		assertThat(ended(mail, AuditEventType.UNKNOWN).details()).containsEntry("reason", ApprovalLoop.ORPHANED);
		// the other replica finds nothing left to do
		tick(this.b);
		assertThat(this.engine.action(mail).version()).isEqualTo(recovered.version());
	}

	@Test
	void tickWhenApprovedPastItsExecutionWindowThenExpiredAndAudited() {
		Action mail = approved(Engine.email());
		this.engine.clock.advance(this.engine.config.executionWindow().minusSeconds(1));
		tick(this.a);
		assertThat(this.engine.action(mail).status()).isEqualTo(ActionStatus.APPROVED);

		this.engine.clock.advance(Duration.ofSeconds(1));
		tick(this.a);

		Action recovered = this.engine.action(mail);
		assertThat(recovered.status()).isEqualTo(ActionStatus.EXPIRED);
		assertThat(recovered.reason()).isEqualTo(ApprovalLoop.NEEDS_APPROVAL);
		assertThat(this.engine.writer.totalCalls()).isZero();
		assertThat(ended(mail, AuditEventType.EXPIRED).details()).containsEntry("reason", ApprovalLoop.NEEDS_APPROVAL);
	}

	@Test
	void tickWhenBatchedInAnApprovedBatchNobodyRunsThenExpiredOnceItsWindowCannotBeOpen() {
		Action mail = Engine.email();
		Batch requested = this.engine.requested("req-1", mail);
		// a replica claimed the batch, then died before approving its actions
		this.engine.batches
			.transition(Engine.USER, requested.id(), BatchStatus.REQUESTED, requested.version(),
					(current) -> current.withStatus(BatchStatus.APPROVED))
			.block();
		this.engine.clock.advance(Duration.ofSeconds(300).plus(this.engine.config.executionWindow()).minusSeconds(1));
		tick(this.a);
		assertThat(this.engine.action(mail).status()).isEqualTo(ActionStatus.BATCHED);

		this.engine.clock.advance(Duration.ofSeconds(1));
		tick(this.a);

		assertThat(this.engine.action(mail).status()).isEqualTo(ActionStatus.EXPIRED);
		assertThat(this.engine.action(mail).reason()).isEqualTo(ApprovalLoop.NEEDS_APPROVAL);
		assertThat(this.channel.polls).isEmpty();
		assertThat(this.engine.writer.totalCalls()).isZero();
	}

	@Test
	void tickWhenBatchedInAnApprovedBatchOfAStoppedReplicaThenExpiredOneWindowAfterTakingOver() {
		Action mail = Engine.email();
		Batch requested = this.engine.requested("req-1", mail);
		tick(this.a);
		this.engine.batches
			.transition(Engine.USER, requested.id(), BatchStatus.REQUESTED, requested.version(),
					(current) -> current.withStatus(BatchStatus.APPROVED))
			.block();
		// A claimed the batch and died; B takes over once A's lease lapsed
		this.engine.clock.advance(TTL);
		tick(this.b);
		assertThat(this.b.heldUsers()).containsExactly(Engine.USER);
		this.engine.clock.advance(this.engine.config.executionWindow().plus(TTL).minusSeconds(1));
		tick(this.b);
		assertThat(this.engine.action(mail).status()).isEqualTo(ActionStatus.BATCHED);

		this.engine.clock.advance(Duration.ofSeconds(1));
		tick(this.b);

		assertThat(this.engine.action(mail).status()).isEqualTo(ActionStatus.EXPIRED);
		assertThat(ended(mail, AuditEventType.EXPIRED).details()).containsEntry("reason", ApprovalLoop.NEEDS_APPROVAL);
		assertThat(this.engine.writer.totalCalls()).isZero();
	}

	@Test
	void tickWhenOwnExecutionStillRunsThenItsActionsUntouchedAndTheLeaseKept() {
		Sinks.One<Map<String, Object>> answer = Sinks.one();
		this.engine.writer.answering((action) -> answer.asMono());
		Action mail = Engine.email();
		this.channel.starting(Fakes.ScriptedChannel.started("req-1"))
			.polling((java.util.function.Function<String, PollResult>) (id) -> this.engine.approval());
		this.engine.insert(mail);
		this.engine.clock.advance(Duration.ofSeconds(30));
		tick(this.a);
		this.engine.clock.advance(Duration.ofSeconds(5));
		tick(this.a);
		// the execution runs detached: wait (real time, bounded) until the write is sent
		StepVerifier
			.create(Mono.fromSupplier(() -> this.engine.writer.calls(mail.id()))
				.filter((calls) -> calls == 1)
				.repeatWhenEmpty((empty) -> empty.delayElements(Duration.ofMillis(10)))
				.timeout(Duration.ofSeconds(10)))
			.expectNext(1)
			.verifyComplete();
		assertThat(this.engine.action(mail).status()).isEqualTo(ActionStatus.EXECUTING);

		// far past every recovery timing, A still runs it and still renews the lease
		for (int i = 0; i < 20; i++) {
			this.engine.clock.advance(Duration.ofSeconds(10));
			tick(this.a);
			tick(this.b);
		}
		assertThat(this.engine.action(mail).status()).isEqualTo(ActionStatus.EXECUTING);
		assertThat(this.b.heldUsers()).isEmpty();

		answer.tryEmitValue(Map.of("id", "sent"));
		StepVerifier.create(this.a.executions()).verifyComplete();
		assertThat(this.engine.action(mail).status()).isEqualTo(ActionStatus.SUCCEEDED);
		assertThat(this.engine.writer.calls(mail.id())).isEqualTo(1);
	}

	@Test
	void tickWhenOwnAutoApprovedWriteStillRunsThenUntouched() {
		Action mail = executing(Engine.email());
		Sinks.Empty<Void> done = Sinks.empty();
		this.replicaA.writes().track(mail.id(), done.asMono()).subscribe();
		this.engine.clock.advance(this.replicaA.orphanAfter().multipliedBy(3));
		tick(this.a);
		assertThat(this.engine.action(mail).status()).isEqualTo(ActionStatus.EXECUTING);

		done.tryEmitEmpty();
		tick(this.a);
		assertThat(this.engine.action(mail).status()).isEqualTo(ActionStatus.UNKNOWN);
	}

	@Test
	void renewLeasesWhileAPassIsSlowThenTheLeaseIsKept() {
		this.channel.starting(Fakes.ScriptedChannel.started("req-1"))
			.polling(new PollResult.Pending(Duration.ofSeconds(5)));
		this.engine.insert(Engine.email());
		this.engine.clock.advance(Duration.ofSeconds(30));
		tick(this.a);
		// A's next pass is slow: only the renewal runs, every period
		for (int i = 0; i < 10; i++) {
			this.engine.clock.advance(Duration.ofSeconds(1));
			StepVerifier.create(this.a.renewLeases()).verifyComplete();
			tick(this.b);
		}
		assertThat(this.a.heldUsers()).containsExactly(Engine.USER);
		assertThat(this.b.heldUsers()).isEmpty();
		assertThat(this.channel.starts).hasSize(1);
		assertThat(this.channel.polls).isEmpty();
	}

	@Test
	void renewLeasesWhenALeaseWasTakenLessThanAThirdOfItsTimeToLiveAgoThenItIsNotAskedAgain() {
		AtomicInteger acquires = new AtomicInteger();
		ApprovalLeases counting = new ApprovalLeases() {

			@Override
			public Mono<Boolean> acquire(String user, String owner, Duration ttl) {
				acquires.incrementAndGet();
				return ApprovalLoopReplicasTests.this.leases.acquire(user, owner, ttl);
			}

			@Override
			public Mono<Boolean> release(String user, String owner) {
				return ApprovalLoopReplicasTests.this.leases.release(user, owner);
			}

			@Override
			public Mono<String> findOwner(String user) {
				return ApprovalLoopReplicasTests.this.leases.findOwner(user);
			}

		};
		ApprovalLoop c = this.engine.loop(this.channel,
				new Replica(counting, "replica-c", TTL, Replica.DEFAULT_ORPHAN_AFTER, new RunningWrites()));
		this.channel.starting(Fakes.ScriptedChannel.started("req-1"))
			.polling(new PollResult.Pending(Duration.ofSeconds(5)));
		this.engine.insert(Engine.email());
		this.engine.clock.advance(Duration.ofSeconds(30));
		tick(c);
		assertThat(c.heldUsers()).containsExactly(Engine.USER);

		// the pass just took it
		acquires.set(0);
		StepVerifier.create(c.renewLeases()).verifyComplete();
		assertThat(acquires).hasValue(0);
		this.engine.clock.advance(TTL.dividedBy(3).minusMillis(1));
		StepVerifier.create(c.renewLeases()).verifyComplete();
		assertThat(acquires).hasValue(0);

		// a third of its time to live: renewed, once
		this.engine.clock.advance(Duration.ofMillis(1));
		StepVerifier.create(c.renewLeases()).verifyComplete();
		StepVerifier.create(c.renewLeases()).verifyComplete();
		assertThat(acquires).hasValue(1);
		assertThat(c.heldUsers()).containsExactly(Engine.USER);
	}

	@Test
	void renewAfterLeavesASecondTryBeforeTheLeaseLapses() {
		assertThat(ApprovalLoop.renewAfter(Duration.ofSeconds(15), Duration.ofSeconds(1)))
			.isEqualTo(Duration.ofSeconds(5));
		assertThat(ApprovalLoop.renewAfter(Duration.ofSeconds(15), Duration.ofSeconds(6)))
			.isEqualTo(Duration.ofSeconds(3));
		assertThat(ApprovalLoop.renewAfter(Duration.ofSeconds(15), Duration.ofSeconds(10))).isEqualTo(Duration.ZERO);
	}

	@Test
	void releaseLeasesThenTheOtherReplicaTakesOverAtOnce() {
		this.channel.starting(Fakes.ScriptedChannel.started("req-1"))
			.polling(new PollResult.Pending(Duration.ofSeconds(5)));
		this.engine.insert(Engine.email());
		this.engine.clock.advance(Duration.ofSeconds(30));
		tick(this.a);
		StepVerifier.create(this.a.releaseLeases()).verifyComplete();
		assertThat(this.a.heldUsers()).isEmpty();

		this.engine.clock.advance(Duration.ofSeconds(5));
		tick(this.b);

		assertThat(this.b.heldUsers()).containsExactly(Engine.USER);
		assertThat(this.channel.polls).containsExactly("req-1");
	}

	@Test
	void startWhenPeriodNotShorterThanTheLeaseThenRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.a.start(TTL))
			.withMessageContaining("lease time to live");
	}

	private Replica replica(String id) {
		return new Replica(this.leases, id, TTL, Replica.DEFAULT_ORPHAN_AFTER, new RunningWrites());
	}

	/** Inserts the action and moves it as the auto-runner does, to APPROVED. */
	private Action approved(Action action) {
		this.engine.insert(action);
		Action pending = this.engine.action(action);
		return this.engine.actions
			.transition(pending.user(), pending.id(), ActionStatus.PENDING, pending.version(),
					(current) -> current.moveTo(ActionStatus.APPROVED, this.engine.clock.instant()))
			.block();
	}

	/** Inserts the action and moves it as the auto-runner does, to EXECUTING. */
	private Action executing(Action action) {
		Action approved = approved(action);
		return this.engine.actions
			.transition(approved.user(), approved.id(), ActionStatus.APPROVED, approved.version(),
					(current) -> current.moveTo(ActionStatus.EXECUTING, this.engine.clock.instant()))
			.block();
	}

	private AuditEvent ended(Action action, AuditEventType type) {
		return this.engine.events()
			.stream()
			.filter((event) -> event.type() == type && action.id().equals(event.actionId()))
			.findFirst()
			.orElseThrow(() -> new AssertionError("no " + type + " event for " + action.id()));
	}

	private Batch batchOf(Action action) {
		return this.engine.batches.find(action.user(), this.engine.action(action).batchId()).block();
	}

	private static void tick(ApprovalLoop loop) {
		StepVerifier.create(loop.tick()).verifyComplete();
	}

}
