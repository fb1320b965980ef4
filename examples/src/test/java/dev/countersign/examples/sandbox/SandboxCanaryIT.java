package dev.countersign.examples.sandbox;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import dev.countersign.policy.audit.AuditStore;
import dev.countersign.server.tool.ToolCatalog;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The canary (STYLE, security properties): the emulated Token Vault issues provider
 * tokens that start with a random marker; reads, a failing read and an approved write run
 * through a real MCP client with {@code dev.countersign} logging at TRACE in JSON; then
 * the captured log output, the Prometheus scrape, the user's audit chain and every MCP
 * answer are searched for the marker — and for the agent's own bearer token. Neither may
 * appear. The test first proves the canary was in play: provider tokens carrying it were
 * issued and used, and the meters counted the calls.
 */
@ExtendWith(OutputCaptureExtension.class)
class SandboxCanaryIT {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@Test
	void canaryProviderTokensNeverAppearInLogsMetricsAuditOrResponses(CapturedOutput output) throws Exception {
		String canary = "cnry" + UUID.randomUUID().toString().replace("-", "");
		String user = "canary";
		try (RunningSandbox sandbox = RunningSandbox.start("--countersign.approval.batch-window=1s",
				"--logging.level.dev.countersign=TRACE", "--logging.structured.format.console=ecs")) {
			EmulatedProviderTokens vault = sandbox.bean(EmulatedProviderTokens.class);
			vault.plantCanary(canary);
			String agentToken = sandbox.agentToken("agent=canary-agent&user=" + user);
			List<String> answers = new ArrayList<>();
			McpSyncClient client = McpClient
				.sync(HttpClientStreamableHttpTransport.builder(sandbox.baseUrl())
					.endpoint("/mcp")
					.requestBuilder(HttpRequest.newBuilder().header("Authorization", "Bearer " + agentToken))
					.build())
				.requestTimeout(Duration.ofSeconds(60))
				.build();
			try {
				client.initialize();
				answers.add(ok(call(client, "calendar_list_events", Map.of())));
				answers.add(ok(call(client, "email_search", Map.of("query", "renewal"))));
				answers
					.add(ok(call(client, "github_get_issue", Map.of("repo", ToolCatalog.EXAMPLE_REPO, "number", 1))));
				answers.add(ok(call(client, "github_list_issues", Map.of("repo", ToolCatalog.EXAMPLE_REPO))));
				// an upstream error path too
				answers.add(json(
						call(client, "github_get_issue", Map.of("repo", ToolCatalog.EXAMPLE_REPO, "number", 987654))));
				CallToolResult queued = call(client, "github_create_issue",
						Map.of("repo", ToolCatalog.EXAMPLE_REPO, "title", "Canary write"));
				answers.add(ok(queued));
				String actionId = String.valueOf(((Map<?, ?>) queued.structuredContent()).get("action_id"));
				Phone phone = new Phone(sandbox);
				phone.decide(phone.awaitRequest(user).get("auth_req_id").asString(), "approve");
				Instant deadline = Instant.now().plusSeconds(40);
				String status = "";
				while (!status.equals("succeeded") && Instant.now().isBefore(deadline)) {
					CallToolResult result = call(client, "action_status", Map.of("action_id", actionId));
					answers.add(ok(result));
					status = String.valueOf(((Map<?, ?>) result.structuredContent()).get("status"));
					Thread.sleep(250);
				}
				assertThat(status).isEqualTo("succeeded");
			}
			finally {
				client.closeGracefully();
			}

			// the canary was in play: tokens carrying it were issued for reads and the
			// write
			assertThat(vault.exchangeCount(user, "github")).isGreaterThanOrEqualTo(2);
			assertThat(vault.exchangeCount(user, "google-oauth2")).isGreaterThanOrEqualTo(1);
			assertThat(sandbox.bean(ProviderWrites.class).count(user, ProviderWrites.GITHUB_ISSUE)).isEqualTo(1);

			HttpResponse<String> scrape = sandbox.get("/actuator/prometheus");
			assertThat(scrape.statusCode()).isEqualTo(200);
			String metrics = scrape.body();
			assertThat(metrics).containsPattern(
					"countersign_tool_calls_total\\{decision=\"pass_through\",outcome=\"success\",tool=\"github_get_issue\"} [1-9]")
				.containsPattern(
						"countersign_tool_calls_total\\{decision=\"pass_through\",outcome=\"error\",tool=\"github_get_issue\"} [1-9]")
				.containsPattern(
						"countersign_tool_calls_total\\{decision=\"batch\",outcome=\"pending_approval\",tool=\"github_create_issue\"} 1")
				.containsPattern("countersign_vault_exchanges_total\\{connection=\"github\",outcome=\"success\"} [1-9]")
				.containsPattern("countersign_ciba_polls_total\\{outcome=\"approved\"} 1")
				.containsPattern("countersign_approval_latency_seconds_count\\{outcome=\"approved\"} 1")
				.containsPattern("countersign_approval_batch_size_actions_count 1")
				.containsPattern("countersign_actions_ended_total\\{status=\"executed\"} 1")
				.contains("countersign_tool_call_seconds_count");

			String audit = JSON.writeValueAsString(sandbox.bean(AuditStore.class)
				.read(SandboxUsers.subject(user), 1, 10_000)
				.collectList()
				.block(Duration.ofSeconds(10)));
			assertThat(audit).contains("EXCHANGE_DONE", "EXECUTED");

			String logs = output.getAll();
			// DEBUG lines of Countersign were written, as JSON, carrying their request's
			// id
			assertThat(logs).contains("\"level\":\"DEBUG\",\"logger\":\"dev.countersign.server.")
				.containsPattern("\"request_id\":\"[0-9a-f-]{36}\"");

			for (Map.Entry<String, String> place : Map
				.of("logs", logs, "metrics", metrics, "audit", audit, "answers", String.join("\n", answers))
				.entrySet()) {
				assertThat(place.getValue().toLowerCase(Locale.ROOT)).as("the canary in " + place.getKey())
					.doesNotContain(canary.toLowerCase(Locale.ROOT));
				assertThat(place.getValue()).as("the agent's token in " + place.getKey()).doesNotContain(agentToken);
			}
		}
	}

	private static CallToolResult call(McpSyncClient client, String tool, Map<String, Object> arguments) {
		return client.callTool(CallToolRequest.builder(tool).arguments(arguments).build());
	}

	private static String ok(CallToolResult result) {
		assertThat(result.isError()).as(json(result)).isFalse();
		return json(result);
	}

	private static String json(CallToolResult result) {
		return JSON.writeValueAsString(result);
	}

}
