package dev.countersign.examples.sandbox;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The sandbox end to end, driven by the MCP Java SDK's client over Streamable HTTP, as a
 * newcomer's client would drive it.
 */
class SandboxMcpIT {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final Set<String> CATALOG = Set.of("calendar_list_events", "calendar_find_free_time",
			"calendar_create_event", "calendar_delete_event", "email_search", "email_get", "email_create_draft",
			"email_send", "deal_list", "deal_get", "deal_create", "deal_update", "contact_search", "github_list_issues",
			"github_get_issue", "github_get_pull_request", "github_create_issue", "github_comment",
			"github_merge_pull_request", "action_status", "list_pending_actions", "cancel_action");

	private static final String INITIALIZE = """
			{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25",
			"capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}""";

	private static RunningSandbox sandbox;

	private static McpSyncClient client;

	@BeforeAll
	static void start() {
		sandbox = RunningSandbox.start();
		client = client(sandbox.agentToken("agent=e2e-agent"));
		client.initialize();
	}

	@AfterAll
	static void stop() {
		if (client != null) {
			client.closeGracefully();
		}
		sandbox.close();
	}

	static McpSyncClient client(String token) {
		HttpClientStreamableHttpTransport transport = HttpClientStreamableHttpTransport.builder(sandbox.baseUrl())
			.endpoint("/mcp")
			.requestBuilder(HttpRequest.newBuilder().header("Authorization", "Bearer " + token))
			.build();
		return McpClient.sync(transport).requestTimeout(Duration.ofSeconds(20)).build();
	}

	@Test
	void listToolsThenWholeCatalogWithSchemasAndAnnotations() {
		List<Tool> tools = client.listTools().tools();
		assertThat(tools).extracting(Tool::name).containsExactlyInAnyOrderElementsOf(CATALOG);
		for (Tool tool : tools) {
			assertThat(tool.outputSchema()).as(tool.name()).containsEntry("type", "object").containsKey("properties");
			assertThat(tool.inputSchema()).as(tool.name()).containsEntry("type", "object");
			McpSchema.ToolAnnotations annotations = tool.annotations();
			assertThat(annotations).as(tool.name()).isNotNull();
			assertThat(List.of(annotations.readOnlyHint(), annotations.destructiveHint(), annotations.idempotentHint(),
					annotations.openWorldHint()))
				.as(tool.name())
				.doesNotContainNull();
			@SuppressWarnings("unchecked")
			List<String> required = (List<String>) tool.inputSchema().getOrDefault("required", List.of());
			for (String name : required) {
				@SuppressWarnings("unchecked")
				Map<String, Object> property = (Map<String, Object>) properties(tool).get(name);
				assertThat(property).as(tool.name() + "." + name).containsKey("examples");
			}
		}
		Map<String, Tool> byName = tools.stream().collect(Collectors.toMap(Tool::name, (tool) -> tool));
		assertThat(byName.get("deal_list").annotations().readOnlyHint()).isTrue();
		assertThat(byName.get("deal_list").annotations().openWorldHint()).isFalse();
		assertThat(byName.get("email_send").annotations().destructiveHint()).isTrue();
		assertThat(byName.get("email_send").annotations().readOnlyHint()).isFalse();
		assertThat(byName.get("github_get_issue").annotations().openWorldHint()).isTrue();
		assertThat(properties(byName.get("deal_create"))).containsKey("confidence");
		assertThat(byName.get("deal_create").outputSchema()).containsEntry("required", List.of("status"));
	}

	@Test
	void dealListThenSeededDeals() {
		CallToolResult result = client.callTool(new CallToolRequest("deal_list", Map.of()));
		assertThat(result.isError()).isFalse();
		JsonNode content = JSON.valueToTree(result.structuredContent());
		assertThat(content.get("count").asInt()).isEqualTo(6);
		assertThat(content.get("deals").get(0).get("id").asString()).isEqualTo("D-1001");
		assertThat(content.get("deals").get(0).get("updated_at").asString()).endsWith("Z");
	}

	@Test
	void dealListWhenStageFilterThenOnlyThatStage() {
		CallToolResult result = client.callTool(new CallToolRequest("deal_list", Map.of("stage", "closed_won")));
		JsonNode content = JSON.valueToTree(result.structuredContent());
		assertThat(content.get("count").asInt()).isEqualTo(1);
		assertThat(content.get("deals").get(0).get("stage").asString()).isEqualTo("closed_won");
	}

	@Test
	void dealGetWithSchemaExampleThenDealAndContacts() {
		Tool dealGet = client.listTools()
			.tools()
			.stream()
			.filter((t) -> t.name().equals("deal_get"))
			.findFirst()
			.orElseThrow();
		@SuppressWarnings("unchecked")
		Map<String, Object> property = (Map<String, Object>) properties(dealGet).get("deal_id");
		Object example = ((List<?>) property.get("examples")).get(0);
		CallToolResult result = client.callTool(new CallToolRequest("deal_get", Map.of("deal_id", example)));
		assertThat(result.isError()).isFalse();
		JsonNode content = JSON.valueToTree(result.structuredContent());
		assertThat(content.get("deal").get("id").asString()).isEqualTo(example);
		assertThat(content.get("contacts").get(0).get("email").asString()).isEqualTo("grace.hopper@northwind.example");
	}

	@Test
	void contactSearchThenMatches() {
		CallToolResult result = client.callTool(new CallToolRequest("contact_search", Map.of("query", "globex")));
		assertThat(JSON.valueToTree(result.structuredContent()).get("count").asInt()).isEqualTo(2);
	}

	@Test
	void dealGetWhenArgumentMissingThenErrorNamesField() {
		CallToolResult result = client.callTool(new CallToolRequest("deal_get", Map.of()));
		assertThat(result.isError()).isTrue();
		assertThat(text(result)).contains("deal_id");
	}

	@Test
	void dealGetWhenArgumentIllTypedThenErrorNamesField() {
		CallToolResult result = client.callTool(new CallToolRequest("deal_get", Map.of("deal_id", 42)));
		assertThat(result.isError()).isTrue();
		assertThat(text(result)).contains("deal_id");
	}

	@Test
	void dealListWhenUnknownArgumentThenErrorNamesIt() {
		CallToolResult result = client.callTool(new CallToolRequest("deal_list", Map.of("colour", "red")));
		assertThat(result.isError()).isTrue();
		assertThat(text(result)).contains("colour");
	}

	@Test
	void dealGetWhenUnknownDealThenClearError() {
		CallToolResult result = client.callTool(new CallToolRequest("deal_get", Map.of("deal_id", "D-9999")));
		assertThat(result.isError()).isTrue();
		assertThat(text(result)).contains("D-9999").contains("deal_list");
	}

	@Test
	void githubCommentOnUnknownIssueThenIsErrorAndNothingQueued() {
		CallToolResult result = client.callTool(new CallToolRequest("github_comment",
				Map.of("repo", "ada-lovelace/analytical-engine", "number", 99, "body", "Looking into it.")));
		assertThat(result.isError()).isTrue();
		assertThat(text(result)).contains("#99").contains("Nothing was queued");
	}

	@Test
	void governanceToolsAnswerFromTheCallersOwnActions() {
		CallToolResult pending = client.callTool(new CallToolRequest("list_pending_actions", Map.of()));
		assertThat(pending.isError()).isFalse();
		assertThat(JSON.valueToTree(pending.structuredContent()).get("count").asInt()).isZero();
		CallToolResult status = client
			.callTool(new CallToolRequest("action_status", Map.of("action_id", "act_unknown")));
		assertThat(status.isError()).isTrue();
		assertThat(text(status)).contains("act_unknown").contains("list_pending_actions");
	}

	@Test
	void unknownToolThenProtocolError() {
		assertThatExceptionOfType(McpError.class)
			.isThrownBy(() -> client.callTool(new CallToolRequest("deal_delete", Map.of())))
			.satisfies((error) -> assertThat(error.getJsonRpcError().code()).isEqualTo(-32602));
	}

	@Test
	void usersSeeTheirOwnBooks() {
		McpSyncClient other = client(sandbox.agentToken("agent=e2e-agent&user=benchuser7"));
		try {
			other.initialize();
			CallToolResult result = other.callTool(new CallToolRequest("deal_list", Map.of()));
			assertThat(JSON.valueToTree(result.structuredContent()).get("count").asInt()).isEqualTo(6);
		}
		finally {
			other.closeGracefully();
		}
	}

	@Test
	void withoutTokenThenUnauthorizedWithResourceMetadata() throws Exception {
		HttpClient http = HttpClient.newHttpClient();
		HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(sandbox.mcpUrl()))
			.header("Content-Type", "application/json")
			.header("Accept", "application/json, text/event-stream")
			.POST(HttpRequest.BodyPublishers.ofString("{}"))
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(401);
		String challenge = response.headers().firstValue("WWW-Authenticate").orElseThrow();
		String metadataUrl = sandbox.baseUrl() + "/.well-known/oauth-protected-resource";
		assertThat(challenge).isEqualTo("Bearer resource_metadata=\"" + metadataUrl + "\"");

		JsonNode metadata = JSON.readTree(sandbox.get("/.well-known/oauth-protected-resource").body());
		assertThat(metadata.get("resource").asString()).isEqualTo(sandbox.mcpUrl());
		assertThat(metadata.get("authorization_servers").get(0).asString()).isEqualTo(sandbox.baseUrl() + "/auth0/");
		JsonNode discovery = JSON.readTree(sandbox.get("/auth0/.well-known/openid-configuration").body());
		assertThat(discovery.get("issuer").asString()).isEqualTo(sandbox.baseUrl() + "/auth0/");
	}

	@Test
	void consoleTokenThenForbiddenOnMcp() throws Exception {
		HttpResponse<String> response = HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create(sandbox.mcpUrl()))
				.header("Authorization", "Bearer " + sandbox.consoleToken("ada"))
				.header("Content-Type", "application/json")
				.header("Accept", "application/json, text/event-stream")
				.POST(HttpRequest.BodyPublishers.ofString(INITIALIZE))
				.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(403);
		assertThat(response.body()).contains("console token");
	}

	@Test
	void sandboxTokenWhenBadAgentNameThenBadRequestNamingIt() {
		HttpResponse<String> response = sandbox.get("/sandbox/token?agent=%20bad%20name");
		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(response.body()).contains("agent");
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> properties(Tool tool) {
		return (Map<String, Object>) tool.inputSchema().get("properties");
	}

	private static String text(CallToolResult result) {
		return result.content().stream().map((content) -> ((TextContent) content).text()).collect(Collectors.joining());
	}

}
