package dev.countersign.server.policy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.server.McpAsyncServerExchange;
import io.modelcontextprotocol.server.McpServerFeatures.AsyncToolSpecification;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import dev.countersign.policy.MutableClock;
import dev.countersign.policy.action.InMemoryActionStore;
import dev.countersign.policy.audit.AuditConfig;
import dev.countersign.policy.audit.AuditEvent;
import dev.countersign.policy.audit.AuditEventType;
import dev.countersign.policy.audit.AuditTrail;
import dev.countersign.policy.audit.CheckpointSigner;
import dev.countersign.policy.audit.InMemoryAuditStore;
import dev.countersign.policy.decision.PolicyEngine;
import dev.countersign.policy.routing.InMemoryRoutingStore;
import dev.countersign.policy.rule.Effect;
import dev.countersign.policy.rule.InMemoryRuleStore;
import dev.countersign.policy.rule.Rule;
import dev.countersign.policy.trust.InMemoryTrustStore;
import dev.countersign.policy.trust.TrustFigures;
import dev.countersign.policy.trust.TrustLedger;
import dev.countersign.server.approval.AutoRunner;
import dev.countersign.server.audit.ApprovalAudit;
import dev.countersign.server.auth.Caller;
import dev.countersign.server.auth.TestCallers;
import dev.countersign.server.provider.FakeProviderTokens;
import dev.countersign.server.tool.ToolCatalog;
import dev.countersign.server.tool.ToolHandler;
import dev.countersign.server.tool.ToolRegistry;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Policy at the registry (DESIGN §5, §6, §12): a read a rule denies is an {@code isError}
 * naming the rule while the tool stays listed; governance tools always pass; a revoked
 * agent is refused whatever it calls, and no handler runs for a refused call.
 */
class PolicyGateTests {

	private static final String USER = "auth0|ada";

	private static final String AGENT = "claude-desktop";

	private final MutableClock clock = MutableClock.start();

	private final InMemoryRuleStore rules = new InMemoryRuleStore();

	private final TrustLedger ledger = new TrustLedger(new InMemoryTrustStore(), TrustFigures.defaults(), this.clock);

	private final InMemoryAuditStore auditStore = new InMemoryAuditStore();

	private final ApprovalAudit audit = new ApprovalAudit(
			new AuditTrail(this.auditStore, CheckpointSigner.ephemeral("k1"), (checkpoint) -> {
			}, AuditConfig.defaults(), this.clock));

	private final Map<String, AtomicInteger> handled = new ConcurrentHashMap<>();

	private final ToolRegistry registry = new ToolRegistry(ToolCatalog.create(),
			List.of(() -> Map.of("github_list_issues", counting("github_list_issues"), "calendar_list_events",
					counting("calendar_list_events"), "action_status", counting("action_status"), "deal_create",
					counting("deal_create"))),
			new PolicyGate(new PolicyEngine(), this.rules, new InMemoryRoutingStore(), this.ledger,
					new AutoRunner(new InMemoryActionStore(), new FakeProviderTokens(), List.of(), this.clock,
							this.audit),
					this.audit));

	private ToolHandler counting(String tool) {
		return (call) -> {
			this.handled.computeIfAbsent(tool, (name) -> new AtomicInteger()).incrementAndGet();
			return Mono.just(Map.of("status", "handled"));
		};
	}

	private int handled(String tool) {
		AtomicInteger count = this.handled.get(tool);
		return (count != null) ? count.get() : 0;
	}

	private CallToolResult call(String agent, String tool, Map<String, Object> arguments) {
		Caller caller = TestCallers.agent(USER, agent).caller();
		McpAsyncServerExchange exchange = new McpAsyncServerExchange("test-session", null, null, null,
				McpTransportContext.create(Map.of(Caller.CONTEXT_KEY, caller)));
		AsyncToolSpecification spec = this.registry.specifications()
			.stream()
			.filter((candidate) -> candidate.tool().name().equals(tool))
			.findFirst()
			.orElseThrow();
		return spec.callHandler()
			.apply(exchange, CallToolRequest.builder(tool).arguments(arguments).build())
			.block(Duration.ofSeconds(10));
	}

	private static String text(CallToolResult result) {
		return ((TextContent) result.content().get(0)).text();
	}

	private void denyGitHubReads() {
		this.rules.create(USER, 0, 0, Rule.builder("no-github", Effect.DENY).tools("github_*").build()).block();
	}

	@Test
	void readWhenARuleDeniesItThenIsErrorNamingTheRuleAndTheHandlerNeverRuns() {
		denyGitHubReads();
		CallToolResult result = call(AGENT, "github_list_issues", Map.of("repo", ToolCatalog.EXAMPLE_REPO));
		assertThat(result.isError()).isTrue();
		assertThat(text(result))
			.isEqualTo("github_list_issues was refused by your rule #1 (deny): tools github_*. Nothing was done.");
		assertThat(handled("github_list_issues")).isZero();
		// DESIGN §5: the SDK serves one list; the denied tool stays listed
		assertThat(this.registry.specifications()).anyMatch((spec) -> spec.tool().name().equals("github_list_issues"));
		List<AuditEvent> events = this.auditStore.read(USER, 1, 10).collectList().block();
		assertThat(events).singleElement().satisfies((event) -> {
			assertThat(event.type()).isEqualTo(AuditEventType.DECISION);
			assertThat(event.actionId()).isNull();
			assertThat(event.details()).containsEntry("tool", "github_list_issues")
				.containsEntry("agent", AGENT)
				.containsEntry("decision", "deny")
				.containsEntry("rule_id", "no-github")
				.containsEntry("decision_reason", "rule #1 (deny): tools github_*");
		});
	}

	@Test
	void readWhenNoRuleDeniesItThenHandled() {
		denyGitHubReads();
		assertThat(call(AGENT, "calendar_list_events", Map.of()).isError()).isFalse();
		assertThat(handled("calendar_list_events")).isEqualTo(1);
	}

	@Test
	void governanceToolWhenEveryToolIsDeniedThenStillHandled() {
		this.rules.create(USER, 0, 0, Rule.builder("no-anything", Effect.DENY).tools("*").build()).block();
		assertThat(call(AGENT, "action_status", Map.of("action_id", "act_x")).isError()).isFalse();
		assertThat(handled("action_status")).isEqualTo(1);
		assertThat(call(AGENT, "calendar_list_events", Map.of()).isError()).isTrue();
	}

	@Test
	void revokedAgentWhenCallingAnythingThenRefusedAndNothingHandled() {
		this.ledger.revoke(USER, AGENT).block();
		for (String tool : List.of("calendar_list_events", "action_status", "deal_create")) {
			CallToolResult result = call(AGENT, tool, Map.of("action_id", "act_x"));
			assertThat(result.isError()).as(tool).isTrue();
			assertThat(text(result)).as(tool).startsWith("This agent was revoked by the user;");
			assertThat(handled(tool)).as(tool).isZero();
		}
		// another agent of the same user is not touched, and restoring lets it in again
		assertThat(call("cursor", "calendar_list_events", Map.of()).isError()).isFalse();
		this.ledger.restore(USER, AGENT).block();
		assertThat(call(AGENT, "calendar_list_events", Map.of()).isError()).isFalse();
	}

}
