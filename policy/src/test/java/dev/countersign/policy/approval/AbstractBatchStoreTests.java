package dev.countersign.policy.approval;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.countersign.policy.MutableClock;
import dev.countersign.policy.action.TestActions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The contract every {@link BatchStore} keeps. A store module extends this class and
 * returns a fresh, empty store from {@link #createStore()}.
 */
public abstract class AbstractBatchStoreTests {

	private static final Instant T0 = MutableClock.START;

	private BatchStore store;

	/**
	 * A fresh, empty store; called before each test.
	 * @return the store under test
	 */
	protected abstract BatchStore createStore();

	@BeforeEach
	void createStoreUnderTest() {
		this.store = createStore();
	}

	/**
	 * The store under test.
	 * @return the store
	 */
	protected BatchStore store() {
		return this.store;
	}

	private Batch insert(Batch batch) {
		return this.store.insert(batch).block();
	}

	private Batch request(Batch batch, String authReqId, Instant at) {
		return this.store
			.transition(batch.user(), batch.id(), BatchStatus.OPEN, batch.version(),
					(current) -> TestBatches.requested(current, authReqId, at))
			.block();
	}

	@Test
	void insertThenFindReturnsTheSameBatch() {
		Batch batch = TestBatches.open();
		StepVerifier.create(this.store.insert(batch)).expectNext(batch).verifyComplete();
		StepVerifier.create(this.store.find(TestActions.USER, batch.id())).expectNext(batch).verifyComplete();
	}

	@Test
	void insertWhenIdTakenThenIllegalStateException() {
		Batch batch = insert(TestBatches.open());
		StepVerifier.create(this.store.insert(batch)).verifyError(IllegalStateException.class);
	}

	@Test
	void findWhenAnotherUsersIdThenEmpty() {
		Batch batch = insert(TestBatches.open());
		StepVerifier.create(this.store.find(TestActions.OTHER_USER, batch.id())).verifyComplete();
		StepVerifier.create(this.store.find(TestActions.USER, "bat_unknown")).verifyComplete();
	}

	@Test
	void findByUserWhenStatusesThenOnlyThoseOldestFirst() {
		Batch later = insert(TestBatches.open(TestActions.USER, T0.plusSeconds(60)));
		Batch earlier = insert(TestBatches.open(TestActions.USER, T0));
		Batch requested = request(insert(TestBatches.open(TestActions.USER, T0.minusSeconds(60))), "req-1", T0);
		insert(TestBatches.open(TestActions.OTHER_USER, T0));
		StepVerifier.create(this.store.findByUser(TestActions.USER, EnumSet.of(BatchStatus.OPEN)))
			.expectNext(earlier, later)
			.verifyComplete();
		StepVerifier
			.create(this.store.findByUser(TestActions.USER, EnumSet.of(BatchStatus.OPEN, BatchStatus.REQUESTED)))
			.expectNext(requested, earlier, later)
			.verifyComplete();
	}

	@Test
	void findOpenRequestWhenRequestedThenThatBatchAndWhenAnsweredThenEmpty() {
		Batch open = insert(TestBatches.open());
		StepVerifier.create(this.store.findOpenRequest(TestActions.USER)).verifyComplete();
		Batch requested = request(open, "req-1", T0);
		StepVerifier.create(this.store.findOpenRequest(TestActions.USER)).expectNext(requested).verifyComplete();
		StepVerifier.create(this.store.findOpenRequest(TestActions.OTHER_USER)).verifyComplete();
		this.store
			.transition(TestActions.USER, open.id(), BatchStatus.REQUESTED, requested.version(),
					(current) -> current.withStatus(BatchStatus.DENIED))
			.block();
		StepVerifier.create(this.store.findOpenRequest(TestActions.USER)).verifyComplete();
	}

	@Test
	void countRequestsSinceWhenRequestsThenThoseAtOrAfterWhateverTheirOutcome() {
		Batch first = request(insert(TestBatches.open()), "req-1", T0);
		this.store
			.transition(TestActions.USER, first.id(), BatchStatus.REQUESTED, first.version(),
					(current) -> current.withStatus(BatchStatus.APPROVED))
			.block();
		request(insert(TestBatches.open()), "req-2", T0.plusSeconds(30));
		insert(TestBatches.open());
		request(insert(TestBatches.open(TestActions.OTHER_USER, T0)), "req-3", T0.plusSeconds(30));
		StepVerifier.create(this.store.countRequestsSince(TestActions.USER, T0)).expectNext(2L).verifyComplete();
		StepVerifier.create(this.store.countRequestsSince(TestActions.USER, T0.plusSeconds(1)))
			.expectNext(1L)
			.verifyComplete();
		StepVerifier.create(this.store.countRequestsSince(TestActions.USER, T0.plus(Duration.ofMinutes(1))))
			.expectNext(0L)
			.verifyComplete();
	}

	@Test
	void transitionWhenExpectedThenChangedWithNextVersion() {
		Batch batch = insert(TestBatches.open());
		StepVerifier.create(this.store.transition(TestActions.USER, batch.id(), BatchStatus.OPEN, 0,
				(current) -> TestBatches.requested(current, "req-1", T0)))
			.assertNext((requested) -> {
				assertThat(requested.status()).isEqualTo(BatchStatus.REQUESTED);
				assertThat(requested.authReqId()).isEqualTo("req-1");
				assertThat(requested.requestedAt()).isEqualTo(T0);
				assertThat(requested.version()).isEqualTo(1);
			})
			.verifyComplete();
	}

	@Test
	void transitionWhenStatusOrVersionMovedOnThenEmpty() {
		Batch batch = insert(TestBatches.open());
		StepVerifier.create(this.store.transition(TestActions.USER, batch.id(), BatchStatus.REQUESTED, 0,
				(current) -> current.withStatus(BatchStatus.APPROVED)))
			.verifyComplete();
		StepVerifier.create(this.store.transition(TestActions.USER, batch.id(), BatchStatus.OPEN, 3,
				(current) -> current.withStatus(BatchStatus.EXPIRED)))
			.verifyComplete();
		StepVerifier.create(this.store.transition(TestActions.OTHER_USER, batch.id(), BatchStatus.OPEN, 0,
				(current) -> current.withStatus(BatchStatus.EXPIRED)))
			.verifyComplete();
		assertThat(this.store.find(TestActions.USER, batch.id()).block()).isEqualTo(batch);
	}

	@ParameterizedTest
	@EnumSource(value = BatchStatus.class, names = { "OPEN", "APPROVED", "DENIED" })
	void transitionWhenIllegalMoveFromOpenThenIllegalStateException(BatchStatus to) {
		Batch batch = insert(TestBatches.open());
		StepVerifier
			.create(this.store.transition(TestActions.USER, batch.id(), BatchStatus.OPEN, 0,
					(current) -> (to == BatchStatus.OPEN) ? current
							: TestBatches.requested(current, "r", T0).withStatus(to)))
			.verifyError(IllegalStateException.class);
		assertThat(this.store.find(TestActions.USER, batch.id()).block()).isEqualTo(batch);
	}

	@Test
	void transitionWhenRecordedAuthReqIdReplacedThenIllegalStateException() {
		Batch requested = request(insert(TestBatches.open()), "req-1", T0);
		StepVerifier
			.create(this.store.transition(TestActions.USER, requested.id(), BatchStatus.REQUESTED, 1,
					(current) -> TestBatches.requested(current, "req-2", T0).withStatus(BatchStatus.APPROVED)))
			.verifyError(IllegalStateException.class);
	}

	@Test
	void transitionWhenManyThreadsRaceThenExactlyOneWins() throws Exception {
		int threads = 32;
		ExecutorService pool = Executors.newFixedThreadPool(threads);
		try {
			for (int round = 0; round < 20; round++) {
				Batch batch = insert(TestBatches.open());
				CountDownLatch go = new CountDownLatch(1);
				List<Future<Batch>> outcomes = new ArrayList<>();
				for (int i = 0; i < threads; i++) {
					String authReqId = "req-" + i;
					outcomes.add(pool.submit(() -> {
						go.await();
						return this.store
							.transition(TestActions.USER, batch.id(), BatchStatus.OPEN, 0,
									(current) -> TestBatches.requested(current, authReqId, T0))
							.block();
					}));
				}
				go.countDown();
				List<Batch> winners = new ArrayList<>();
				for (Future<Batch> outcome : outcomes) {
					Batch won = outcome.get(10, TimeUnit.SECONDS);
					if (won != null) {
						winners.add(won);
					}
				}
				assertThat(winners).hasSize(1);
				assertThat(this.store.find(TestActions.USER, batch.id()).block()).isEqualTo(winners.get(0));
			}
		}
		finally {
			pool.shutdownNow();
		}
	}

}
