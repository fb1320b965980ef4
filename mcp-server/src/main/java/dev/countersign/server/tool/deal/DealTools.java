package dev.countersign.server.tool.deal;

import java.time.Clock;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Conditional;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;

import dev.countersign.policy.deal.Contact;
import dev.countersign.policy.deal.Deal;
import dev.countersign.policy.deal.DealBook;
import dev.countersign.policy.deal.DealQuery;
import dev.countersign.policy.deal.DealStage;
import dev.countersign.policy.deal.DealStore;
import dev.countersign.policy.deal.DemoDeals;
import dev.countersign.policy.deal.InMemoryDealStore;
import dev.countersign.server.tool.Arguments;
import dev.countersign.server.tool.ToolArgumentException;
import dev.countersign.server.tool.ToolCall;
import dev.countersign.server.tool.ToolFailure;
import dev.countersign.server.tool.ToolHandler;
import dev.countersign.server.tool.ToolHandlers;
import dev.countersign.server.store.StoreMode;

/**
 * {@code deal_list}, {@code deal_get} and {@code contact_search}: reads of the caller's
 * own deals and contacts, answered in snake_case.
 */
@Configuration(proxyBeanMethods = false)
public class DealTools {

	@Bean
	@ConditionalOnMissingBean
	@Conditional(StoreMode.Memory.class)
	DealStore dealStore(DealProperties properties, Clock clock) {
		return properties.seedDemoData() ? new InMemoryDealStore((user) -> DemoDeals.book(clock), clock)
				: new InMemoryDealStore((user) -> DealBook.EMPTY, clock);
	}

	@Bean
	ToolHandlers dealToolHandlers(DealStore store) {
		return () -> Map.of("deal_list", list(store), "deal_get", get(store), "contact_search", searchContacts(store));
	}

	static ToolHandler list(DealStore store) {
		return (call) -> {
			Arguments args = call.arguments();
			DealStage stage = args.optionalString("stage").map(DealTools::stage).orElse(null);
			DealQuery query = new DealQuery(stage, args.optionalLong("min_amount").orElse(null),
					args.optionalString("company").orElse(null),
					args.optionalInt("limit", DealQuery.DEFAULT_LIMIT, 1, DealQuery.MAX_LIMIT));
			return store.findDeals(call.caller().user(), query)
				.map(DealTools::deal)
				.collectList()
				.map((deals) -> page("deals", deals));
		};
	}

	static ToolHandler get(DealStore store) {
		return (call) -> {
			String dealId = call.arguments().requireString("deal_id");
			String user = call.caller().user();
			return store.findDeal(user, dealId)
				.switchIfEmpty(Mono.error(() -> new ToolFailure(
						"No deal with id " + dealId + " exists for you; deal_list shows your deals.")))
				.flatMap((deal) -> contacts(store, user, deal).map((contacts) -> {
					Map<String, Object> result = new LinkedHashMap<>();
					result.put("deal", deal(deal));
					result.put("contacts", contacts);
					return result;
				}));
		};
	}

	static ToolHandler searchContacts(DealStore store) {
		return (call) -> {
			Arguments args = call.arguments();
			String query = args.requireString("query");
			int limit = args.optionalInt("limit", 10, 1, 50);
			return store.searchContacts(call.caller().user(), query, limit)
				.map(DealTools::contact)
				.collectList()
				.map((contacts) -> page("contacts", contacts));
		};
	}

	private static Mono<List<Map<String, Object>>> contacts(DealStore store, String user, Deal deal) {
		return Flux.fromIterable(deal.contactIds())
			.concatMap((id) -> store.findContact(user, id))
			.map(DealTools::contact)
			.collectList();
	}

	private static DealStage stage(String wireName) {
		return DealStage.fromWireName(wireName)
			.orElseThrow(() -> new ToolArgumentException("stage", "it must be one of " + DealStage.wireNames()));
	}

	private static Map<String, Object> page(String name, List<Map<String, Object>> items) {
		Map<String, Object> result = new LinkedHashMap<>();
		result.put(name, items);
		result.put("count", items.size());
		return result;
	}

	static Map<String, Object> deal(Deal deal) {
		Map<String, Object> json = new LinkedHashMap<>();
		json.put("id", deal.id());
		json.put("name", deal.name());
		json.put("company", deal.company());
		json.put("stage", deal.stage().wireName());
		json.put("amount", deal.amount());
		json.put("currency", deal.currency());
		json.put("contact_ids", deal.contactIds());
		json.put("version", deal.version());
		json.put("updated_at", DateTimeFormatter.ISO_INSTANT.format(deal.updatedAt()));
		return json;
	}

	static Map<String, Object> contact(Contact contact) {
		Map<String, Object> json = new LinkedHashMap<>();
		json.put("id", contact.id());
		json.put("name", contact.name());
		json.put("email", contact.email());
		json.put("company", contact.company());
		json.put("title", contact.title());
		return json;
	}

}
