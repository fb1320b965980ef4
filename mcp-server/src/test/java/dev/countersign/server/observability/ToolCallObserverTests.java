package dev.countersign.server.observability;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.server.McpAsyncServerExchange;
import io.modelcontextprotocol.server.McpServerFeatures.AsyncToolSpecification;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import dev.countersign.server.auth.Caller;
import dev.countersign.server.auth.TestCallers;
import dev.countersign.server.tool.ToolCatalog;

import static org.assertj.core.api.Assertions.assertThat;

class ToolCallObserverTests {

	private final MeterRegistry meters = new SimpleMeterRegistry();

	private final ObservationRegistry observations = ObservationRegistry.create();

	private final ToolCallObserver observer;

	ToolCallObserverTests() {
		this.observations.observationConfig().observationHandler(new DefaultMeterObservationHandler(this.meters));
		this.observer = new ToolCallObserver(this.observations,
				new CountersignMetrics(this.meters, ToolCatalog.create()));
	}

	@Test
	void callWhoseHandlerNotesTheDecisionThenCountedAndTimedWithIt() {
		AsyncToolSpecification spec = this.observer.observe(spec("email_send",
				(exchange, request) -> ToolCallObserver.noteDecision("batch")
					.then(Mono.just(CallToolResult.builder()
						.structuredContent(Map.of("status", "pending_approval", "action_id", "a1"))
						.isError(false)
						.build()))));
		CallToolResult result = call(spec);
		assertThat(result.isError()).isFalse();
		assertThat(count("email_send", "pending_approval", "batch")).isEqualTo(1);
		assertThat(count("email_send", "pending_approval", CountersignMetrics.UNKNOWN)).isZero();
		Timer timer = this.meters.find(CountersignMetrics.TOOL_CALL_OBSERVATION)
			.tags("tool", "email_send", "outcome", "pending_approval", "decision", "batch")
			.timer();
		assertThat(timer).isNotNull();
		assertThat(timer.count()).isEqualTo(1);
		// the agent is a high cardinality key: never a metric tag
		assertThat(timer.getId().getTag("agent")).isNull();
	}

	@Test
	void callWithoutDecisionThenUnknownAndErrorResultsCountAsErrors() {
		AsyncToolSpecification ok = this.observer.observe(spec("calendar_list_events", (exchange, request) -> Mono
			.just(CallToolResult.builder().structuredContent(Map.of("events", List.of())).isError(false).build())));
		AsyncToolSpecification failing = this.observer.observe(spec("calendar_list_events", (exchange, request) -> Mono
			.just(CallToolResult.builder().addTextContent("start must be a date").isError(true).build())));
		call(ok);
		call(ok);
		call(failing);
		assertThat(count("calendar_list_events", "success", CountersignMetrics.UNKNOWN)).isEqualTo(2);
		assertThat(count("calendar_list_events", "error", CountersignMetrics.UNKNOWN)).isEqualTo(1);
	}

	@Test
	void observingTwiceThenCountedOnce() {
		AsyncToolSpecification twice = this.observer.observe(this.observer.observe(spec("deal_list", (exchange,
				request) -> Mono.just(CallToolResult.builder().addTextContent("{}").isError(false).build()))));
		call(twice);
		assertThat(count("deal_list", "success", CountersignMetrics.UNKNOWN)).isEqualTo(1);
	}

	@Test
	void noteDecisionOutsideAToolCallDoesNothing() {
		assertThat(ToolCallObserver.noteDecision("deny").block(Duration.ofSeconds(1))).isNull();
	}

	private double count(String tool, String outcome, String decision) {
		return this.meters.get(CountersignMetrics.TOOL_CALLS)
			.tags("tool", tool, "outcome", outcome, "decision", decision)
			.counter()
			.count();
	}

	private static AsyncToolSpecification spec(String name,
			java.util.function.BiFunction<McpAsyncServerExchange, CallToolRequest, Mono<CallToolResult>> handler) {
		return AsyncToolSpecification.builder()
			.tool(ToolCatalog.create().find(name).orElseThrow().toMcpTool())
			.callHandler(handler)
			.build();
	}

	private static CallToolResult call(AsyncToolSpecification spec) {
		Caller caller = TestCallers.agent("auth0|ada", "claude-desktop").caller();
		McpAsyncServerExchange exchange = new McpAsyncServerExchange("s1", null, null, null,
				McpTransportContext.create(Map.of(Caller.CONTEXT_KEY, caller)));
		return spec.callHandler()
			.apply(exchange, CallToolRequest.builder(spec.tool().name()).arguments(Map.of()).build())
			.block(Duration.ofSeconds(5));
	}

}
