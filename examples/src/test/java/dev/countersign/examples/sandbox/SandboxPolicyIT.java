package dev.countersign.examples.sandbox;

import java.time.Duration;
import java.util.Map;

import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import dev.countersign.policy.approval.Batcher;
import dev.countersign.policy.rule.Effect;
import dev.countersign.policy.rule.Rule;
import dev.countersign.policy.rule.RuleSet;
import dev.countersign.policy.rule.RuleStore;
import dev.countersign.policy.trust.TrustLedger;
import dev.countersign.policy.trust.TrustLevel;
import dev.countersign.server.tool.ToolCatalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Policy in the call path end to end (DESIGN §4 step 1, §6), with a real MCP client: a
 * new agent's write waits for a push, the same write runs at once once the user trusts
 * the agent at L1, a large deal gets a push of its own while other writes wait, and a
 * rule denies reads. The batch window is long (60 s), so ordinary writes stay pending
 * unless a test flushes them.
 */
class SandboxPolicyIT {

	private static final String AGENT = "writer-agent";

	private static RunningSandbox sandbox;

	private static Phone phone;

	@BeforeAll
	static void start() {
		sandbox = RunningSandbox.start("--countersign.approval.batch-window=60s");
		phone = new Phone(sandbox);
	}

	@AfterAll
	static void stop() {
		sandbox.close();
	}

	private static Map<String, Object> event(String summary) {
		return Map.of("summary", summary, "start", "2026-12-01T15:00:00Z", "end", "2026-12-01T15:30:00Z", "confidence",
				0.9);
	}

	@Test
	void lowWriteFromANewAgentWaitsForAPushThenRunsAtOnceWhenTheUserTrustsTheAgentAtL1() throws Exception {
		String user = "truster";
		try (SandboxAgent agent = SandboxAgent.connect(sandbox, user)) {
			JsonNode waiting = agent.call("calendar_create_event", event("Pipeline review"));
			assertThat(waiting.get("status").asString()).isEqualTo("pending_approval");
			assertThat(waiting.get("decision").asString()).isEqualTo("batch");
			assertThat(waiting.get("decision_reason").asString()).contains("trust L0 does not allow LOW risk");
			sandbox.bean(Batcher.class).flush(SandboxUsers.subject(user)).blockLast(Duration.ofSeconds(10));
			JsonNode push = phone.awaitRequest(user);
			assertThat(push.get("binding_message").asString()).startsWith("Countersign: 1 action");
			phone.decide(push.get("auth_req_id").asString(), "deny");
			String waitingId = waiting.get("action_id").asString();
			assertThat(agent.awaitFinal(waitingId, Duration.ofSeconds(40))).isEqualTo("denied");

			// the user's ceiling is L1 by default; the pin lifts this agent to it
			sandbox.bean(TrustLedger.class).pin(SandboxUsers.subject(user), AGENT, TrustLevel.L1).block();
			agent.call("calendar_list_events", Map.of()); // a warm read token must not
															// serve the write
			EmulatedProviderTokens vault = sandbox.bean(EmulatedProviderTokens.class);
			long exchangesBefore = vault.exchangeCount(user, "google-oauth2");

			JsonNode ran = agent.call("calendar_create_event", event("Pipeline review, trusted"));
			assertThat(ran.get("status").asString()).as(ran.toString()).isEqualTo("succeeded");
			assertThat(ran.get("decision").asString()).isEqualTo("auto_approve");
			assertThat(ran.get("decision_reason").asString()).contains("trust L1 allows LOW risk");
			assertThat(ran.get("result").toString()).contains("Pipeline review, trusted");
			assertThat(sandbox.bean(ProviderWrites.class).count(user, ProviderWrites.CALENDAR_INSERT)).isEqualTo(1);
			assertThat(vault.exchangeCount(user, "google-oauth2") - exchangesBefore).isEqualTo(1);
			assertThat(agent.call("action_status", Map.of("action_id", ran.get("action_id").asString()))
				.get("status")
				.asString()).isEqualTo("succeeded");
			Phone.pause(Duration.ofSeconds(2));
			assertThat(phone.requests(user)).isEmpty();
			// the trust ledger learnt from it: the denial cost everything, the auto-run
			// earned its full weight (LOW: 1 point)
			assertThat(sandbox.bean(TrustLedger.class).view(SandboxUsers.subject(user), AGENT).block().score())
				.isCloseTo(1.0, within(0.001));
		}
	}

	@Test
	void largeDealGetsAPushOfItsOwnWhileOtherWritesWait() throws Exception {
		String user = "dealer";
		try (SandboxAgent agent = SandboxAgent.connect(sandbox, user)) {
			String other = agent.queue("github_create_issue",
					Map.of("repo", ToolCatalog.EXAMPLE_REPO, "title", "Waits for the next batch"));
			JsonNode deal = agent.call("deal_create", Map.of("name", "Enterprise renewal", "company",
					"Northwind Traders", "amount", 60000, "confidence", 0.99));
			assertThat(deal.get("status").asString()).isEqualTo("pending_approval");
			assertThat(deal.get("decision").asString()).isEqualTo("review_now");
			assertThat(deal.get("decision_reason").asString()).contains("amount gt 50000");

			JsonNode push = phone.awaitRequest(user);
			assertThat(push.get("binding_message").asString()).startsWith("Countersign: 1 action");
			assertThat(push.get("authorization_details").toString()).contains("deal_create")
				.doesNotContain("github_create_issue");
			assertThat(agent.call("action_status", Map.of("action_id", other)).get("status").asString())
				.isEqualTo("pending_approval");

			phone.decide(push.get("auth_req_id").asString(), "approve");
			assertThat(agent.awaitFinal(deal.get("action_id").asString(), Duration.ofSeconds(40)))
				.isEqualTo("succeeded");
			assertThat(agent.call("action_status", Map.of("action_id", other)).get("status").asString())
				.isEqualTo("pending_approval");
		}
	}

	@Test
	void denyRuleOnGitHubReadsRefusesTheReadWithTheReason() {
		String user = "ruled";
		RuleStore rules = sandbox.bean(RuleStore.class);
		RuleSet current = rules.find(SandboxUsers.subject(user)).block();
		rules
			.create(SandboxUsers.subject(user), current.version(), 0,
					Rule.builder("no-github-reads", Effect.DENY).tools("github_*").build())
			.block();
		try (SandboxAgent agent = SandboxAgent.connect(sandbox, user)) {
			CallToolResult refused = agent.callWithProgress("github_list_issues",
					Map.of("repo", ToolCatalog.EXAMPLE_REPO));
			assertThat(refused.isError()).isTrue();
			assertThat(SandboxAgent.text(refused))
				.isEqualTo("github_list_issues was refused by your rule #1 (deny): tools github_*. Nothing was done.");
			// other reads go through
			assertThat(agent.call("calendar_list_events", Map.of()).has("events")).isTrue();
		}
	}

}
