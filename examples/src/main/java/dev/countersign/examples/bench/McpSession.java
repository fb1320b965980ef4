package dev.countersign.examples.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import org.jspecify.annotations.Nullable;

/**
 * One MCP session over Streamable HTTP, opened with raw JSON-RPC, so that the load driver
 * measures the server and not a client library.
 *
 * @param url the {@code /mcp} endpoint
 * @param id the {@code Mcp-Session-Id}
 * @param bearer the agent's token, or {@code null} for a server without authentication
 */
record McpSession(String url, String id, @Nullable String bearer) {

	static McpSession open(HttpClient http, String url, @Nullable String token) throws Exception {
		HttpRequest.Builder initialize = post(url, token, null,
				"{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-11-25\","
						+ "\"capabilities\":{},\"clientInfo\":{\"name\":\"countersign-bench\",\"version\":\"1\"}}}");
		HttpResponse<String> response = http.send(initialize.build(), HttpResponse.BodyHandlers.ofString());
		String id = response.headers()
			.firstValue("Mcp-Session-Id")
			.orElseThrow(() -> new IllegalStateException(
					url + " did not open a session: " + response.statusCode() + " " + response.body()));
		http.send(post(url, token, id, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}").build(),
				HttpResponse.BodyHandlers.ofString());
		return new McpSession(url, id, token);
	}

	/**
	 * A {@code tools/call} request.
	 * @param requestId the JSON-RPC id
	 * @param tool the tool
	 * @param arguments the arguments, as a JSON object
	 * @return the request
	 */
	HttpRequest call(int requestId, String tool, String arguments) {
		return post(this.url, this.bearer, this.id, "{\"jsonrpc\":\"2.0\",\"id\":" + requestId
				+ ",\"method\":\"tools/call\",\"params\":{\"name\":\"" + tool + "\",\"arguments\":" + arguments + "}}")
			.build();
	}

	private static HttpRequest.Builder post(String url, @Nullable String token, @Nullable String session, String body) {
		HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(url))
			.header("Content-Type", "application/json")
			.header("Accept", "application/json, text/event-stream")
			.POST(HttpRequest.BodyPublishers.ofString(body));
		if (token != null) {
			builder.header("Authorization", "Bearer " + token);
		}
		if (session != null) {
			builder.header("Mcp-Session-Id", session);
		}
		return builder;
	}

}
