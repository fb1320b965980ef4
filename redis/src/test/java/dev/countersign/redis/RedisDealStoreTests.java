package dev.countersign.redis;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
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

import dev.countersign.policy.deal.Contact;
import dev.countersign.policy.deal.Deal;
import dev.countersign.policy.deal.AbstractDealStoreTests;
import dev.countersign.policy.deal.DealBook;
import dev.countersign.policy.deal.DealChanges;
import dev.countersign.policy.deal.DealQuery;
import dev.countersign.policy.deal.DealStage;
import dev.countersign.policy.deal.DealStore;
import dev.countersign.policy.deal.DealVersionConflictException;
import dev.countersign.policy.deal.DemoDeals;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link RedisDealStore} against a real {@code redis-server}: the {@link DealStore}
 * contract, the same answers as the in-memory store over the demo book, and updates
 * racing from two replicas.
 */
class RedisDealStoreTests extends AbstractDealStoreTests {

	private static RedisServer server;

	private static RedisClient client;

	private static StatefulRedisConnection<String, String> connection;

	private final Clock clock = Clock.fixed(Instant.parse("2026-11-23T10:00:00Z"), ZoneOffset.UTC);

	private RedisDealStore store;

	@BeforeAll
	static void startRedis() {
		server = RedisServer.start();
		client = RedisClient.create(server.uri());
		connection = client.connect();
	}

	@AfterAll
	static void stopRedis() {
		connection.close();
		client.shutdown();
		server.close();
	}

	@Override
	protected DealStore createStore(Function<String, DealBook> seed, MutableClock clock) {
		connection.sync().flushdb();
		return new RedisDealStore(connection, seed, clock);
	}

	@BeforeEach
	void createReadStore() {
		this.store = new RedisDealStore(connection, (user) -> DemoDeals.book(this.clock));
	}

	@Test
	void findDealsWhenNoFilterThenMostRecentFirst() {
		assertThat(this.store.findDeals("ada", DealQuery.all()).map(Deal::id).collectList().block())
			.containsExactly("D-1001", "D-1002", "D-1003", "D-1004", "D-1005", "D-1006");
	}

	@Test
	void findDealsWhenStageAndMinAmountThenOnlyMatching() {
		DealQuery query = new DealQuery(DealStage.NEGOTIATION, 50_000L, null, 10);
		assertThat(this.store.findDeals("ada", query).map(Deal::id).collectList().block()).containsExactly("D-1003");
	}

	@Test
	void findDealsWhenCompanyTextThenCaseInsensitiveMatch() {
		DealQuery query = new DealQuery(null, null, "globex", 10);
		assertThat(this.store.findDeals("ada", query).map(Deal::id).collectList().block()).containsExactly("D-1003");
	}

	@Test
	void findDealsWhenLimitThenAtMostLimit() {
		assertThat(this.store.findDeals("ada", new DealQuery(null, null, null, 2)).collectList().block()).hasSize(2);
	}

	@Test
	void findDealWhenKnownThenTheSeededDealAndWhenUnknownThenEmpty() {
		Deal seeded = DemoDeals.book(this.clock)
			.deals()
			.stream()
			.filter((deal) -> deal.id().equals(DemoDeals.EXAMPLE_DEAL_ID))
			.findFirst()
			.orElseThrow();
		StepVerifier.create(this.store.findDeal("ada", DemoDeals.EXAMPLE_DEAL_ID)).expectNext(seeded).verifyComplete();
		StepVerifier.create(this.store.findDeal("ada", "D-9999")).verifyComplete();
	}

	@Test
	void findContactAndSearchContactsThenAsInMemory() {
		StepVerifier.create(this.store.findContact("ada", DemoDeals.EXAMPLE_CONTACT_ID).map(Contact::id))
			.expectNext(DemoDeals.EXAMPLE_CONTACT_ID)
			.verifyComplete();
		assertThat(this.store.searchContacts("ada", DemoDeals.EXAMPLE_CONTACT_QUERY, 10)
			.map(Contact::id)
			.collectList()
			.block()).containsExactly(DemoDeals.EXAMPLE_CONTACT_ID);
		assertThat(this.store.searchContacts("ada", "GLOBEX", 10).map(Contact::id).collectList().block())
			.containsExactly("C-2004", "C-2003");
		assertThat(this.store.searchContacts("ada", "alan@", 10).map(Contact::id).collectList().block())
			.containsExactly("C-2002");
	}

	@Test
	void storeKeepsUsersApart() {
		RedisDealStore perUser = new RedisDealStore(connection,
				(user) -> user.equals("ada") ? DemoDeals.book(this.clock) : DealBook.EMPTY);
		assertThat(perUser.findDeal("ada", "D-1001").block()).isNotNull();
		StepVerifier.create(perUser.findDeal("mallory", "D-1001")).verifyComplete();
		StepVerifier.create(perUser.searchContacts("mallory", "Hopper", 10)).verifyComplete();
		assertThat(connection.sync().keys("*"))
			.allSatisfy((key) -> assertThat(key).satisfiesAnyOf((k) -> assertThat(k).startsWith("cs:{u:ada}:"),
					(k) -> assertThat(k).startsWith("cs:{u:mallory}:")));
	}

	@Test
	void seedWhenBookAlreadySeededByAnotherReplicaThenKept() {
		assertThat(this.store.findDeals("ada", DealQuery.all()).collectList().block()).hasSize(6);
		RedisDealStore other = new RedisDealStore(connection);
		assertThat(other.findDeals("ada", DealQuery.all()).collectList().block()).hasSize(6);
		StepVerifier.create(new RedisDealStore(connection).findDeals("grace", DealQuery.all())).verifyComplete();
	}

	@Test
	void updateWhenTwoReplicasRaceThenExactlyOneWinsAndTheOtherSeesTheConflict() throws Exception {
		RedisClient otherClient = RedisClient.create(server.uri());
		try (StatefulRedisConnection<String, String> other = otherClient.connect()) {
			List<DealStore> replicas = List.of(store(),
					new RedisDealStore(other, (user) -> DemoDeals.book(this.clock), this.clock));
			ExecutorService pool = Executors.newFixedThreadPool(4);
			try {
				for (int round = 0; round < 30; round++) {
					Deal before = replicas.get(1).findDeal("auth0|ada", DemoDeals.EXAMPLE_DEAL_ID).block();
					CountDownLatch go = new CountDownLatch(1);
					List<Future<Object>> outcomes = new ArrayList<>();
					for (int i = 0; i < 4; i++) {
						DealStore replica = replicas.get(i % 2);
						long amount = round * 10L + i;
						Callable<Object> attempt = () -> {
							go.await();
							return replica
								.update("auth0|ada", before.id(), before.version(),
										new DealChanges(null, null, amount, null))
								.cast(Object.class)
								.onErrorResume(DealVersionConflictException.class, Mono::just)
								.block();
						};
						outcomes.add(pool.submit(attempt));
					}
					go.countDown();
					List<Deal> winners = new ArrayList<>();
					for (Future<Object> outcome : outcomes) {
						Object result = outcome.get(10, TimeUnit.SECONDS);
						if (result instanceof Deal won) {
							winners.add(won);
						}
						else {
							assertThat(result).isInstanceOf(DealVersionConflictException.class);
						}
					}
					assertThat(winners).hasSize(1);
					assertThat(replicas.get(0).findDeal("auth0|ada", before.id()).block()).isEqualTo(winners.get(0))
						.extracting(Deal::version)
						.isEqualTo(before.version() + 1);
				}
			}
			finally {
				pool.shutdownNow();
			}
		}
		finally {
			otherClient.shutdown();
		}
	}

	@Test
	void updateWhenScriptCacheFlushedThenStillWorks() {
		connection.sync().scriptFlush();
		Deal before = store().findDeal("auth0|ada", "D-1002").block();
		StepVerifier
			.create(store().update("auth0|ada", before.id(), before.version(), DealChanges.stage(DealStage.PROPOSAL)))
			.assertNext((after) -> assertThat(after.version()).isEqualTo(before.version() + 1))
			.verifyComplete();
	}

}
