package dev.countersign.server.limit;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.server.McpAsyncServerExchange;
import io.modelcontextprotocol.server.McpServerFeatures.AsyncToolSpecification;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import dev.countersign.policy.MutableClock;
import dev.countersign.server.auth.Caller;
import dev.countersign.server.auth.TestCallers;
import dev.countersign.server.limit.LimitProperties.Budget;
import dev.countersign.server.observability.CountersignMetrics;
import dev.countersign.server.observability.ToolCallObserver;
import dev.countersign.server.tool.ToolCatalog;
import dev.countersign.server.tool.ToolHandler;
import dev.countersign.server.tool.ToolHandlers;
import dev.countersign.server.tool.ToolRegistry;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The limit as the registry applies it: refused calls answer an {@code isError} result
 * saying when to retry, never reach their handler, are counted, and the budget refills as
 * the clock moves; the governance tools keep their own budget.
 */
class AgentCallLimitsTests {

	private final MutableClock clock = MutableClock.start();

	private final MeterRegistry meters = new SimpleMeterRegistry();

	private final Map<String, AtomicInteger> handled = new ConcurrentHashMap<>();

	private final Map<String, AsyncToolSpecification> tools;

	AgentCallLimitsTests() {
		CountersignMetrics metrics = new CountersignMetrics(this.meters, ToolCatalog.create());
		AgentCallLimits limits = new AgentCallLimits(new Budget(20, 40), new Budget(100, 200), this.clock, metrics);
		ToolHandlers handlers = () -> List.of("deal_list", "github_create_issue", "action_status", "cancel_action")
			.stream()
			.collect(Collectors.toMap((name) -> name, this::counting));
		ToolCallObserver observer = new ToolCallObserver(ObservationRegistry.NOOP, metrics);
		this.tools = new ToolRegistry(ToolCatalog.create(), List.of(handlers), null, limits).specifications()
			.stream()
			.map(observer::observe)
			.collect(Collectors.toMap((spec) -> spec.tool().name(), (spec) -> spec));
	}

	@Test
	void callWhenBurstSpentThenIsErrorSayingWhenToRetryAndHandlerNeverRuns() {
		for (int i = 0; i < 40; i++) {
			assertThat(call("auth0|ada", "claude", "deal_list").isError()).as("call %d", i + 1).isFalse();
		}
		CallToolResult refused = call("auth0|ada", "claude", "deal_list");
		assertThat(refused.isError()).isTrue();
		assertThat(text(refused)).isEqualTo("Rate limit reached: this agent may make 20 tool calls a second for this "
				+ "user (bursts of 40). Nothing was done; retry in 1 s. action_status and list_pending_actions have a "
				+ "budget of their own and still answer.");
		// no structured content that a client would validate against the output schema
		assertThat(refused.structuredContent()).isNull();
		assertThat(this.handled.get("deal_list")).hasValue(40);
		assertThat(this.meters.get(CountersignMetrics.TOOL_CALLS_LIMITED).tag("tool", "deal_list").counter().count())
			.isEqualTo(1);
		assertThat(this.meters.get(CountersignMetrics.TOOL_CALLS)
			.tags("tool", "deal_list", "outcome", "error", "decision", AgentCallLimits.RATE_LIMITED)
			.counter()
			.count()).isEqualTo(1);
	}

	@Test
	void callWhenRefusedThenResetsAsTheBudgetRefills() {
		spend("auth0|ada", "claude", "github_create_issue", 40);
		assertThat(call("auth0|ada", "claude", "github_create_issue").isError()).isTrue();
		this.clock.advance(Duration.ofMillis(49));
		assertThat(call("auth0|ada", "claude", "github_create_issue").isError()).isTrue();
		this.clock.advance(Duration.ofMillis(1));
		assertThat(call("auth0|ada", "claude", "github_create_issue").isError()).isFalse();
		this.clock.advance(Duration.ofSeconds(2));
		assertThat(spend("auth0|ada", "claude", "github_create_issue", 100)).isEqualTo(40);
	}

	@Test
	void pollingActionStatusWhileToolBudgetIsSpentThenNeverRefused() {
		spend("auth0|ada", "claude", "deal_list", 40);
		assertThat(call("auth0|ada", "claude", "deal_list").isError()).isTrue();
		// an agent polling its 50 pending actions once a second for ten minutes
		for (int second = 0; second < 600; second++) {
			for (int action = 0; action < 50; action++) {
				assertThat(call("auth0|ada", "claude", "action_status").isError()).isFalse();
			}
			this.clock.advance(Duration.ofSeconds(1));
			assertThat(call("auth0|ada", "claude", "cancel_action").isError()).isFalse();
		}
		assertThat(
				this.meters.get(CountersignMetrics.TOOL_CALLS_LIMITED).tag("tool", "action_status").counter().count())
			.isZero();
	}

	@Test
	void callWhenGovernanceBudgetSpentThenRefusedNamingTheGovernanceTools() {
		spend("auth0|ada", "claude", "action_status", 200);
		CallToolResult refused = call("auth0|ada", "claude", "action_status");
		assertThat(refused.isError()).isTrue();
		assertThat(text(refused)).startsWith(
				"Rate limit reached: this agent may call action_status, list_pending_actions and cancel_action 100 times a second")
			.endsWith("retry in 1 s.");
		// the tool budget is untouched
		assertThat(call("auth0|ada", "claude", "deal_list").isError()).isFalse();
	}

	@Test
	void callWhenOneAgentIsLimitedThenOtherAgentsAndUsersAreNot() {
		spend("auth0|ada", "claude", "deal_list", 41);
		assertThat(call("auth0|ada", "claude", "deal_list").isError()).isTrue();
		assertThat(call("auth0|ada", "cursor", "deal_list").isError()).isFalse();
		assertThat(call("auth0|grace", "claude", "deal_list").isError()).isFalse();
	}

	@Test
	void retrySecondsRoundsUpToWholeSecondsAndIsAtLeastOne() {
		assertThat(AgentCallLimits.retrySeconds(Duration.ofMillis(50))).isEqualTo(1);
		assertThat(AgentCallLimits.retrySeconds(Duration.ofSeconds(2))).isEqualTo(2);
		assertThat(AgentCallLimits.retrySeconds(Duration.ofMillis(2001))).isEqualTo(3);
		assertThat(AgentCallLimits.retrySeconds(Duration.ZERO)).isEqualTo(1);
	}

	@Test
	void slowRateThenRetryTellsTheWholeWait() {
		CountersignMetrics metrics = new CountersignMetrics(new SimpleMeterRegistry(), ToolCatalog.create());
		AgentCallLimits slow = new AgentCallLimits(new Budget(0.25, 1), new Budget(0.25, 1), this.clock, metrics);
		ToolHandlers handlers = () -> Map.of("deal_list", this.counting("deal_list"));
		AsyncToolSpecification spec = new ToolRegistry(ToolCatalog.create(), List.of(handlers), null, slow)
			.specifications()
			.stream()
			.filter((tool) -> tool.tool().name().equals("deal_list"))
			.findFirst()
			.orElseThrow();
		assertThat(call(spec, "auth0|ada", "claude").isError()).isFalse();
		assertThat(text(call(spec, "auth0|ada", "claude"))).contains("0.25 tool calls a second")
			.contains("retry in 4 s");
		this.clock.advance(Duration.ofSeconds(3));
		assertThat(text(call(spec, "auth0|ada", "claude"))).contains("retry in 1 s");
	}

	private ToolHandler counting(String name) {
		return (call) -> {
			this.handled.computeIfAbsent(name, (key) -> new AtomicInteger()).incrementAndGet();
			return Mono.just(Map.of("status", "ok"));
		};
	}

	private int spend(String user, String agent, String tool, int attempts) {
		int passed = 0;
		for (int i = 0; i < attempts; i++) {
			passed += Boolean.TRUE.equals(call(user, agent, tool).isError()) ? 0 : 1;
		}
		return passed;
	}

	private CallToolResult call(String user, String agent, String tool) {
		return call(this.tools.get(tool), user, agent);
	}

	private static CallToolResult call(AsyncToolSpecification spec, String user, String agent) {
		Caller caller = TestCallers.agent(user, agent).caller();
		McpAsyncServerExchange exchange = new McpAsyncServerExchange("s1", null, null, null,
				McpTransportContext.create(Map.of(Caller.CONTEXT_KEY, caller)));
		return spec.callHandler()
			.apply(exchange, CallToolRequest.builder(spec.tool().name()).arguments(Map.of()).build())
			.block(Duration.ofSeconds(5));
	}

	private static String text(CallToolResult result) {
		return result.content().stream().map((c) -> ((TextContent) c).text()).collect(Collectors.joining());
	}

}
