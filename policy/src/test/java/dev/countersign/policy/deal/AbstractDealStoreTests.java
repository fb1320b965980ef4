package dev.countersign.policy.deal;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import dev.countersign.policy.MutableClock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The contract every {@link DealStore} keeps for its writes: {@code create} only under a
 * new id, and {@code update} as a compare-and-set on the deal's version. A store module
 * extends this class and returns a fresh, empty store from {@link #createStore}; every
 * user of it starts with the {@link DemoDeals} book.
 */
public abstract class AbstractDealStoreTests {

	private static final String USER = "auth0|ada";

	private final MutableClock clock = MutableClock.start();

	private DealStore store;

	/**
	 * A fresh store; called before each test.
	 * @param seed the book of a user seen for the first time
	 * @param clock the clock that must stamp updates
	 * @return the store under test
	 */
	protected abstract DealStore createStore(Function<String, DealBook> seed, MutableClock clock);

	@BeforeEach
	void createStoreUnderTest() {
		this.store = createStore((user) -> DemoDeals.book(MutableClock.start()), this.clock);
	}

	/**
	 * The store under test.
	 * @return the store
	 */
	protected DealStore store() {
		return this.store;
	}

	private Deal seeded(String id) {
		Deal deal = this.store.findDeal(USER, id).block();
		assertThat(deal).as(id).isNotNull();
		return deal;
	}

	@Test
	void createWhenIdIsNewThenStoredAndFound() {
		Deal deal = new Deal("D-7K2QX9A4B1", "Analytics add-on", "Northwind Traders", DealStage.LEAD, 1_200, "USD",
				List.of(DemoDeals.EXAMPLE_CONTACT_ID), 1, this.clock.instant());
		StepVerifier.create(this.store.create(USER, deal)).expectNext(deal).verifyComplete();
		StepVerifier.create(this.store.findDeal(USER, deal.id())).expectNext(deal).verifyComplete();
		assertThat(this.store.findDeals(USER, DealQuery.all()).collectList().block()).hasSize(7).contains(deal);
		StepVerifier.create(this.store.findDeal("grace", deal.id())).verifyComplete();
	}

	@Test
	void createWhenIdExistsThenFailsAndKeepsTheFirst() {
		Deal first = new Deal("D-7K2QX9A4B1", "Analytics add-on", "Northwind Traders", DealStage.LEAD, 1_200, "USD",
				List.of(), 1, this.clock.instant());
		Deal second = new Deal("D-7K2QX9A4B1", "Other", "Initech", DealStage.PROPOSAL, 5, "EUR", List.of(), 1,
				this.clock.instant());
		this.store.create(USER, first).block();
		StepVerifier.create(this.store.create(USER, second))
			.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOf(DealAlreadyExistsException.class)
				.hasMessage("A deal with id D-7K2QX9A4B1 already exists"))
			.verify();
		StepVerifier
			.create(this.store.create(USER, new Deal(DemoDeals.EXAMPLE_DEAL_ID, "Other", "Initech", DealStage.LEAD, 5,
					"USD", List.of(), 1, this.clock.instant())))
			.expectError(DealAlreadyExistsException.class)
			.verify();
		StepVerifier.create(this.store.findDeal(USER, first.id())).expectNext(first).verifyComplete();
	}

	@Test
	void updateWhenAtTheExpectedVersionThenChangedOneVersionLaterAtTheClock() {
		Deal before = seeded(DemoDeals.EXAMPLE_DEAL_ID);
		Instant later = this.clock.advance(Duration.ofMinutes(5));
		Deal expected = new Deal(before.id(), before.name(), before.company(), DealStage.NEGOTIATION, 26_000,
				before.currency(), before.contactIds(), before.version() + 1, later);
		StepVerifier
			.create(this.store.update(USER, before.id(), before.version(),
					new DealChanges(null, DealStage.NEGOTIATION, 26_000L, null)))
			.expectNext(expected)
			.verifyComplete();
		StepVerifier.create(this.store.findDeal(USER, before.id())).expectNext(expected).verifyComplete();
		assertThat(this.store.findDeals(USER, DealQuery.all()).blockFirst()).isEqualTo(expected);
	}

	@Test
	void updateWhenNameAndContactsThenOnlyThoseChange() {
		Deal before = seeded("D-1002");
		Deal after = this.store
			.update(USER, before.id(), before.version(),
					new DealChanges("Data warehouse rollout", null, null, List.of("C-2002", "C-2001")))
			.block();
		assertThat(after).isEqualTo(
				new Deal(before.id(), "Data warehouse rollout", before.company(), before.stage(), before.amount(),
						before.currency(), List.of("C-2002", "C-2001"), before.version() + 1, this.clock.instant()));
		Deal cleared = this.store
			.update(USER, before.id(), after.version(), new DealChanges(null, null, null, List.of()))
			.block();
		assertThat(cleared.contactIds()).isEmpty();
		assertThat(cleared.name()).isEqualTo("Data warehouse rollout");
	}

	@Test
	void updateWhenStaleVersionThenConflictAndNothingWritten() {
		Deal before = seeded(DemoDeals.EXAMPLE_DEAL_ID);
		Deal first = this.store.update(USER, before.id(), before.version(), DealChanges.stage(DealStage.NEGOTIATION))
			.block();
		StepVerifier
			.create(this.store.update(USER, before.id(), before.version(), DealChanges.stage(DealStage.CLOSED_WON)))
			.expectErrorSatisfies(
					(ex) -> assertThat(ex).isInstanceOfSatisfying(DealVersionConflictException.class, (conflict) -> {
						assertThat(conflict.dealId()).isEqualTo(before.id());
						assertThat(conflict.expectedVersion()).isEqualTo(before.version());
						assertThat(conflict.actualVersion()).isEqualTo(before.version() + 1);
					}))
			.verify();
		StepVerifier.create(this.store.findDeal(USER, before.id())).expectNext(first).verifyComplete();
		StepVerifier
			.create(this.store.update(USER, before.id(), before.version() + 5, DealChanges.stage(DealStage.LEAD)))
			.expectError(DealVersionConflictException.class)
			.verify();
	}

	@Test
	void updateWhenRepeatedThenEachAtTheNextVersion() {
		Deal deal = seeded("D-1004");
		long start = deal.version();
		for (long amount = 1; amount <= 5; amount++) {
			deal = this.store.update(USER, deal.id(), deal.version(), new DealChanges(null, null, amount, null))
				.block();
			assertThat(deal.amount()).isEqualTo(amount);
		}
		assertThat(seeded("D-1004").version()).isEqualTo(start + 5);
	}

	@Test
	void updateWhenNoSuchDealOrAnotherUsersThenEmpty() {
		StepVerifier.create(this.store.update(USER, "D-9999", 1, DealChanges.stage(DealStage.LEAD))).verifyComplete();
		Deal created = new Deal("D-GRACE00001", "Private", "Initech", DealStage.LEAD, 5, "USD", List.of(), 1,
				this.clock.instant());
		this.store.create("grace", created).block();
		StepVerifier.create(this.store.update(USER, created.id(), 1, DealChanges.stage(DealStage.CLOSED_WON)))
			.verifyComplete();
		StepVerifier.create(this.store.findDeal("grace", created.id())).expectNext(created).verifyComplete();
	}

	@Test
	void updateWhenRacingFromOneVersionThenExactlyOneWinsEachRound() throws Exception {
		ExecutorService pool = Executors.newFixedThreadPool(8);
		try {
			for (int round = 0; round < 30; round++) {
				Deal before = seeded(DemoDeals.EXAMPLE_DEAL_ID);
				CountDownLatch go = new CountDownLatch(1);
				List<Future<Deal>> outcomes = new ArrayList<>();
				for (int i = 0; i < 8; i++) {
					long amount = round * 100L + i;
					Callable<Deal> attempt = () -> {
						go.await();
						return this.store
							.update(USER, before.id(), before.version(), new DealChanges(null, null, amount, null))
							.onErrorResume(DealVersionConflictException.class, (ex) -> Mono.empty())
							.block();
					};
					outcomes.add(pool.submit(attempt));
				}
				go.countDown();
				List<Deal> winners = new ArrayList<>();
				for (Future<Deal> outcome : outcomes) {
					Deal won = outcome.get(10, TimeUnit.SECONDS);
					if (won != null) {
						winners.add(won);
					}
				}
				assertThat(winners).as("round " + round).hasSize(1);
				assertThat(winners.get(0).version()).isEqualTo(before.version() + 1);
				assertThat(seeded(before.id())).isEqualTo(winners.get(0));
			}
		}
		finally {
			pool.shutdownNow();
		}
	}

}
