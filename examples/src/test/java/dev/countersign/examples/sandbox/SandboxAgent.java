package dev.countersign.examples.sandbox;

import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.ProgressNotification;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An agent on the sandbox: the MCP Java SDK client over Streamable HTTP with a sandbox
 * token for one user, and the few steps write tests repeat.
 */
final class SandboxAgent implements AutoCloseable {

	/** The client id every agent of these tests signs in with. */
	static final String AGENT = "writer-agent";

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final List<String> FINAL = List.of("succeeded", "failed", "unknown", "denied", "expired",
			"cancelled");

	private final McpSyncClient client;

	private SandboxAgent(McpSyncClient client) {
		this.client = client;
	}

	static SandboxAgent connect(RunningSandbox sandbox, String user) {
		return connect(sandbox, user, (progress) -> {
		});
	}

	static SandboxAgent connect(RunningSandbox sandbox, String user, Consumer<ProgressNotification> progress) {
		return connect(sandbox, user, AGENT, progress);
	}

	/**
	 * Connects as another agent of the user.
	 * @param sandbox the sandbox
	 * @param user the user
	 * @param agent the agent's client id
	 * @return the connected agent
	 */
	static SandboxAgent connectAs(RunningSandbox sandbox, String user, String agent) {
		return connect(sandbox, user, agent, (progress) -> {
		});
	}

	/**
	 * Connects with a bearer token obtained elsewhere (for example by a standard OAuth
	 * sign-in).
	 * @param sandbox the sandbox
	 * @param token the agent's access token
	 * @return the connected agent
	 */
	static SandboxAgent connectWithToken(RunningSandbox sandbox, String token) {
		return connect(sandbox.baseUrl(), token);
	}

	/**
	 * Connects to a Countersign started apart from the sandbox (another process).
	 * @param baseUrl where it listens
	 * @param token the agent's access token
	 * @return the initialised agent
	 */
	static SandboxAgent connect(String baseUrl, String token) {
		return new SandboxAgent(client(baseUrl, token, (progress) -> {
		}));
	}

	private static SandboxAgent connect(RunningSandbox sandbox, String user, String agent,
			Consumer<ProgressNotification> progress) {
		return new SandboxAgent(
				client(sandbox.baseUrl(), sandbox.agentToken("agent=" + agent + "&user=" + user), progress));
	}

	private static McpSyncClient client(String baseUrl, String token, Consumer<ProgressNotification> progress) {
		McpSyncClient client = McpClient
			.sync(HttpClientStreamableHttpTransport.builder(baseUrl)
				.endpoint("/mcp")
				.requestBuilder(HttpRequest.newBuilder().header("Authorization", "Bearer " + token))
				.build())
			.requestTimeout(Duration.ofSeconds(60))
			.progressConsumer(progress)
			.build();
		client.initialize();
		return client;
	}

	/**
	 * Lists the tools' names.
	 * @return the names
	 */
	List<String> toolNames() {
		return this.client.listTools().tools().stream().map((tool) -> tool.name()).toList();
	}

	/**
	 * Calls a tool, error or not.
	 * @param tool the tool
	 * @param args its arguments
	 * @return the result
	 */
	CallToolResult callRaw(String tool, Map<String, Object> args) {
		return this.client.callTool(new CallToolRequest(tool, args));
	}

	/**
	 * Calls a tool that must succeed.
	 * @param tool the tool
	 * @param args its arguments
	 * @return the structured result
	 */
	JsonNode call(String tool, Map<String, Object> args) {
		CallToolResult result = this.client.callTool(new CallToolRequest(tool, args));
		assertThat(result.isError()).as(tool + ": " + text(result)).isFalse();
		return JSON.valueToTree(result.structuredContent());
	}

	/**
	 * Calls a tool that may fail.
	 * @param tool the tool
	 * @param args its arguments
	 * @return the result, error or not
	 */
	CallToolResult attempt(String tool, Map<String, Object> args) {
		return this.client.callTool(new CallToolRequest(tool, args));
	}

	/**
	 * Calls a tool with a progress token, as a client that accepts being held open does.
	 * @param tool the tool
	 * @param args its arguments
	 * @return the result, error or not
	 */
	CallToolResult callWithProgress(String tool, Map<String, Object> args) {
		return this.client
			.callTool(CallToolRequest.builder().name(tool).arguments(args).progressToken("progress-" + tool).build());
	}

	/**
	 * Queues a write.
	 * @param tool the write tool
	 * @param args its arguments
	 * @return the action id of the pending write
	 */
	String queue(String tool, Map<String, Object> args) {
		JsonNode result = call(tool, args);
		assertThat(result.get("status").asString()).as(tool).isEqualTo("pending_approval");
		return result.get("action_id").asString();
	}

	/**
	 * Follows an action with {@code action_status} until it ends.
	 * @param actionId the action
	 * @param within how long to wait
	 * @return its final status, or the last one seen
	 */
	String awaitFinal(String actionId, Duration within) throws InterruptedException {
		Instant deadline = Instant.now().plus(within);
		String status = "";
		while (Instant.now().isBefore(deadline)) {
			status = call("action_status", Map.of("action_id", actionId)).get("status").asString();
			if (FINAL.contains(status)) {
				return status;
			}
			Thread.sleep(250);
		}
		return status;
	}

	static String text(CallToolResult result) {
		return result.content().stream().map((c) -> ((TextContent) c).text()).collect(Collectors.joining());
	}

	@Override
	public void close() {
		this.client.closeGracefully();
	}

}
