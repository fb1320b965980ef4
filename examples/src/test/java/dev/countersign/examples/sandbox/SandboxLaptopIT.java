package dev.countersign.examples.sandbox;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.jackson3.JacksonMcpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.ListToolsResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.countersign.server.CountersignApplication;
import dev.countersign.server.tool.ToolCatalog;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The laptop against a running sandbox: {@code countersign login} as a child process runs
 * the device flow and the code is approved on the emulated verification page; then Claude
 * Desktop's part is played by the MCP Java SDK's stdio client, which starts
 * {@code countersign stdio} as a child process, lists the tools, reads, queues a write
 * that the phone approves, and sees it succeed. The emulated device flow is as strict as
 * Auth0's.
 */
class SandboxLaptopIT {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final Pattern USER_CODE = Pattern.compile("enter the code ([A-Z]{4}-[A-Z]{4})");

	private static final String DESKTOP = EmulatedDeviceFlow.DEFAULT_CLIENT_ID;

	private static RunningSandbox sandbox;

	@TempDir
	Path home;

	@BeforeAll
	static void start() {
		sandbox = RunningSandbox.start("--countersign.approval.batch-window=1s");
	}

	@AfterAll
	static void stop() {
		sandbox.close();
	}

	@Test
	void loginWhenTheCodeIsApprovedThenOnlyARefreshTokenIsKeptInAnOwnerOnlyFile() throws Exception {
		Path credentials = this.home.resolve("countersign/credentials.json");
		Login login = Login.start(credentials);
		String code = login.awaitUserCode();
		assertThat(activate(code, "ada", "allow").statusCode()).isEqualTo(200);
		assertThat(login.awaitExit()).as(login.stderr()).isZero();
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(credentials))).isEqualTo("rw-------");
		JsonNode stored = JSON.readTree(Files.readString(credentials));
		assertThat(stored.path("client_id").asString()).isEqualTo(DESKTOP);
		assertThat(stored.path("audience").asString()).isEqualTo(sandbox.mcpUrl());
		assertThat(stored.path("refresh_token").asString()).startsWith("v1.D");
		assertThat(stored.has("access_token")).isFalse();
		assertThat(login.stderr()).doesNotContain(stored.path("refresh_token").asString());
		assertThat(sandbox.bean(EmulatedDeviceFlow.class).liveRefreshTokens("ada")).isPositive();
	}

	@Test
	void loginWhenTheCodeIsDeniedThenSaysSoAndKeepsNothing() throws Exception {
		Path credentials = this.home.resolve("credentials.json");
		Login login = Login.start(credentials);
		assertThat(activate(login.awaitUserCode(), "ada", "deny").statusCode()).isEqualTo(200);
		assertThat(login.awaitExit()).isEqualTo(1);
		assertThat(login.stderr()).contains("denied");
		assertThat(credentials).doesNotExist();
	}

	@Test
	void stdioWhenClaudeDesktopStartsTheBridgeThenToolsReadsAndAnApprovedWriteWork() throws Exception {
		Path credentials = this.home.resolve("credentials.json");
		Login login = Login.start(credentials);
		activate(login.awaitUserCode(), "ada", "allow");
		assertThat(login.awaitExit()).as(login.stderr()).isZero();
		List<String> bridgeErrors = Collections.synchronizedList(new ArrayList<>());
		StdioClientTransport transport = new StdioClientTransport(ServerParameters.builder(java())
			.args("-cp", System.getProperty("java.class.path"), CountersignApplication.class.getName(), "stdio",
					"--server", sandbox.mcpUrl(), "--credentials", credentials.toString())
			.build(), new JacksonMcpJsonMapper(JSON));
		transport.setStdErrorHandler(bridgeErrors::add);
		McpSyncClient client = McpClient.sync(transport).requestTimeout(Duration.ofSeconds(60)).build();
		try {
			client.initialize();
			ListToolsResult tools = client.listTools();
			assertThat(tools.tools()).extracting((tool) -> tool.name()).contains("deal_list", "github_create_issue");
			CallToolResult deals = client.callTool(new CallToolRequest("deal_list", Map.of()));
			assertThat(deals.isError()).as(SandboxAgent.text(deals)).isFalse();
			assertThat(JSON.valueToTree(deals.structuredContent()).path("deals").size()).isPositive();
			CallToolResult queued = client.callTool(new CallToolRequest("github_create_issue",
					Map.of("repo", ToolCatalog.EXAMPLE_REPO, "title", "Filed from the laptop bridge")));
			JsonNode pending = JSON.valueToTree(queued.structuredContent());
			assertThat(pending.path("status").asString()).as(SandboxAgent.text(queued)).isEqualTo("pending_approval");
			String actionId = pending.path("action_id").asString();
			new Phone(sandbox).awaitAndDecide("ada", "approve");
			String status = "";
			for (int i = 0; i < 120 && !"succeeded".equals(status); i++) {
				CallToolResult result = client
					.callTool(new CallToolRequest("action_status", Map.of("action_id", actionId)));
				status = JSON.valueToTree(result.structuredContent()).path("status").asString();
				Thread.sleep(250);
			}
			assertThat(status).isEqualTo("succeeded");
		}
		finally {
			client.closeGracefully();
		}
		String refreshToken = JSON.readTree(Files.readString(credentials)).path("refresh_token").asString();
		assertThat(String.join("\n", bridgeErrors)).contains("bridging stdio to").doesNotContain(refreshToken);
	}

	@Test
	void deviceFlowWhenDrivenByHandThenAsStrictAsTheTenant() {
		// Only the desktop client, only the Countersign API, only the sign-in scopes.
		assertThat(deviceCode("client_id=someone-else&scope=openid").statusCode()).isEqualTo(401);
		assertThat(error(deviceCode("client_id=" + DESKTOP + "&scope=openid&audience=https%3A%2F%2Fother.example")))
			.isEqualTo("access_denied");
		assertThat(error(deviceCode("client_id=" + DESKTOP + "&scope=openid+countersign%3Amanage")))
			.isEqualTo("invalid_scope");
		JsonNode started = JSON.readTree(deviceCode("client_id=" + DESKTOP + "&scope=openid+offline_access").body());
		String deviceCode = started.path("device_code").asString();
		String poll = "grant_type=" + enc(EmulatedDeviceFlow.GRANT_TYPE) + "&device_code=" + enc(deviceCode)
				+ "&client_id=" + DESKTOP;
		assertThat(error(token(poll))).isEqualTo("authorization_pending");
		// RFC 8628 §3.5: polling again at once is too fast.
		HttpResponse<String> tooFast = token(poll);
		assertThat(tooFast.statusCode()).isEqualTo(429);
		assertThat(error(tooFast)).isEqualTo("slow_down");
		activate(started.path("user_code").asString(), "ada", "allow");
		Phone.pause(Duration.ofSeconds(10));
		HttpResponse<String> granted = token(poll);
		assertThat(granted.statusCode()).as(granted.body()).isEqualTo(200);
		JsonNode tokens = JSON.readTree(granted.body());
		assertThat(tokens.path("scope").asString()).isEqualTo("openid offline_access");
		// The device code is redeemed once.
		assertThat(error(token(poll))).isEqualTo("invalid_grant");
		// A desktop token is an agent's: /mcp serves it, /api/v1 does not.
		HttpResponse<String> api = Phone.send(HttpRequest.newBuilder(URI.create(sandbox.baseUrl() + "/api/v1/routing"))
			.header("Authorization", "Bearer " + tokens.path("access_token").asString())
			.build());
		assertThat(api.statusCode()).isEqualTo(403);
		// Refresh tokens rotate; a spent one presented again ends the sign-in.
		String first = tokens.path("refresh_token").asString();
		JsonNode rotated = JSON.readTree(token(refresh(first)).body());
		String second = rotated.path("refresh_token").asString();
		assertThat(second).isNotEqualTo(first);
		assertThat(error(token(refresh(first)))).isEqualTo("invalid_grant");
		assertThat(error(token(refresh(second)))).isEqualTo("invalid_grant");
		// The public client has no other grant: Auth0's answer for a grant not allowed.
		HttpResponse<String> code = token(
				"grant_type=authorization_code&code=x&redirect_uri=x&code_verifier=x" + "&client_id=" + DESKTOP);
		assertThat(code.statusCode()).isEqualTo(403);
		assertThat(error(code)).isEqualTo("unauthorized_client");
	}

	private static String refresh(String refreshToken) {
		return "grant_type=refresh_token&client_id=" + DESKTOP + "&refresh_token=" + enc(refreshToken);
	}

	private static HttpResponse<String> deviceCode(String form) {
		return form(EmulatedDeviceFlow.DEVICE_CODE_PATH, form);
	}

	private static HttpResponse<String> token(String form) {
		return form(EmulatedTokenEndpoint.PATH, form);
	}

	static HttpResponse<String> activate(String userCode, String user, String decision) {
		return form(EmulatedDeviceFlow.ACTIVATE_PATH,
				"user_code=" + enc(userCode) + "&user=" + enc(user) + "&decision=" + decision);
	}

	private static HttpResponse<String> form(String path, String form) {
		return Phone.send(HttpRequest.newBuilder(URI.create(sandbox.baseUrl() + path))
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.ofString(form))
			.build());
	}

	private static String error(HttpResponse<String> response) {
		return JSON.readTree(response.body()).path("error").asString();
	}

	private static String enc(String value) {
		return URLEncoder.encode(value, StandardCharsets.UTF_8);
	}

	private static String java() {
		return Path.of(System.getProperty("java.home"), "bin", "java").toString();
	}

	/**
	 * {@code countersign login} running in its own process, its stderr collected.
	 */
	private static final class Login {

		private final Process process;

		private final List<String> lines = Collections.synchronizedList(new ArrayList<>());

		private final CompletableFuture<String> userCode = new CompletableFuture<>();

		private Login(Process process) {
			this.process = process;
			Thread reader = new Thread(() -> {
				try (BufferedReader err = new BufferedReader(
						new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
					String line;
					while ((line = err.readLine()) != null) {
						this.lines.add(line);
						Matcher matcher = USER_CODE.matcher(line);
						if (matcher.find()) {
							this.userCode.complete(matcher.group(1));
						}
					}
				}
				catch (IOException ex) {
					this.userCode.completeExceptionally(ex);
				}
			}, "login-stderr");
			reader.setDaemon(true);
			reader.start();
		}

		static Login start(Path credentials) throws IOException {
			Process process = new ProcessBuilder(java(), "-cp", System.getProperty("java.class.path"),
					CountersignApplication.class.getName(), "login", "--server", sandbox.mcpUrl(), "--client-id",
					DESKTOP, "--credentials", credentials.toString())
				.redirectOutput(ProcessBuilder.Redirect.DISCARD)
				.start();
			process.getOutputStream().close();
			return new Login(process);
		}

		String awaitUserCode() throws Exception {
			try {
				return this.userCode.get(30, TimeUnit.SECONDS);
			}
			catch (Exception ex) {
				this.process.destroy();
				throw new AssertionError("login printed no code: " + stderr(), ex);
			}
		}

		int awaitExit() throws InterruptedException {
			if (!this.process.waitFor(60, TimeUnit.SECONDS)) {
				this.process.destroyForcibly();
				throw new AssertionError("login did not end: " + stderr());
			}
			return this.process.exitValue();
		}

		String stderr() {
			synchronized (this.lines) {
				return this.lines.stream().collect(Collectors.joining("\n"));
			}
		}

	}

}
