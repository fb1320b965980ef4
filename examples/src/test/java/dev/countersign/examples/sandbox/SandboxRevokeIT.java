package dev.countersign.examples.sandbox;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.countersign.policy.audit.AuditEvent;
import dev.countersign.policy.audit.AuditEventType;
import dev.countersign.policy.audit.AuditStore;
import dev.countersign.server.tool.ToolCatalog;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Revoking an agent end to end (DESIGN §12): with a batch of its writes waiting on the
 * phone, {@code POST /api/v1/agents/{agent}/revoke} cancels them (approving the push
 * afterwards runs nothing), refuses the agent's later calls with a sentence saying so,
 * drops the user's cached provider tokens (the next read by another agent of the user
 * makes a new Token Vault exchange) and is audited; restoring it answers 202 and the
 * agent stays refused until the user approves the restore on the phone.
 */
class SandboxRevokeIT {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final String USER = SandboxUsers.DEFAULT_USER;

	private static final String OTHER_AGENT = "other-agent";

	private static RunningSandbox sandbox;

	private static Phone phone;

	@BeforeAll
	static void start() {
		sandbox = RunningSandbox.start("--countersign.approval.batch-window=1s");
		phone = new Phone(sandbox);
	}

	@AfterAll
	static void stop() {
		sandbox.close();
	}

	@Test
	void revokeWithABatchPendingThenNothingRunsCallsRefusedTokensDroppedAndRestoreNeedsThePhone() throws Exception {
		EmulatedProviderTokens vault = sandbox.bean(EmulatedProviderTokens.class);
		ProviderWrites writes = sandbox.bean(ProviderWrites.class);
		try (SandboxAgent agent = SandboxAgent.connect(sandbox, USER);
				SandboxAgent other = SandboxAgent.connectAs(sandbox, USER, OTHER_AGENT)) {
			Map<String, Object> listIssues = Map.of("repo", ToolCatalog.EXAMPLE_REPO);
			agent.call("github_list_issues", listIssues);
			other.call("github_list_issues", listIssues);
			assertThat(vault.exchangeCount(USER, "github")).as("one exchange, then the cache").isEqualTo(1);

			String issue = agent.queue("github_create_issue",
					Map.of("repo", ToolCatalog.EXAMPLE_REPO, "title", "Never to be written"));
			String comment = agent.queue("github_comment", Map.of("repo", ToolCatalog.EXAMPLE_REPO, "number",
					ToolCatalog.EXAMPLE_ISSUE, "body", "Never to be posted"));
			JsonNode push = phone.awaitRequest(USER);
			assertThat(actionStatus(issue)).isEqualTo("batched");

			HttpResponse<String> revoked = api("POST", "/api/v1/agents/" + SandboxAgent.AGENT + "/revoke");
			assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(200);
			JsonNode answer = JSON.readTree(revoked.body());
			assertThat(answer.get("revoked").asBoolean()).isTrue();
			assertThat(answer.get("cancelled_actions").valueStream().map(JsonNode::asString))
				.containsExactlyInAnyOrder(issue, comment);

			// the push approved after the revoke runs nothing
			phone.decide(push.get("auth_req_id").asString(), "approve");
			Phone.pause(Duration.ofSeconds(3));
			assertThat(actionStatus(issue)).isEqualTo("cancelled");
			assertThat(actionStatus(comment)).isEqualTo("cancelled");
			assertThat(writes.count(USER, ProviderWrites.GITHUB_ISSUE)).isZero();
			assertThat(writes.count(USER, ProviderWrites.GITHUB_COMMENT)).isZero();

			// every later call of the revoked agent is refused, reads too
			for (String tool : List.of("github_list_issues", "deal_list", "list_pending_actions")) {
				CallToolResult refused = agent.callRaw(tool, tool.equals("github_list_issues") ? listIssues : Map.of());
				assertThat(refused.isError()).as(tool).isTrue();
				assertThat(SandboxAgent.text(refused)).as(tool)
					.startsWith("This agent was revoked by the user;")
					.contains("restores it");
			}
			assertThat(vault.exchangeCount(USER, "github")).isEqualTo(1);

			// the user's cached provider tokens were dropped: another agent's read
			// exchanges again
			other.call("github_list_issues", listIssues);
			assertThat(vault.exchangeCount(USER, "github")).as("a new exchange after the revoke").isEqualTo(2);

			List<AuditEvent> audit = sandbox.bean(AuditStore.class)
				.read(SandboxUsers.subject(USER), 1, 10_000)
				.collectList()
				.block();
			assertThat(audit).filteredOn((event) -> event.type() == AuditEventType.SETTING_CHANGED)
				.anySatisfy((event) -> assertThat(event.details()).containsEntry("target", SandboxAgent.AGENT)
					.containsEntry("revoked", true)
					.containsEntry("provider_tokens_dropped", true));
			assertThat(audit).filteredOn((event) -> event.type() == AuditEventType.CANCELLED)
				.extracting(AuditEvent::actionId)
				.contains(issue, comment);

			// restoring is a loosening: held until approved on the phone
			HttpResponse<String> restore = api("POST", "/api/v1/agents/" + SandboxAgent.AGENT + "/restore");
			assertThat(restore.statusCode()).as(restore.body()).isEqualTo(202);
			String change = JSON.readTree(restore.body()).get("change_id").asString();
			JsonNode restorePush = phone.awaitRequest(USER);
			CallToolResult stillRefused = agent.callRaw("deal_list", Map.of());
			assertThat(stillRefused.isError()).isTrue();
			assertThat(SandboxAgent.text(stillRefused)).startsWith("This agent was revoked by the user;");
			phone.decide(restorePush.get("auth_req_id").asString(), "approve");
			awaitChange(change, "applied");
			JsonNode issues = agent.call("github_list_issues", listIssues);
			assertThat(issues.get("issues").findValuesAsString("title")).doesNotContain("Never to be written");
		}
	}

	@Test
	void revokeWhenTheAgentIsUnknownToTheUserThen404() {
		HttpResponse<String> response = api("POST", "/api/v1/agents/never-seen-agent/revoke");
		assertThat(response.statusCode()).as(response.body()).isEqualTo(404);
		assertThat(response.body()).contains("never-seen-agent");
	}

	private static String actionStatus(String id) {
		HttpResponse<String> response = api("GET", "/api/v1/actions/" + id);
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		return JSON.readTree(response.body()).get("status").asString();
	}

	private static void awaitChange(String change, String expected) {
		Instant deadline = Instant.now().plusSeconds(30);
		String status = "";
		while (Instant.now().isBefore(deadline)) {
			HttpResponse<String> response = api("GET", "/api/v1/changes/" + change);
			status = JSON.readTree(response.body()).get("status").asString();
			if (expected.equals(status)) {
				return;
			}
			Phone.pause(Duration.ofMillis(200));
		}
		assertThat(status).isEqualTo(expected);
	}

	private static HttpResponse<String> api(String method, String path) {
		return Phone.send(HttpRequest.newBuilder(URI.create(sandbox.baseUrl() + path))
			.header("Authorization", "Bearer " + sandbox.consoleToken(USER))
			.method(method, HttpRequest.BodyPublishers.noBody())
			.build());
	}

}
