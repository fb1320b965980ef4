package dev.countersign.redis;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import dev.countersign.policy.deal.Contact;
import dev.countersign.policy.deal.Deal;
import dev.countersign.policy.deal.DealAlreadyExistsException;
import dev.countersign.policy.deal.DealBook;
import dev.countersign.policy.deal.DealQuery;
import dev.countersign.policy.deal.DealStage;
import dev.countersign.policy.deal.DemoDeals;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link RedisDealStore} against a real {@code redis-server}: the same answers as the
 * in-memory store over the demo book.
 */
class RedisDealStoreTests {

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

	@BeforeEach
	void createStore() {
		connection.sync().flushdb();
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
	void createWhenIdIsNewThenStoredAndFound() {
		Deal deal = new Deal("D-7K2QX9A4B1", "Analytics add-on", "Northwind Traders", DealStage.LEAD, 1_200, "USD",
				List.of(DemoDeals.EXAMPLE_CONTACT_ID), 1, this.clock.instant());
		StepVerifier.create(this.store.create("ada", deal)).expectNext(deal).verifyComplete();
		StepVerifier.create(this.store.findDeal("ada", deal.id())).expectNext(deal).verifyComplete();
		assertThat(this.store.findDeals("ada", DealQuery.all()).collectList().block()).hasSize(7).contains(deal);
		StepVerifier.create(this.store.findDeal("grace", deal.id())).verifyComplete();
	}

	@Test
	void createWhenIdExistsThenFailsAndKeepsTheFirst() {
		Deal first = new Deal("D-7K2QX9A4B1", "Analytics add-on", "Northwind Traders", DealStage.LEAD, 1_200, "USD",
				List.of(), 1, this.clock.instant());
		Deal second = new Deal("D-7K2QX9A4B1", "Other", "Initech", DealStage.PROPOSAL, 5, "EUR", List.of(), 1,
				this.clock.instant());
		this.store.create("ada", first).block();
		StepVerifier.create(this.store.create("ada", second))
			.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOf(DealAlreadyExistsException.class)
				.hasMessage("A deal with id D-7K2QX9A4B1 already exists"))
			.verify();
		StepVerifier
			.create(this.store.create("ada", new Deal(DemoDeals.EXAMPLE_DEAL_ID, "Other", "Initech", DealStage.LEAD, 5,
					"USD", List.of(), 1, this.clock.instant())))
			.expectError(DealAlreadyExistsException.class)
			.verify();
		StepVerifier.create(this.store.findDeal("ada", first.id())).expectNext(first).verifyComplete();
	}

}
