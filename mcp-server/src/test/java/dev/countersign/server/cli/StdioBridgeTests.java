package dev.countersign.server.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code countersign stdio} through its command line, against a Countersign server and a
 * tenant at the network boundary: what reaches stdout is only JSON-RPC, answers (JSON or
 * an event stream) are relayed one per line, the session and protocol version are kept, a
 * 401 is retried once with a refreshed token, and every failure answers the request with
 * an error saying what to do. No token ever reaches stdout or stderr.
 */
class StdioBridgeTests {

	private static final WireMockServer server = new WireMockServer(options().dynamicPort());

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final String INITIALIZE = """
			{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"test","version":"1"}}}""";

	private static final String INITIALIZED = """
			{"jsonrpc":"2.0","method":"notifications/initialized"}""";

	private static final String LIST = """
			{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{}}""";

	private static final String INITIALIZE_RESULT = """
			{"jsonrpc":"2.0","id":0,"result":{"protocolVersion":"2025-06-18","capabilities":{"tools":{}},"serverInfo":{"name":"countersign","version":"0.1.0"}}}""";

	@TempDir
	Path home;

	private Path credentials;

	private final ByteArrayOutputStream out = new ByteArrayOutputStream();

	private final ByteArrayOutputStream err = new ByteArrayOutputStream();

	@BeforeAll
	static void start() {
		server.start();
	}

	@AfterAll
	static void stop() {
		server.stop();
	}

	@BeforeEach
	void reset() {
		server.resetAll();
		this.credentials = this.home.resolve("credentials.json");
		new CredentialsFile(this.credentials).write(new Credentials(URI.create(server.baseUrl() + "/"),
				URI.create(server.baseUrl() + "/oauth/token"), "desktop", "aud", "refresh-canary-1"));
		refreshes("refresh-canary-1", "access-canary-1", "refresh-canary-2");
		server.stubFor(post("/mcp").withRequestBody(matchingJsonPath("$.method", equalTo("initialize")))
			.withHeader("Authorization", equalTo("Bearer access-canary-1"))
			.withHeader("Mcp-Session-Id", absent())
			.willReturn(okJson(INITIALIZE_RESULT).withHeader("Mcp-Session-Id", "session-1")));
		server.stubFor(post("/mcp").withRequestBody(matchingJsonPath("$.method", equalTo("notifications/initialized")))
			.withHeader("Mcp-Session-Id", equalTo("session-1"))
			.willReturn(aResponse().withStatus(202)));
	}

	@Test
	void stdioWhenJsonAndEventStreamAnswersThenEachMessageOnItsOwnLineWithTheSessionKept() {
		server.stubFor(post("/mcp").withRequestBody(matchingJsonPath("$.method", equalTo("tools/list")))
			.withHeader("Mcp-Session-Id", equalTo("session-1"))
			.withHeader("MCP-Protocol-Version", equalTo("2025-06-18"))
			.withHeader("Accept", equalTo("application/json, text/event-stream"))
			.willReturn(aResponse().withStatus(200)
				.withHeader("Content-Type", "text/event-stream")
				.withBody("id: e1\nevent: message\ndata: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\","
						+ "\"params\":{\"progressToken\":\"p\",\"progress\":1}}\n\n: keep-alive\n\n"
						+ "id: e2\ndata: {\"jsonrpc\":\"2.0\",\"id\":1,\n"
						+ "data:  \"result\":{\"tools\":[{\"name\":\"deal_list\",\"inputSchema\":{\"type\":\"object\"}}]}}\n\n")));
		List<JsonNode> messages = bridge(INITIALIZE, INITIALIZED, LIST);
		assertThat(messages).hasSize(3);
		assertThat(messages.get(0).path("result").path("serverInfo").path("name").asString()).isEqualTo("countersign");
		assertThat(messages.get(1).path("method").asString()).isEqualTo("notifications/progress");
		assertThat(messages.get(2).path("result").path("tools").get(0).path("name").asString()).isEqualTo("deal_list");
		server.verify(1, postRequestedFor(urlPathEqualTo("/oauth/token")));
	}

	@Test
	void stdioWhenTheServerAnswers401ThenRefreshesOnceRetriesAndSavesTheRotatedRefreshToken() throws IOException {
		server.stubFor(post("/mcp").withRequestBody(matchingJsonPath("$.method", equalTo("tools/list")))
			.withHeader("Authorization", equalTo("Bearer access-canary-1"))
			.willReturn(aResponse().withStatus(401).withHeader("WWW-Authenticate", "Bearer error=\"invalid_token\"")));
		refreshes("refresh-canary-2", "access-canary-2", "refresh-canary-3");
		server.stubFor(post("/mcp").withRequestBody(matchingJsonPath("$.method", equalTo("tools/list")))
			.withHeader("Authorization", equalTo("Bearer access-canary-2"))
			.willReturn(okJson("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"tools\":[]}}")));
		List<JsonNode> messages = bridge(INITIALIZE, INITIALIZED, LIST);
		assertThat(messages).hasSize(2);
		assertThat(messages.get(1).path("result").has("tools")).isTrue();
		assertThat(new CredentialsFile(this.credentials).read().refreshToken()).isEqualTo("refresh-canary-3");
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(this.credentials)))
			.isEqualTo("rw-------");
		server.verify(2, postRequestedFor(urlPathEqualTo("/oauth/token")));
	}

	@Test
	void stdioWhen401EvenAfterARefreshThenTheRequestGetsAnErrorSayingToLogInAgain() {
		server.stubFor(post("/mcp").withRequestBody(matchingJsonPath("$.method", equalTo("tools/list")))
			.willReturn(aResponse().withStatus(401)));
		refreshes("refresh-canary-2", "access-canary-2", "refresh-canary-3");
		List<JsonNode> messages = bridge(INITIALIZE, INITIALIZED, LIST);
		JsonNode error = messages.get(1);
		assertThat(error.path("id").asInt()).isEqualTo(1);
		assertThat(error.path("error").path("code").asInt()).isEqualTo(StdioBridge.BRIDGE_ERROR);
		assertThat(error.path("error").path("message").asString()).contains("401", "countersign login again");
		assertThat(stderr()).contains("countersign login again");
	}

	@Test
	void stdioWhenNotLoggedInThenEachRequestGetsAnErrorSayingToLogIn() throws IOException {
		Files.delete(this.credentials);
		List<JsonNode> messages = bridge(INITIALIZE, INITIALIZED, LIST);
		assertThat(messages).hasSize(2);
		assertThat(messages).allSatisfy((message) -> assertThat(message.path("error").path("message").asString())
			.contains("Not logged in", "countersign login"));
		assertThat(messages.get(0).path("id").asInt()).isZero();
		server.verify(0, postRequestedFor(urlPathEqualTo("/mcp")));
	}

	@Test
	void stdioWhenTheCredentialsFileIsGroupReadableThenRefusedAndNothingSent() throws IOException {
		Files.setPosixFilePermissions(this.credentials, PosixFilePermissions.fromString("rw-r-----"));
		List<JsonNode> messages = bridge(INITIALIZE);
		assertThat(messages.get(0).path("error").path("message").asString()).contains("chmod 600");
		server.verify(0, postRequestedFor(urlPathEqualTo("/oauth/token")));
		server.verify(0, postRequestedFor(urlPathEqualTo("/mcp")));
	}

	@Test
	void stdioWhenTheServerIsUnreachableThenTheRequestGetsAnErrorNamingIt() throws IOException {
		int closed;
		try (ServerSocket socket = new ServerSocket(0)) {
			closed = socket.getLocalPort();
		}
		String url = "http://127.0.0.1:" + closed + "/mcp";
		List<JsonNode> messages = bridgeTo(url, INITIALIZE);
		assertThat(messages.get(0).path("error").path("message").asString()).contains(url, "unreachable");
	}

	@Test
	void stdioWhenTheSessionIsGoneThenTheRequestGetsAnErrorSayingToRestart() {
		server.stubFor(post("/mcp").withRequestBody(matchingJsonPath("$.method", equalTo("tools/list")))
			.willReturn(aResponse().withStatus(404)));
		List<JsonNode> messages = bridge(INITIALIZE, INITIALIZED, LIST);
		assertThat(messages.get(1).path("error").path("message").asString()).contains("session ended", "restart");
	}

	@Test
	void stdioWhenTheServerAnswersAJsonRpcErrorWithStatus400ThenRelayedAsIs() {
		server.stubFor(post("/mcp").withRequestBody(matchingJsonPath("$.method", equalTo("tools/list")))
			.willReturn(aResponse().withStatus(400)
				.withHeader("Content-Type", "application/json")
				.withBody(
						"{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32601,\"message\":\"Method not found\"}}")));
		List<JsonNode> messages = bridge(INITIALIZE, INITIALIZED, LIST);
		assertThat(messages.get(1).path("error").path("code").asInt()).isEqualTo(-32601);
	}

	@Test
	void stdioWhenALineIsNotJsonThenParseErrorAndAFailedNotificationWritesNothing() throws IOException {
		Files.delete(this.credentials);
		List<JsonNode> messages = bridge("not json", INITIALIZED);
		assertThat(messages).hasSize(1);
		assertThat(messages.get(0).path("error").path("code").asInt()).isEqualTo(-32700);
		assertThat(messages.get(0).get("id").isNull()).isTrue();
		assertThat(stderr()).contains("Not logged in");
	}

	@Test
	void stdioWhenRunAsTheApplicationsMainInItsOwnProcessThenStdoutHoldsOnlyJsonRpcLines() throws Exception {
		server.stubFor(post("/mcp").withRequestBody(matchingJsonPath("$.method", equalTo("tools/list")))
			.willReturn(aResponse().withStatus(200)
				.withHeader("Content-Type", "text/event-stream")
				.withBody("data: {\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"tools\":[]}}\n\n")));
		Path java = Path.of(System.getProperty("java.home"), "bin", "java");
		Process process = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
				"dev.countersign.server.CountersignApplication", "stdio", "--server", server.baseUrl() + "/mcp",
				"--credentials", this.credentials.toString())
			.redirectError(ProcessBuilder.Redirect.PIPE)
			.start();
		try (OutputStream stdin = process.getOutputStream()) {
			stdin.write((INITIALIZE + "\n" + INITIALIZED + "\n" + LIST + "\n").getBytes(StandardCharsets.UTF_8));
		}
		this.out.write(process.getInputStream().readAllBytes());
		this.err.write(process.getErrorStream().readAllBytes());
		assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
		assertThat(process.exitValue()).as(stderr()).isZero();
		List<JsonNode> messages = stdoutMessages();
		assertThat(messages).extracting((message) -> message.path("id").asInt()).containsExactly(0, 1);
		assertThat(stderr()).contains("bridging stdio to");
	}

	private void refreshes(String refreshToken, String accessToken, String rotated) {
		server.stubFor(post("/oauth/token")
			.withRequestBody(equalTo("grant_type=refresh_token&client_id=desktop&refresh_token=" + refreshToken))
			.willReturn(okJson("{\"access_token\":\"" + accessToken + "\",\"refresh_token\":\"" + rotated
					+ "\",\"expires_in\":86400,\"token_type\":\"Bearer\"}")));
	}

	private List<JsonNode> bridge(String... lines) {
		return bridgeTo(server.baseUrl() + "/mcp", lines);
	}

	private List<JsonNode> bridgeTo(String url, String... lines) {
		String input = String.join("\n", lines) + "\n";
		int status = CountersignCli.run(
				new String[] { "stdio", "--server", url, "--credentials", this.credentials.toString() },
				new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)),
				new PrintStream(this.out, true, StandardCharsets.UTF_8),
				new PrintStream(this.err, true, StandardCharsets.UTF_8), Map.of(), new TestClock(), (d) -> {
				});
		assertThat(status).isZero();
		return stdoutMessages();
	}

	/**
	 * Every stdout line, each of which must be one JSON-RPC 2.0 object; no token
	 * anywhere.
	 */
	private List<JsonNode> stdoutMessages() {
		String stdout = this.out.toString(StandardCharsets.UTF_8);
		assertThat(stdout).doesNotContain("canary");
		assertThat(stderr()).doesNotContain("canary");
		if (stdout.isEmpty()) {
			return List.of();
		}
		assertThat(stdout).endsWith("\n");
		List<JsonNode> messages = stdout.lines().map(JSON::readTree).toList();
		assertThat(messages).allSatisfy((message) -> {
			assertThat(message.isObject()).isTrue();
			assertThat(message.path("jsonrpc").asString()).isEqualTo("2.0");
		});
		return messages;
	}

	private String stderr() {
		return this.err.toString(StandardCharsets.UTF_8);
	}

}
