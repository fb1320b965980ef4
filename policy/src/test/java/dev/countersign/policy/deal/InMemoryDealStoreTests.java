package dev.countersign.policy.deal;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.function.Function;

import dev.countersign.policy.MutableClock;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@link DealStore} contract for {@link InMemoryDealStore}, plus its reads over the
 * demo book.
 */
class InMemoryDealStoreTests extends AbstractDealStoreTests {

	@Override
	protected DealStore createStore(Function<String, DealBook> seed, MutableClock clock) {
		return new InMemoryDealStore(seed, clock);
	}

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

}
