package dev.countersign.server.observability;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiFunction;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.contextpropagation.ObservationThreadLocalAccessor;
import io.modelcontextprotocol.server.McpAsyncServerExchange;
import io.modelcontextprotocol.server.McpServerFeatures.AsyncToolSpecification;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.util.context.Context;

import dev.countersign.server.auth.Caller;

/**
 * Makes each tool call one {@value CountersignMetrics#TOOL_CALL_OBSERVATION}
 * {@link Observation} and one count of {@value CountersignMetrics#TOOL_CALLS}: low
 * cardinality keys {@code tool}, {@code outcome} ({@code success},
 * {@code pending_approval}, {@code error}) and {@code decision}; the high cardinality key
 * {@code agent} (the caller's client id) on the observation only. It wraps the tool
 * specifications the registry builds, so handlers need not know of it.
 *
 * <p>
 * The decision is {@value CountersignMetrics#UNKNOWN} unless the call path reports it
 * ({@code PolicyGate} does, for reads and writes), with one line inside its chain:
 *
 * <pre>{@code
 * return ToolCallObserver.noteDecision("batch").then(queue(call));
 * }</pre>
 *
 * Thread-safe.
 */
public final class ToolCallObserver {

	private final ObservationRegistry observations;

	private final CountersignMetrics metrics;

	/**
	 * Creates the observer.
	 * @param observations where observations go ({@link ObservationRegistry#NOOP} for
	 * none)
	 * @param metrics where the calls are counted
	 */
	public ToolCallObserver(ObservationRegistry observations, CountersignMetrics metrics) {
		this.observations = Objects.requireNonNull(observations, "observations must not be null");
		this.metrics = Objects.requireNonNull(metrics, "metrics must not be null");
	}

	/**
	 * Reports the policy's decision for the tool call this chain serves; does nothing
	 * outside a tool call. The last report wins.
	 * @param decision a low cardinality name, e.g. {@code pass_through}, {@code batch},
	 * {@code deny}
	 * @return completes at once
	 */
	public static Mono<Void> noteDecision(String decision) {
		Objects.requireNonNull(decision, "decision must not be null");
		return Mono.deferContextual((context) -> {
			context.<Slot>getOrEmpty(Slot.class).ifPresent((slot) -> slot.decision = decision);
			return Mono.empty();
		});
	}

	/**
	 * The same tool with its calls observed.
	 * @param specification the specification
	 * @return an observed copy; the specification itself when it is already observed
	 */
	public AsyncToolSpecification observe(AsyncToolSpecification specification) {
		BiFunction<McpAsyncServerExchange, CallToolRequest, Mono<CallToolResult>> handler = specification.callHandler();
		if (handler instanceof Observed) {
			return specification;
		}
		String tool = specification.tool().name();
		return AsyncToolSpecification.builder()
			.tool(specification.tool())
			.callHandler(new Observed(handler, (exchange, request) -> call(tool, handler, exchange, request)))
			.build();
	}

	private Mono<CallToolResult> call(String tool,
			BiFunction<McpAsyncServerExchange, CallToolRequest, Mono<CallToolResult>> handler,
			McpAsyncServerExchange exchange, CallToolRequest request) {
		return Mono.defer(() -> {
			Slot slot = new Slot();
			Observation observation = Observation.createNotStarted(CountersignMetrics.TOOL_CALL_OBSERVATION,
					this.observations);
			observation.lowCardinalityKeyValue("tool", tool);
			if (exchange.transportContext().get(Caller.CONTEXT_KEY) instanceof Caller caller) {
				observation.highCardinalityKeyValue("agent", caller.client());
			}
			observation.start();
			return handler.apply(exchange, request)
				.doOnSuccess((result) -> finish(tool, observation, slot, outcome(result), null))
				.doOnError((ex) -> finish(tool, observation, slot, "error", ex))
				.doOnCancel(() -> finish(tool, observation, slot, "error", null))
				.contextWrite(Context.of(Slot.class, slot, ObservationThreadLocalAccessor.KEY, observation));
		});
	}

	private void finish(String tool, Observation observation, Slot slot, String outcome, @Nullable Throwable ex) {
		if (!slot.finished.compareAndSet(false, true)) {
			return;
		}
		String decision = slot.decision;
		observation.lowCardinalityKeyValue("outcome", outcome);
		observation.lowCardinalityKeyValue("decision", decision);
		if (ex != null) {
			observation.error(ex);
		}
		observation.stop();
		this.metrics.toolCall(tool, outcome, decision);
	}

	static String outcome(@Nullable CallToolResult result) {
		if (result == null || Boolean.TRUE.equals(result.isError())) {
			return "error";
		}
		if (result.structuredContent() instanceof Map<?, ?> content
				&& "pending_approval".equals(content.get("status"))) {
			return "pending_approval";
		}
		return "success";
	}

	/** What one call learned, carried in its Reactor context. */
	private static final class Slot {

		private volatile String decision = CountersignMetrics.UNKNOWN;

		private final AtomicBoolean finished = new AtomicBoolean();

	}

	/** A handler already observed, so that wrapping twice observes once. */
	private record Observed(BiFunction<McpAsyncServerExchange, CallToolRequest, Mono<CallToolResult>> original,
			BiFunction<McpAsyncServerExchange, CallToolRequest, Mono<CallToolResult>> observed)
			implements
				BiFunction<McpAsyncServerExchange, CallToolRequest, Mono<CallToolResult>> {

		@Override
		public Mono<CallToolResult> apply(McpAsyncServerExchange exchange, CallToolRequest request) {
			return this.observed.apply(exchange, request);
		}

	}

}
