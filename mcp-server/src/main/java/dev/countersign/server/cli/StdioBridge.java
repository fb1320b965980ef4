package dev.countersign.server.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code countersign stdio}: a thin bridge between an MCP client speaking stdio (one
 * JSON-RPC message per line) and a Countersign server speaking Streamable HTTP (MCP
 * 2025-06-18 "Transports"). Each message read on stdin is POSTed to the server with the
 * user's access token, the session's {@code Mcp-Session-Id} and its
 * {@code MCP-Protocol-Version}; the answer, JSON or an event stream, is written to stdout
 * one message per line as it arrives. Requests run concurrently, so a write held open by
 * the server does not stop a read; {@code initialize}, notifications and responses are
 * sent in order. A 401 is retried once with a refreshed token.
 *
 * <p>
 * Only JSON-RPC messages are written to stdout. When the bridge cannot deliver a request
 * (not logged in, server unreachable, token refused after a refresh, session ended) it
 * answers that request with a JSON-RPC error whose message says what to do, and says the
 * same on stderr; tokens appear in neither.
 */
final class StdioBridge {

	/**
	 * JSON-RPC's implementation-defined server error, used for the bridge's own errors.
	 */
	static final int BRIDGE_ERROR = -32000;

	/** How long one request may wait for the server's answer to start. */
	static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofMinutes(2);

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final URI server;

	private final AccessTokens tokens;

	private final HttpClient http;

	private final PrintStream out;

	private final PrintStream err;

	private final Duration requestTimeout;

	private final ExecutorService requests = Executors.newCachedThreadPool((task) -> {
		Thread thread = new Thread(task, "countersign-stdio-request");
		thread.setDaemon(true);
		return thread;
	});

	private volatile @Nullable String sessionId;

	private volatile @Nullable String protocolVersion;

	/**
	 * Creates the bridge.
	 * @param server the MCP endpoint, for example {@code http://127.0.0.1:8080/mcp}
	 * @param tokens the user's access tokens
	 * @param http the HTTP client
	 * @param out where MCP messages go (stdout), and nothing else
	 * @param err where the bridge's own messages go (stderr)
	 * @param requestTimeout how long a request may wait for its answer to start
	 */
	StdioBridge(URI server, AccessTokens tokens, HttpClient http, PrintStream out, PrintStream err,
			Duration requestTimeout) {
		this.server = server;
		this.tokens = tokens;
		this.http = http;
		this.out = out;
		this.err = err;
		this.requestTimeout = requestTimeout;
	}

	/**
	 * Relays messages until stdin ends, then waits for requests in flight (up to a
	 * minute) and ends the session.
	 * @param in the client's messages, one per line, UTF-8
	 * @return the exit status, 0
	 * @throws IOException when stdin cannot be read
	 */
	int run(InputStream in) throws IOException {
		BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
		String line;
		while ((line = reader.readLine()) != null) {
			if (line.isBlank()) {
				continue;
			}
			accept(line);
		}
		this.requests.shutdown();
		try {
			this.requests.awaitTermination(60, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		endSession();
		return 0;
	}

	void accept(String line) {
		JsonNode message;
		try {
			message = JSON.readTree(line);
		}
		catch (JacksonException ex) {
			emit(error(null, -32700, "Parse error: the line is not JSON"));
			return;
		}
		if (message == null || !message.isObject()) {
			emit(error(null, -32600, "Invalid Request: send one JSON-RPC object per line"));
			return;
		}
		JsonNode id = message.get("id");
		boolean request = message.has("method") && id != null && !id.isNull();
		if (request && !"initialize".equals(message.path("method").asString())) {
			this.requests.execute(() -> deliver(message, id));
		}
		else {
			deliver(message, request ? id : null);
		}
	}

	/**
	 * Sends one message and relays what comes back; never throws.
	 */
	private void deliver(JsonNode message, @Nullable JsonNode id) {
		try {
			post(message, id);
		}
		catch (CliException ex) {
			fail(id, ex.getMessage());
		}
		catch (RuntimeException ex) {
			fail(id, "The bridge failed to deliver the message (" + ex.getClass().getSimpleName() + ")");
		}
	}

	private void post(JsonNode message, @Nullable JsonNode id) {
		String token = accessToken();
		HttpResponse<InputStream> response = send(message, token);
		if (response.statusCode() == 401) {
			close(response);
			this.err.println("countersign stdio: the server answered 401; refreshing the access token");
			response = send(message, this.tokens.replace(token));
			if (response.statusCode() == 401) {
				close(response);
				throw new CliException("Countersign refused the access token even after a refresh (HTTP 401); run "
						+ "countersign login again");
			}
		}
		response.headers().firstValue("Mcp-Session-Id").ifPresent((session) -> this.sessionId = session);
		int status = response.statusCode();
		if (status == 202 || status == 204) {
			close(response);
			if (id != null) {
				throw new CliException("The server accepted the request without answering it (HTTP " + status + ")");
			}
			return;
		}
		String contentType = response.headers().firstValue("Content-Type").orElse("").toLowerCase(Locale.ROOT);
		boolean[] answered = { false };
		try (InputStream body = response.body()) {
			if (status == 200 && contentType.startsWith("text/event-stream")) {
				SseReader.read(new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8)),
						(data) -> answered[0] |= relay(data, id));
			}
			else {
				String text = new String(body.readAllBytes(), StandardCharsets.UTF_8);
				boolean json = contentType.startsWith("application/json") || contentType.endsWith("+json");
				if (json && isJsonRpc(text)) {
					answered[0] = relay(text, id);
				}
				else if (status / 100 != 2) {
					throw new CliException(statusMessage(status, json ? text : ""));
				}
			}
		}
		catch (IOException ex) {
			throw new CliException("The connection to " + this.server + " broke while reading the answer ("
					+ ex.getClass().getSimpleName() + ")", ex);
		}
		if (id != null && !answered[0]) {
			throw new CliException(
					"The server ended its answer without a response to the request (HTTP " + status + ")");
		}
	}

	private String statusMessage(int status, String body) {
		String detail = "";
		if (!body.isEmpty()) {
			try {
				detail = JSON.readTree(body).path("detail").asString("");
			}
			catch (JacksonException ex) {
				detail = "";
			}
		}
		String message = switch (status) {
			case 403 -> "Countersign refused this client (HTTP 403)";
			case 404 -> {
				this.sessionId = null;
				yield "The Countersign session ended (HTTP 404); restart the MCP client to start a new one";
			}
			case 421 -> "Countersign does not accept this server name (HTTP 421); check --server";
			default -> "Countersign answered HTTP " + status;
		};
		return detail.isEmpty() ? message : message + ": " + detail;
	}

	private String accessToken() {
		return this.tokens.current();
	}

	private HttpResponse<InputStream> send(JsonNode message, String token) {
		HttpRequest.Builder request = HttpRequest.newBuilder(this.server)
			.timeout(this.requestTimeout)
			.header("Content-Type", "application/json")
			.header("Accept", "application/json, text/event-stream")
			.header("Authorization", "Bearer " + token)
			.POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(message), StandardCharsets.UTF_8));
		String session = this.sessionId;
		if (session != null) {
			request.header("Mcp-Session-Id", session);
		}
		String version = this.protocolVersion;
		if (version != null) {
			request.header("MCP-Protocol-Version", version);
		}
		try {
			return this.http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
		}
		catch (IOException ex) {
			throw new CliException("The Countersign server at " + this.server + " is unreachable ("
					+ ex.getClass().getSimpleName() + "); is it running?", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new CliException("Interrupted while sending to " + this.server, ex);
		}
	}

	/**
	 * Writes a message from the server to stdout.
	 * @return whether it was the response to the request {@code id}
	 */
	private boolean relay(String data, @Nullable JsonNode id) {
		JsonNode message;
		try {
			message = JSON.readTree(data);
		}
		catch (JacksonException ex) {
			this.err.println("countersign stdio: skipped a server event that is not JSON");
			return false;
		}
		if (message == null || !message.isObject()) {
			this.err.println("countersign stdio: skipped a server event that is not a JSON-RPC object");
			return false;
		}
		JsonNode result = message.get("result");
		if (result != null && result.has("serverInfo") && result.path("protocolVersion").isString()) {
			// Streamable HTTP: later requests carry the negotiated version.
			this.protocolVersion = result.path("protocolVersion").asString();
		}
		emit(message);
		return id != null && !message.has("method") && id.equals(message.get("id"));
	}

	private static boolean isJsonRpc(String text) {
		try {
			JsonNode node = JSON.readTree(text);
			return node != null && node.isObject() && "2.0".equals(node.path("jsonrpc").asString(""));
		}
		catch (JacksonException ex) {
			return false;
		}
	}

	private void fail(@Nullable JsonNode id, String message) {
		this.err.println("countersign stdio: " + message);
		if (id != null) {
			emit(error(id, BRIDGE_ERROR, message));
		}
	}

	private static ObjectNode error(@Nullable JsonNode id, int code, String message) {
		ObjectNode error = JSON.createObjectNode();
		error.put("jsonrpc", "2.0");
		if (id != null) {
			error.set("id", id);
		}
		else {
			error.putNull("id");
		}
		ObjectNode body = error.putObject("error");
		body.put("code", code);
		body.put("message", message);
		return error;
	}

	private void emit(JsonNode message) {
		String line = JSON.writeValueAsString(message);
		synchronized (this.out) {
			this.out.print(line);
			this.out.print('\n');
			this.out.flush();
		}
	}

	private void endSession() {
		String session = this.sessionId;
		if (session == null) {
			return;
		}
		try {
			String token = this.tokens.current();
			HttpRequest.Builder request = HttpRequest.newBuilder(this.server)
				.timeout(Duration.ofSeconds(5))
				.header("Authorization", "Bearer " + token)
				.header("Mcp-Session-Id", session)
				.DELETE();
			Optional.ofNullable(this.protocolVersion).ifPresent((v) -> request.header("MCP-Protocol-Version", v));
			this.http.send(request.build(), HttpResponse.BodyHandlers.discarding());
		}
		catch (IOException | RuntimeException ex) {
			// The session times out on the server anyway.
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static void close(HttpResponse<InputStream> response) {
		try {
			response.body().close();
		}
		catch (IOException ex) {
			// nothing to do
		}
	}

}
