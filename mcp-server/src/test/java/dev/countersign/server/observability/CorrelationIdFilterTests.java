package dev.countersign.server.observability;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

import io.micrometer.context.ContextRegistry;
import io.micrometer.context.ThreadLocalAccessor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;
import reactor.core.publisher.Hooks;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;

import static org.assertj.core.api.Assertions.assertThat;

class CorrelationIdFilterTests {

	@BeforeAll
	static void propagate() {
		// what spring.reactor.context-propagation=auto does in the application
		Hooks.enableAutomaticContextPropagation();
	}

	@AfterAll
	static void stopPropagating() {
		Hooks.disableAutomaticContextPropagation();
	}

	@Test
	void logLinesWrittenOnAnotherThreadWhileServingCarryTheRequestsId() {
		MockServerWebExchange exchange = MockServerWebExchange
			.from(MockServerHttpRequest.get("/mcp").header(CorrelationIdFilter.HEADER, "abc-123"));
		AtomicReference<String> seen = new AtomicReference<>();
		new CorrelationIdFilter()
			.filter(exchange,
					(served) -> Mono.delay(Duration.ofMillis(5), Schedulers.parallel())
						.doOnNext((tick) -> seen.set(MDC.get(CorrelationIdFilter.KEY)))
						.then())
			.block(Duration.ofSeconds(5));
		assertThat(seen.get()).isEqualTo("abc-123");
		assertThat(exchange.getResponse().getHeaders().getFirst(CorrelationIdFilter.HEADER)).isEqualTo("abc-123");
		assertThat(MDC.get(CorrelationIdFilter.KEY)).isNull();
	}

	@Test
	void requestIdIsTheOnlyValueRestoredOnEachOperator() {
		ContextRegistry registry = new ContextRegistry();
		ThreadLocal<String> other = new ThreadLocal<>();
		registry.registerThreadLocalAccessor("security", other::get, other::set, other::remove);
		CorrelationIdFilter.propagateOnlyTheRequestId(registry);
		assertThat(registry.getThreadLocalAccessors()).extracting(ThreadLocalAccessor::key)
			.containsExactly(CorrelationIdFilter.KEY);
		// and so in the application's registry, which Reactor propagates from
		new CorrelationIdFilter();
		assertThat(ContextRegistry.getInstance().getThreadLocalAccessors()).extracting(ThreadLocalAccessor::key)
			.containsExactly(CorrelationIdFilter.KEY);
	}

	@Test
	void idThatCouldForgeALogLineIsReplaced() {
		assertThat(CorrelationIdFilter.idFor("abc\n{\"level\":\"ERROR\"}")).doesNotContain("abc").hasSize(36);
		assertThat(CorrelationIdFilter.idFor("")).hasSize(36);
		assertThat(CorrelationIdFilter.idFor(null)).hasSize(36);
		assertThat(CorrelationIdFilter.idFor("req:7f.a_b-c")).isEqualTo("req:7f.a_b-c");
	}

	@Test
	void newIdsAreDistinctVersion4Uuids() {
		Set<String> ids = new HashSet<>();
		for (int i = 0; i < 10_000; i++) {
			String id = CorrelationIdFilter.idFor(null);
			UUID uuid = UUID.fromString(id);
			assertThat(uuid.version()).isEqualTo(4);
			assertThat(uuid.variant()).isEqualTo(2);
			assertThat(uuid.toString()).isEqualTo(id);
			ids.add(id);
		}
		assertThat(ids).hasSize(10_000);
	}

}
