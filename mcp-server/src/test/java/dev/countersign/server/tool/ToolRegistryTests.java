package dev.countersign.server.tool;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

class ToolRegistryTests {

	@Test
	void registryWhenHandlerNamesUnknownToolThenRefusesToStart() {
		ToolHandlers stray = () -> Map.of("deal_delete", (call) -> Mono.just(Map.of()));
		assertThatIllegalStateException().isThrownBy(() -> new ToolRegistry(ToolCatalog.create(), List.of(stray)))
			.withMessageContaining("deal_delete");
	}

	@Test
	void registryWhenTwoHandlersForOneToolThenRefusesToStart() {
		ToolHandlers one = () -> Map.of("deal_list", (call) -> Mono.just(Map.of()));
		ToolHandlers two = () -> Map.of("deal_list", (call) -> Mono.just(Map.of()));
		assertThatIllegalStateException().isThrownBy(() -> new ToolRegistry(ToolCatalog.create(), List.of(one, two)))
			.withMessageContaining("deal_list");
	}

	@Test
	void specificationsCoverTheWholeCatalog() {
		assertThat(new ToolRegistry(ToolCatalog.create(), List.of()).specifications()).hasSize(22);
	}

	@Test
	void argumentsWhenWrongTypeOrRangeThenNameTheField() {
		Arguments args = new Arguments(Map.of("limit", 500, "deal_id", 7, "labels", List.of(1)));
		assertThat(catchMessage(() -> args.optionalInt("limit", 20, 1, 100))).contains("'limit'").contains("500");
		assertThat(catchMessage(() -> args.requireString("deal_id"))).contains("'deal_id'");
		assertThat(catchMessage(() -> args.requireString("query"))).contains("'query'").contains("required");
		assertThat(catchMessage(() -> args.optionalStrings("labels"))).contains("'labels'");
	}

	private static String catchMessage(Runnable runnable) {
		try {
			runnable.run();
		}
		catch (ToolArgumentException ex) {
			return ex.getMessage();
		}
		throw new AssertionError("expected a ToolArgumentException");
	}

}
