package dev.countersign.policy.deal;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

class InMemoryDealStoreTests {

	private final Clock clock = Clock.fixed(Instant.parse("2026-11-23T10:00:00Z"), ZoneOffset.UTC);

	private final InMemoryDealStore store = new InMemoryDealStore((user) -> DemoDeals.book(this.clock));

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
	void findDealWhenUnknownThenEmpty() {
		StepVerifier.create(this.store.findDeal("ada", "D-9999")).verifyComplete();
	}

	@Test
	void findDealWhenKnownThenDeal() {
		StepVerifier.create(this.store.findDeal("ada", DemoDeals.EXAMPLE_DEAL_ID))
			.assertNext((deal) -> assertThat(deal.stage()).isEqualTo(DealStage.PROPOSAL))
			.verifyComplete();
	}

	@Test
	void searchContactsWhenTextInNameOrEmailOrCompanyThenFound() {
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
	void storeWhenEmptySeedThenUserHasNothing() {
		InMemoryDealStore empty = new InMemoryDealStore();
		StepVerifier.create(empty.findDeals("ada", DealQuery.all())).verifyComplete();
	}

	@Test
	void storeKeepsUsersApart() {
		InMemoryDealStore perUser = new InMemoryDealStore(
				(user) -> user.equals("ada") ? DemoDeals.book(this.clock) : DealBook.EMPTY);
		assertThat(perUser.findDeal("ada", "D-1001").block()).isNotNull();
		StepVerifier.create(perUser.findDeal("mallory", "D-1001")).verifyComplete();
		StepVerifier.create(perUser.searchContacts("mallory", "Hopper", 10)).verifyComplete();
	}

	@Test
	void everyDealContactExists() {
		DealBook book = DemoDeals.book(this.clock);
		book.deals()
			.stream()
			.flatMap((deal) -> deal.contactIds().stream())
			.forEach((id) -> assertThat(book.contacts()).anyMatch((contact) -> contact.id().equals(id)));
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
