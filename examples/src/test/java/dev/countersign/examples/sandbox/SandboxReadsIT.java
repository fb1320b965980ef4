package dev.countersign.examples.sandbox;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.countersign.server.tool.ToolCatalog;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every read tool end to end: a real MCP client calls Countersign, Countersign exchanges
 * the caller's token at the emulated Token Vault and reads the emulated provider with the
 * provider token it got, which the agent never sees.
 */
class SandboxReadsIT {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final List<String> PROVIDER_READS = List.of("calendar_list_events", "calendar_find_free_time",
			"email_search", "email_get", "github_list_issues", "github_get_issue", "github_get_pull_request");

	private static RunningSandbox sandbox;

	private static McpSyncClient ada;

	@BeforeAll
	static void start() {
		sandbox = RunningSandbox.start();
		ada = client(sandbox.agentToken("agent=reads-agent&user=reader"));
	}

	@AfterAll
	static void stop() {
		ada.closeGracefully();
		sandbox.close();
	}

	@AfterEach
	void clearFaults() {
		sandbox.bean(ProviderFaults.class).clear();
		breaker("github").reset();
	}

	static McpSyncClient client(String token) {
		McpSyncClient client = McpClient
			.sync(HttpClientStreamableHttpTransport.builder(sandbox.baseUrl())
				.endpoint("/mcp")
				.requestBuilder(java.net.http.HttpRequest.newBuilder().header("Authorization", "Bearer " + token))
				.build())
			.requestTimeout(Duration.ofSeconds(30))
			.build();
		client.initialize();
		return client;
	}

	@Test
	void everyProviderReadAnswersFromItsSchemaExamplesAlone() {
		Map<String, Tool> tools = ada.listTools().tools().stream().collect(Collectors.toMap(Tool::name, (t) -> t));
		for (String name : PROVIDER_READS) {
			CallToolResult result = ada.callTool(new CallToolRequest(name, examples(tools.get(name))));
			assertThat(result.isError()).as(name + ": " + text(result)).isFalse();
			assertThat(result.structuredContent()).as(name).isNotNull();
		}
	}

	@Test
	void readsReturnSeededDataThroughOneExchangePerConnection() {
		McpSyncClient fresh = client(sandbox.agentToken("agent=reads-agent&user=counted"));
		try {
			JsonNode events = call(fresh, "calendar_list_events", Map.of());
			assertThat(events.get("count").asInt()).isPositive();
			assertThat(events.get("events").findValuesAsString("id")).contains(ToolCatalog.EXAMPLE_EVENT_ID);

			JsonNode free = call(fresh, "calendar_find_free_time", Map.of("duration_minutes", 30));
			assertThat(free.get("count").asInt()).isPositive();

			JsonNode found = call(fresh, "email_search", Map.of("query", "renewal"));
			assertThat(found.get("messages").findValuesAsString("id")).contains(ToolCatalog.EXAMPLE_MESSAGE_ID);

			JsonNode mail = call(fresh, "email_get", Map.of("message_id", ToolCatalog.EXAMPLE_MESSAGE_ID));
			assertThat(mail.get("from").asString()).contains(ToolCatalog.EXAMPLE_RECIPIENT);
			assertThat(mail.get("body").asString()).isNotBlank();

			JsonNode issues = call(fresh, "github_list_issues",
					Map.of("repo", ToolCatalog.EXAMPLE_REPO, "state", "all"));
			assertThat(issues.get("issues").findValues("number").stream().map(JsonNode::asInt)).contains(1)
				.doesNotContain(2);

			JsonNode issue = call(fresh, "github_get_issue", Map.of("repo", ToolCatalog.EXAMPLE_REPO, "number", 1));
			assertThat(issue.get("issue").get("number").asInt()).isEqualTo(1);

			JsonNode pull = call(fresh, "github_get_pull_request",
					Map.of("repo", ToolCatalog.EXAMPLE_REPO, "number", ToolCatalog.EXAMPLE_PULL_REQUEST));
			assertThat(pull.get("pull_request").get("head_sha").asString()).matches("[0-9a-f]{40}");

			EmulatedProviderTokens vault = sandbox.bean(EmulatedProviderTokens.class);
			assertThat(vault.exchangeCount("counted", "google-oauth2")).isEqualTo(1);
			assertThat(vault.exchangeCount("counted", "github")).isEqualTo(1);
		}
		finally {
			fresh.closeGracefully();
		}
	}

	@Test
	void providerTokensNeverReachTheAgent() {
		CallToolResult result = ada
			.callTool(new CallToolRequest("github_get_issue", Map.of("repo", ToolCatalog.EXAMPLE_REPO, "number", 1)));
		String everything = text(result) + JSON.writeValueAsString(result.structuredContent());
		for (String token : sandbox.bean(EmulatedProviderTokens.class).issuedTokens()) {
			assertThat(everything).doesNotContain(token);
		}
	}

	@Test
	void unconnectedUserIsToldToConnectNamingTheConnection() {
		McpSyncClient grace = client(sandbox.agentToken("agent=reads-agent&user=grace"));
		try {
			CallToolResult calendar = grace.callTool(new CallToolRequest("calendar_list_events", Map.of()));
			assertThat(calendar.isError()).isTrue();
			assertThat(text(calendar)).contains("Connect your Google account").contains("google-oauth2");
			CallToolResult github = grace.callTool(
					new CallToolRequest("github_get_issue", Map.of("repo", ToolCatalog.EXAMPLE_REPO, "number", 1)));
			assertThat(text(github)).contains("GitHub").contains("'github'");
		}
		finally {
			grace.closeGracefully();
		}
	}

	@Test
	void providerFailuresGiveAClearErrorAndOpenTheBreaker() {
		sandbox.bean(ProviderFaults.class).github().failNext(1000, 500);
		Map<String, Object> args = Map.of("repo", ToolCatalog.EXAMPLE_REPO, "number", 1);
		CallToolResult first = ada.callTool(new CallToolRequest("github_get_issue", args));
		assertThat(first.isError()).isTrue();
		assertThat(text(first)).contains("GitHub is unavailable");
		for (int i = 0; i < 20 && breaker("github").getState() != CircuitBreaker.State.OPEN; i++) {
			ada.callTool(new CallToolRequest("github_get_issue", args));
		}
		assertThat(breaker("github").getState()).isEqualTo(CircuitBreaker.State.OPEN);
		sandbox.bean(ProviderFaults.class).clear();
		CallToolResult whileOpen = ada.callTool(new CallToolRequest("github_get_issue", args));
		assertThat(whileOpen.isError()).isTrue();
		assertThat(text(whileOpen)).contains("unavailable");
	}

	@Test
	void missingResourceIsNotFoundNamingIt() {
		CallToolResult result = ada
			.callTool(new CallToolRequest("github_get_issue", Map.of("repo", ToolCatalog.EXAMPLE_REPO, "number", 999)));
		assertThat(result.isError()).isTrue();
		assertThat(text(result)).containsIgnoringCase("found no");
	}

	private static CircuitBreaker breaker(String name) {
		return sandbox.bean(CircuitBreakerRegistry.class).circuitBreaker(name);
	}

	private static JsonNode call(McpSyncClient client, String tool, Map<String, Object> args) {
		CallToolResult result = client.callTool(new CallToolRequest(tool, args));
		assertThat(result.isError()).as(tool + ": " + text(result)).isFalse();
		return JSON.valueToTree(result.structuredContent());
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> examples(Tool tool) {
		Map<String, Object> properties = (Map<String, Object>) tool.inputSchema().get("properties");
		List<String> required = (List<String>) tool.inputSchema().getOrDefault("required", List.of());
		return required.stream()
			.collect(Collectors.toMap((name) -> name,
					(name) -> ((List<Object>) ((Map<String, Object>) properties.get(name)).get("examples")).get(0)));
	}

	private static String text(CallToolResult result) {
		return result.content().stream().map((c) -> ((TextContent) c).text()).collect(Collectors.joining());
	}

}
