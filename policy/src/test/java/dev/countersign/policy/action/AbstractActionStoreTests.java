package dev.countersign.policy.action;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import dev.countersign.policy.MutableClock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The contract every {@link ActionStore} keeps. A store module extends this class and
 * returns a fresh, empty store from {@link #createStore()}; the tests use the users of
 * {@link TestActions} and do not clean up after themselves.
 */
public abstract class AbstractActionStoreTests {

	private static final Instant T0 = MutableClock.START;

	private ActionStore store;

	/**
	 * A fresh, empty store; called before each test.
	 * @return the store under test
	 */
	protected abstract ActionStore createStore();

	@BeforeEach
	void createStoreUnderTest() {
		this.store = createStore();
	}

	/**
	 * The store under test.
	 * @return the store
	 */
	protected ActionStore store() {
		return this.store;
	}

	private Action insert(Action action) {
		return this.store.insert(action).block();
	}

	@Test
	void insertThenFindReturnsTheSameAction() {
		Action action = TestActions.action().argument("amount", 1200).build();
		StepVerifier.create(this.store.insert(action)).expectNext(action).verifyComplete();
		StepVerifier.create(this.store.find(TestActions.USER, action.id())).expectNext(action).verifyComplete();
	}

	@Test
	void insertKeepsJsonValuesExactly() {
		Action action = TestActions.action()
			.argument("to", List.of("ada@example.com", "alan@example.com"))
			.argument("nested", Map.of("flag", true, "ratio", 0.25, "none", "\u20ac"))
			.argument("optional", null)
			.build();
		insert(action);
		Action found = this.store.find(TestActions.USER, action.id()).block();
		assertThat(found).isEqualTo(action);
		assertThat(found.digestMatches()).isTrue();
	}

	@Test
	void insertWhenIdTakenThenDuplicateActionException() {
		Action action = insert(TestActions.action().build());
		Action twin = TestActions.action().id(action.id()).build();
		StepVerifier.create(this.store.insert(twin)).verifyError(DuplicateActionException.class);
	}

	@Test
	void insertWhenSameAgentHasLiveActionWithSameDigestThenDuplicateActionException() {
		Action first = insert(TestActions.action().argument("note", "same").build());
		Action second = TestActions.action().argument("note", "same").build();
		assertThat(second.digest()).isEqualTo(first.digest());
		StepVerifier.create(this.store.insert(second))
			.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOf(DuplicateActionException.class)
				.hasMessageContaining(first.id()))
			.verify();
	}

	@Test
	void insertWhenSameDigestIsTerminalThenInserted() {
		insert(TestActions.action().argument("note", "same").inStatus(ActionStatus.EXPIRED).build());
		Action again = TestActions.action().argument("note", "same").build();
		StepVerifier.create(this.store.insert(again)).expectNext(again).verifyComplete();
	}

	@Test
	void findWhenAnotherUsersIdThenEmpty() {
		Action action = insert(TestActions.action().build());
		StepVerifier.create(this.store.find(TestActions.OTHER_USER, action.id())).verifyComplete();
		StepVerifier.create(this.store.find(TestActions.USER, "act_unknown")).verifyComplete();
	}

	@Test
	void findLiveWhenLiveThenFoundAndWhenTerminalOrOtherAgentThenEmpty() {
		Action live = insert(TestActions.action().inStatus(ActionStatus.BATCHED).build());
		Action done = insert(TestActions.action().inStatus(ActionStatus.SUCCEEDED).build());
		StepVerifier.create(this.store.findLive(TestActions.USER, TestActions.AGENT, live.digest()))
			.expectNext(live)
			.verifyComplete();
		StepVerifier.create(this.store.findLive(TestActions.USER, TestActions.AGENT, done.digest())).verifyComplete();
		StepVerifier.create(this.store.findLive(TestActions.USER, TestActions.OTHER_AGENT, live.digest()))
			.verifyComplete();
		StepVerifier.create(this.store.findLive(TestActions.OTHER_USER, TestActions.AGENT, live.digest()))
			.verifyComplete();
	}

	@Test
	void findLiveAfterAnEditFindsTheNewDigestOnly() {
		Action pending = insert(TestActions.action().argument("note", "before edit").build());
		Action edited = this.store
			.transition(TestActions.USER, pending.id(), ActionStatus.PENDING, pending.version(),
					(current) -> current.edited(Map.of("deal_id", "D-1001", "note", "after edit"), T0.plusSeconds(5)))
			.block();
		assertThat(edited).isNotNull();
		assertThat(edited.digest()).isNotEqualTo(pending.digest());
		StepVerifier.create(this.store.findLive(TestActions.USER, TestActions.AGENT, pending.digest()))
			.verifyComplete();
		StepVerifier.create(this.store.findLive(TestActions.USER, TestActions.AGENT, edited.digest()))
			.expectNext(edited)
			.verifyComplete();
	}

	@Test
	void findByUserWhenStatusesThenOnlyThoseOldestFirst() {
		Action later = insert(TestActions.action().createdAt(T0.plusSeconds(20)).build());
		Action earlier = insert(TestActions.action().createdAt(T0.plusSeconds(10)).build());
		Action batched = insert(TestActions.action().createdAt(T0).inStatus(ActionStatus.BATCHED).build());
		insert(TestActions.action().createdAt(T0).inStatus(ActionStatus.CANCELLED).build());
		insert(TestActions.action().user(TestActions.OTHER_USER).build());
		StepVerifier.create(this.store.findByUser(TestActions.USER, EnumSet.of(ActionStatus.PENDING)))
			.expectNext(earlier, later)
			.verifyComplete();
		StepVerifier
			.create(this.store.findByUser(TestActions.USER, EnumSet.of(ActionStatus.PENDING, ActionStatus.BATCHED)))
			.expectNext(batched, earlier, later)
			.verifyComplete();
		StepVerifier.create(this.store.findByUser(TestActions.USER, Set.of())).verifyComplete();
	}

	@Test
	void findDueWhenSomeAreOverdueThenOnlyThoseOfTheStatusesOldestFirst() {
		Action overdue = insert(TestActions.action().createdAt(T0).ttl(Duration.ofMinutes(1)).build());
		Action dueNow = insert(TestActions.action()
			.createdAt(T0.plusSeconds(30))
			.ttl(Duration.ofSeconds(30))
			.inStatus(ActionStatus.BATCHED)
			.build());
		// due half a millisecond after now: not yet, though in the same millisecond
		insert(TestActions.action().createdAt(T0).ttl(Duration.ofMinutes(1).plusNanos(500_000)).build());
		insert(TestActions.action().createdAt(T0).ttl(Duration.ofMinutes(5)).build());
		insert(TestActions.action().createdAt(T0).ttl(Duration.ofSeconds(1)).inStatus(ActionStatus.CANCELLED).build());
		insert(TestActions.action().user(TestActions.OTHER_USER).createdAt(T0).ttl(Duration.ofSeconds(1)).build());
		Instant now = T0.plusSeconds(60);
		StepVerifier
			.create(this.store.findDue(TestActions.USER, EnumSet.of(ActionStatus.PENDING, ActionStatus.BATCHED), now))
			.expectNext(overdue, dueNow)
			.verifyComplete();
		StepVerifier.create(this.store.findDue(TestActions.USER, EnumSet.of(ActionStatus.PENDING), now))
			.expectNext(overdue)
			.verifyComplete();
		StepVerifier.create(this.store.findDue(TestActions.USER, Set.of(), now)).verifyComplete();
		StepVerifier.create(this.store.findDue(TestActions.USER, EnumSet.of(ActionStatus.PENDING), T0.plusSeconds(59)))
			.verifyComplete();
	}

	@Test
	void earliestDueIsTheFirstApproveByOfTheStatusesToTheMillisecond() {
		insert(TestActions.action().createdAt(T0).ttl(Duration.ofMinutes(5)).inStatus(ActionStatus.BATCHED).build());
		insert(TestActions.action()
			.createdAt(T0)
			.ttl(Duration.ofMinutes(2).plusNanos(1_500_000))
			.inStatus(ActionStatus.BATCHED)
			.build());
		insert(TestActions.action().createdAt(T0).ttl(Duration.ofMinutes(1)).build());
		insert(TestActions.action().createdAt(T0).ttl(Duration.ofSeconds(1)).inStatus(ActionStatus.EXPIRED).build());
		Instant earliest = this.store.earliestDue(TestActions.USER, EnumSet.of(ActionStatus.BATCHED))
			.block(Duration.ofSeconds(5));
		Instant exact = T0.plus(Duration.ofMinutes(2).plusNanos(1_500_000));
		assertThat(earliest).isBetween(exact.minusMillis(1), exact);
		assertThat(this.store.earliestDue(TestActions.USER, EnumSet.of(ActionStatus.PENDING, ActionStatus.BATCHED))
			.block(Duration.ofSeconds(5))).isEqualTo(T0.plus(Duration.ofMinutes(1)));
		StepVerifier.create(this.store.earliestDue(TestActions.USER, EnumSet.of(ActionStatus.APPROVED)))
			.verifyComplete();
		StepVerifier.create(this.store.earliestDue(TestActions.OTHER_USER, EnumSet.of(ActionStatus.BATCHED)))
			.verifyComplete();
	}

	@Test
	void findByBatchWhenBatchIdThenItsActionsWhateverTheirStatus() {
		Action one = insert(TestActions.action().createdAt(T0).status(ActionStatus.BATCHED).batchId("bat_1").build());
		Action two = insert(TestActions.action()
			.createdAt(T0.plusSeconds(1))
			.status(ActionStatus.CANCELLED)
			.batchId("bat_1")
			.build());
		insert(TestActions.action().status(ActionStatus.BATCHED).batchId("bat_2").build());
		StepVerifier.create(this.store.findByBatch(TestActions.USER, "bat_1")).expectNext(one, two).verifyComplete();
		StepVerifier.create(this.store.findByBatch(TestActions.OTHER_USER, "bat_1")).verifyComplete();
	}

	@Test
	void findUsersWhenStatusesThenUsersHavingThem() {
		insert(TestActions.action().build());
		insert(TestActions.action().user(TestActions.OTHER_USER).inStatus(ActionStatus.SUCCEEDED).build());
		StepVerifier.create(this.store.findUsers(EnumSet.of(ActionStatus.PENDING)))
			.expectNext(TestActions.USER)
			.verifyComplete();
		assertThat(this.store.findUsers(EnumSet.of(ActionStatus.PENDING, ActionStatus.SUCCEEDED)).collectList().block())
			.containsExactlyInAnyOrder(TestActions.USER, TestActions.OTHER_USER);
	}

	@Test
	void countLiveWhenMixedThenOnlyLiveOfThatAgent() {
		insert(TestActions.action().build());
		insert(TestActions.action().inStatus(ActionStatus.BATCHED).build());
		insert(TestActions.action().inStatus(ActionStatus.APPROVED).build());
		insert(TestActions.action().inStatus(ActionStatus.EXECUTING).build());
		insert(TestActions.action().inStatus(ActionStatus.UNKNOWN).build());
		insert(TestActions.action().inStatus(ActionStatus.CANCELLED).build());
		insert(TestActions.action().agent(TestActions.OTHER_AGENT).build());
		insert(TestActions.action().user(TestActions.OTHER_USER).build());
		StepVerifier.create(this.store.countLive(TestActions.USER, TestActions.AGENT)).expectNext(4L).verifyComplete();
		StepVerifier.create(this.store.countLive(TestActions.USER, "nobody")).expectNext(0L).verifyComplete();
	}

	@Test
	void changesWhenInsertedOrMovedThenGrowsAndOnlyThen() {
		assertThat(this.store.changes(TestActions.USER).block()).isZero();
		Action action = insert(TestActions.action().build());
		long inserted = this.store.changes(TestActions.USER).block();
		assertThat(inserted).isPositive();
		// reads, a lost race and a duplicate insert change nothing
		this.store.find(TestActions.USER, action.id()).block();
		this.store.findByUser(TestActions.USER, EnumSet.allOf(ActionStatus.class)).collectList().block();
		assertThat(this.store
			.transition(TestActions.USER, action.id(), ActionStatus.PENDING, 7,
					(current) -> current.batched("bat_1", T0))
			.block()).isNull();
		assertThatExceptionOfType(DuplicateActionException.class).isThrownBy(() -> insert(action));
		assertThat(this.store.changes(TestActions.USER).block()).isEqualTo(inserted);
		// another user's changes are not this user's
		insert(TestActions.action().user(TestActions.OTHER_USER).build());
		assertThat(this.store.changes(TestActions.USER).block()).isEqualTo(inserted);
		this.store
			.transition(TestActions.USER, action.id(), ActionStatus.PENDING, 0,
					(current) -> current.batched("bat_1", T0))
			.block();
		assertThat(this.store.changes(TestActions.USER).block()).isGreaterThan(inserted);
	}

	@Test
	void transitionWhenExpectedStatusAndVersionThenChangedWithNextVersion() {
		Action action = insert(TestActions.action().build());
		Instant at = T0.plus(Duration.ofSeconds(31));
		StepVerifier.create(this.store.transition(TestActions.USER, action.id(), ActionStatus.PENDING, 0,
				(current) -> current.batched("bat_1", at)))
			.assertNext((moved) -> {
				assertThat(moved.status()).isEqualTo(ActionStatus.BATCHED);
				assertThat(moved.batchId()).isEqualTo("bat_1");
				assertThat(moved.updatedAt()).isEqualTo(at);
				assertThat(moved.version()).isEqualTo(1);
			})
			.verifyComplete();
		assertThat(this.store.find(TestActions.USER, action.id()).block().version()).isEqualTo(1);
	}

	@Test
	void transitionWhenStatusOrVersionMovedOnThenEmptyAndUnchanged() {
		Action action = insert(TestActions.action().build());
		StepVerifier.create(this.store.transition(TestActions.USER, action.id(), ActionStatus.BATCHED, 0,
				(current) -> current.moveTo(ActionStatus.APPROVED, T0)))
			.verifyComplete();
		StepVerifier.create(this.store.transition(TestActions.USER, action.id(), ActionStatus.PENDING, 7,
				(current) -> current.moveTo(ActionStatus.CANCELLED, T0)))
			.verifyComplete();
		StepVerifier.create(this.store.transition(TestActions.OTHER_USER, action.id(), ActionStatus.PENDING, 0,
				(current) -> current.moveTo(ActionStatus.CANCELLED, T0)))
			.verifyComplete();
		StepVerifier.create(this.store.transition(TestActions.USER, "act_unknown", ActionStatus.PENDING, 0,
				(current) -> current.moveTo(ActionStatus.CANCELLED, T0)))
			.verifyComplete();
		assertThat(this.store.find(TestActions.USER, action.id()).block()).isEqualTo(action);
	}

	@Test
	void transitionFromWhenTheCopyIsCurrentThenChangedWithNextVersion() {
		Action read = this.store.find(TestActions.USER, insert(TestActions.action().build()).id()).block();
		Instant at = T0.plus(Duration.ofSeconds(31));
		Action moved = this.store.transitionFrom(read, (current) -> current.batched("bat_1", at)).block();
		assertThat(moved.status()).isEqualTo(ActionStatus.BATCHED);
		assertThat(moved.version()).isEqualTo(1);
		assertThat(this.store.find(TestActions.USER, read.id()).block()).isEqualTo(moved);
		assertThat(this.store.findByUser(TestActions.USER, EnumSet.of(ActionStatus.BATCHED)).collectList().block())
			.containsExactly(moved);
	}

	@Test
	void transitionFromWhenTheActionMovedOnSinceTheCopyThenEmptyAndUnchanged() {
		Action read = this.store.find(TestActions.USER, insert(TestActions.action().build()).id()).block();
		Action cancelled = this.store
			.transition(TestActions.USER, read.id(), ActionStatus.PENDING, 0,
					(current) -> current.moveTo(ActionStatus.CANCELLED, T0))
			.block();
		StepVerifier.create(this.store.transitionFrom(read, (current) -> current.batched("bat_1", T0)))
			.verifyComplete();
		assertThat(this.store.find(TestActions.USER, read.id()).block()).isEqualTo(cancelled);
	}

	@Test
	void transitionWhenSecondUseOfSameVersionThenEmpty() {
		Action action = insert(TestActions.action().build());
		assertThat(this.store
			.transition(TestActions.USER, action.id(), ActionStatus.PENDING, 0,
					(current) -> current.moveTo(ActionStatus.CANCELLED, T0))
			.block()).isNotNull();
		StepVerifier.create(this.store.transition(TestActions.USER, action.id(), ActionStatus.PENDING, 0,
				(current) -> current.moveTo(ActionStatus.EXPIRED, T0)))
			.verifyComplete();
	}

	@ParameterizedTest(name = "{0} -> {1}")
	@MethodSource("everyPair")
	void transitionAppliesTheStateMachine(ActionStatus from, ActionStatus to) {
		Action action = insert(TestActions.action().inStatus(from).build());
		var transition = this.store.transition(TestActions.USER, action.id(), from, 0,
				(current) -> (to == ActionStatus.BATCHED) ? current.batched("bat_test", T0) : current.moveTo(to, T0));
		if (from.canMoveTo(to)) {
			StepVerifier.create(transition)
				.assertNext((moved) -> assertThat(moved.status()).isEqualTo(to))
				.verifyComplete();
		}
		else {
			StepVerifier.create(transition).verifyError(IllegalStateException.class);
			assertThat(this.store.find(TestActions.USER, action.id()).block()).isEqualTo(action);
		}
	}

	static Stream<Arguments> everyPair() {
		List<Arguments> pairs = new ArrayList<>();
		for (ActionStatus from : ActionStatus.values()) {
			for (ActionStatus to : ActionStatus.values()) {
				// a BATCHED action keeps its batch id, so it cannot even be written as
				// PENDING
				if (from != ActionStatus.BATCHED || to != ActionStatus.PENDING) {
					pairs.add(Arguments.of(from, to));
				}
			}
		}
		return pairs.stream();
	}

	@Test
	void transitionWhenChangeAltersFrozenFieldThenIllegalStateException() {
		Action action = insert(TestActions.action().build());
		Action forged = TestActions.action()
			.id(action.id())
			.argument("note", "forged")
			.inStatus(ActionStatus.BATCHED)
			.build();
		StepVerifier
			.create(this.store.transition(TestActions.USER, action.id(), ActionStatus.PENDING, 0, (current) -> forged))
			.verifyError(IllegalStateException.class);
		assertThat(this.store.find(TestActions.USER, action.id()).block()).isEqualTo(action);
	}

	@Test
	void insertWithLimitWhenTheAgentIsAtItThenRefusedAndNothingStored() {
		insert(TestActions.action().build());
		insert(TestActions.action().build());
		// neither another agent's nor an ended action counts
		insert(TestActions.action().agent(TestActions.OTHER_AGENT).build());
		insert(TestActions.action().inStatus(ActionStatus.CANCELLED).build());
		Action third = TestActions.action().build();
		Action fourth = TestActions.action().build();
		assertThat(this.store.insert(third, 3).block()).isEqualTo(third);
		StepVerifier.create(this.store.insert(fourth, 3))
			.expectErrorSatisfies(
					(ex) -> assertThat(ex).isInstanceOf(LiveActionLimitException.class)
						.hasMessage("Agent " + TestActions.AGENT
								+ " already holds 3 live actions for the user, the most allowed"))
			.verify();
		assertThat(this.store.find(TestActions.USER, fourth.id()).block()).isNull();
		assertThat(this.store.countLive(TestActions.USER, TestActions.AGENT).block()).isEqualTo(3);
	}

	@Test
	void insertWithLimitWhenALiveTwinExistsThenDuplicateEvenAtTheLimit() {
		Action first = insert(TestActions.action().argument("note", "twin").build());
		Action twin = TestActions.action().argument("note", "twin").build();
		assertThat(twin.digest()).isEqualTo(first.digest());
		StepVerifier.create(this.store.insert(twin, 1))
			.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOf(DuplicateActionException.class)
				.hasMessageContaining(first.id()))
			.verify();
	}

	@Test
	void insertWithLimitWhenManyThreadsRaceThenNeverPastIt() throws Exception {
		int threads = 16;
		int limit = 5;
		ExecutorService pool = Executors.newFixedThreadPool(threads);
		try {
			CountDownLatch ready = new CountDownLatch(threads);
			CountDownLatch go = new CountDownLatch(1);
			List<Future<Boolean>> outcomes = new ArrayList<>();
			for (int i = 0; i < threads; i++) {
				Action action = TestActions.action().build();
				outcomes.add(pool.submit(() -> {
					ready.countDown();
					go.await();
					return this.store.insert(action, limit)
						.map((stored) -> true)
						.onErrorResume(LiveActionLimitException.class, (ex) -> Mono.just(false))
						.block();
				}));
			}
			assertThat(ready.await(10, TimeUnit.SECONDS)).isTrue();
			go.countDown();
			int stored = 0;
			for (Future<Boolean> outcome : outcomes) {
				stored += outcome.get(10, TimeUnit.SECONDS) ? 1 : 0;
			}
			assertThat(stored).isEqualTo(limit);
			assertThat(this.store.countLive(TestActions.USER, TestActions.AGENT).block()).isEqualTo(limit);
		}
		finally {
			pool.shutdownNow();
		}
	}

	@Test
	void transitionWhenManyThreadsRaceThenExactlyOneWins() throws Exception {
		int threads = 32;
		ExecutorService pool = Executors.newFixedThreadPool(threads);
		try {
			for (int round = 0; round < 20; round++) {
				Action action = insert(TestActions.action().build());
				CountDownLatch ready = new CountDownLatch(threads);
				CountDownLatch go = new CountDownLatch(1);
				List<Future<Action>> outcomes = new ArrayList<>();
				for (int i = 0; i < threads; i++) {
					String batchId = "bat_" + i;
					Callable<Action> attempt = () -> {
						ready.countDown();
						go.await();
						return this.store
							.transition(TestActions.USER, action.id(), ActionStatus.PENDING, action.version(),
									(current) -> current.batched(batchId, T0))
							.block();
					};
					outcomes.add(pool.submit(attempt));
				}
				assertThat(ready.await(10, TimeUnit.SECONDS)).isTrue();
				go.countDown();
				List<Action> winners = new ArrayList<>();
				for (Future<Action> outcome : outcomes) {
					Action won = outcome.get(10, TimeUnit.SECONDS);
					if (won != null) {
						winners.add(won);
					}
				}
				assertThat(winners).hasSize(1);
				Action stored = this.store.find(TestActions.USER, action.id()).block();
				assertThat(stored).isEqualTo(winners.get(0));
				assertThat(stored.version()).isEqualTo(1);
			}
		}
		finally {
			pool.shutdownNow();
		}
	}

	@Test
	void insertWhenManyThreadsInsertTheSameWriteThenOneIsStored() throws Exception {
		int threads = 16;
		ExecutorService pool = Executors.newFixedThreadPool(threads);
		try {
			CountDownLatch go = new CountDownLatch(1);
			List<Future<Boolean>> outcomes = new ArrayList<>();
			for (int i = 0; i < threads; i++) {
				Action twin = TestActions.action().argument("note", "racing").build();
				outcomes.add(pool.submit(() -> {
					go.await();
					return this.store.insert(twin).map((inserted) -> true).onErrorReturn(false).block();
				}));
			}
			go.countDown();
			int stored = 0;
			for (Future<Boolean> outcome : outcomes) {
				stored += outcome.get(10, TimeUnit.SECONDS) ? 1 : 0;
			}
			assertThat(stored).isEqualTo(1);
			StepVerifier.create(this.store.countLive(TestActions.USER, TestActions.AGENT))
				.expectNext(1L)
				.verifyComplete();
		}
		finally {
			pool.shutdownNow();
		}
	}

}
