package dev.countersign.server.tool.deal;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import dev.countersign.policy.MutableClock;
import dev.countersign.policy.action.Action;
import dev.countersign.policy.deal.Deal;
import dev.countersign.policy.deal.DealChanges;
import dev.countersign.policy.deal.DealQuery;
import dev.countersign.policy.deal.DealStage;
import dev.countersign.policy.deal.DemoDeals;
import dev.countersign.policy.deal.InMemoryDealStore;
import dev.countersign.server.approval.WriteRejectedException;
import dev.countersign.server.provider.ToolCalls;
import dev.countersign.server.tool.write.TestWrites;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code deal_create} and {@code deal_update} into the deal store: the deal as frozen, a
 * repeat that never creates twice, and an update that runs only at the version frozen.
 */
class DealStoreWriterTests {

	private final MutableClock clock = MutableClock.start();

	private final InMemoryDealStore deals = new InMemoryDealStore((user) -> DemoDeals.book(this.clock), this.clock);

	private final DealStoreWriter writer = new DealStoreWriter(this.deals, this.clock);

	private final Action action = TestWrites.action("deal_create", Map.of("name", "Analytics add-on", "company",
			"Northwind Traders", "amount", 1200, "stage", "lead", "currency", "USD", "contact_ids", List.of("C-2001")));

	@Test
	void executeThenDealCreatedWithIdFromTheAction() {
		Map<String, Object> result = this.writer.execute(this.action, null).block();
		String id = DealStoreWriter.dealId(this.action.id());
		assertThat(id).matches("D-[0-9A-HJKMNP-TV-Z]{10}");
		Deal deal = this.deals.findDeal(ToolCalls.USER, id).block();
		assertThat(deal).isEqualTo(new Deal(id, "Analytics add-on", "Northwind Traders", DealStage.LEAD, 1200, "USD",
				List.of("C-2001"), 1, MutableClock.START));
		assertThat(result).isEqualTo(Map.of("deal", DealTools.deal(deal)));
	}

	@Test
	void executeWhenRepeatedThenTheSameDealOnce() {
		Map<String, Object> first = this.writer.execute(this.action, null).block();
		this.clock.advance(java.time.Duration.ofMinutes(1));
		Map<String, Object> second = this.writer.execute(this.action, null).block();
		assertThat(second).isEqualTo(first);
		assertThat(this.deals.findDeals(ToolCalls.USER, DealQuery.all()).collectList().block()).hasSize(7);
	}

	@Test
	void executeWhenIdTakenByAnotherDealThenRejected() {
		String id = DealStoreWriter.dealId(this.action.id());
		this.deals
			.create(ToolCalls.USER,
					new Deal(id, "Other", "Initech", DealStage.LEAD, 5, "USD", List.of(), 1, MutableClock.START))
			.block();
		StepVerifier.create(this.writer.execute(this.action, null))
			.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOf(WriteRejectedException.class)
				.hasMessage("A different deal already has id " + id + "; nothing was created."))
			.verify();
	}

	private Action update(Map<String, Object> arguments, long version) {
		return TestWrites.action("deal_update", arguments, Map.of("version", version));
	}

	@Test
	void updateWhenAtTheFrozenVersionThenChangedAndAnswered() {
		Deal before = this.deals.findDeal(ToolCalls.USER, "D-1001").block();
		this.clock.advance(Duration.ofMinutes(3));
		Map<String, Object> result = this.writer
			.execute(update(Map.of("deal_id", "D-1001", "deal_name", before.name(), "from_stage", "proposal", "stage",
					"closed_won", "amount", 26000L), before.version()), null)
			.block();
		Deal after = this.deals.findDeal(ToolCalls.USER, "D-1001").block();
		assertThat(after).isEqualTo(new Deal("D-1001", before.name(), before.company(), DealStage.CLOSED_WON, 26000,
				before.currency(), before.contactIds(), before.version() + 1, this.clock.instant()));
		assertThat(result).isEqualTo(Map.of("deal", DealTools.deal(after)));
	}

	@Test
	void updateWhenDealChangedSinceApprovalThenRejectedAndNothingWritten() {
		Deal before = this.deals.findDeal(ToolCalls.USER, "D-1001").block();
		Deal moved = this.deals
			.update(ToolCalls.USER, "D-1001", before.version(), new DealChanges("Renamed", null, null, null))
			.block();
		StepVerifier
			.create(this.writer
				.execute(update(Map.of("deal_id", "D-1001", "stage", "closed_won", "from_stage", "proposal"),
						before.version()), null))
			.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOf(WriteRejectedException.class)
				.hasMessage("the deal changed since you approved"))
			.verify();
		assertThat(this.deals.findDeal(ToolCalls.USER, "D-1001").block()).isEqualTo(moved);
	}

	@Test
	void updateWhenDealGoneThenRejected() {
		StepVerifier.create(this.writer.execute(update(Map.of("deal_id", "D-GONE000001", "amount", 5L), 1), null))
			.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOf(WriteRejectedException.class)
				.hasMessage("The deal D-GONE000001 no longer exists; nothing was changed."))
			.verify();
	}

	@Test
	void updateWhenNoVersionFrozenThenRejectedAndNothingWritten() {
		Deal before = this.deals.findDeal(ToolCalls.USER, "D-1001").block();
		StepVerifier
			.create(this.writer.execute(TestWrites.action("deal_update", Map.of("deal_id", "D-1001", "amount", 5L)),
					null))
			.expectError(WriteRejectedException.class)
			.verify();
		assertThat(this.deals.findDeal(ToolCalls.USER, "D-1001").block()).isEqualTo(before);
	}

}
