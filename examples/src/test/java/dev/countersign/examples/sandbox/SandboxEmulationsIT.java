package dev.countersign.examples.sandbox;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.countersign.server.provider.VaultProperties;
import dev.countersign.server.tool.ToolCatalog;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The running sandbox's emulations over HTTP: Countersign's bound Token Vault client is
 * exactly the one the emulated tenant accepts, and the provider token it gets opens the
 * emulated provider APIs.
 */
class SandboxEmulationsIT {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final HttpClient HTTP = HttpClient.newHttpClient();

	private static RunningSandbox sandbox;

	@BeforeAll
	static void start() {
		sandbox = RunningSandbox.start();
	}

	@AfterAll
	static void stop() {
		sandbox.close();
	}

	@Test
	void vaultSecretThenMadeAtStartAndSharedWithTheEmulation() throws Exception {
		VaultProperties vault = sandbox.bean(VaultProperties.class);
		assertThat(vault.clientId()).isEqualTo("countersign-vault");
		assertThat(vault.clientSecret()).hasSizeGreaterThanOrEqualTo(40);
		assertThat(vault.tokenEndpoint()).hasToString(sandbox.baseUrl() + "/auth0/oauth/token");
		HttpResponse<String> exchanged = exchange(vault.clientSecret(), "ada", "github");
		assertThat(exchanged.statusCode()).isEqualTo(200);
		String token = JSON.readTree(exchanged.body()).get("access_token").asString();
		JsonNode user = JSON.readTree(get("/sandbox/github/user", token).body());
		assertThat(user.get("login").asString()).isEqualTo("ada-lovelace");
		HttpResponse<String> pull = get(
				"/sandbox/github/repos/" + ToolCatalog.EXAMPLE_REPO + "/pulls/" + ToolCatalog.EXAMPLE_PULL_REQUEST,
				token);
		assertThat(pull.statusCode()).isEqualTo(200);
		assertThat(exchange("wrong-secret", "ada", "github").statusCode()).isEqualTo(401);
	}

	@Test
	void googleTokenThenCalendarAndGmailServeSeededData() throws Exception {
		String secret = sandbox.bean(VaultProperties.class).clientSecret();
		String token = JSON.readTree(exchange(secret, "ada", "google-oauth2").body()).get("access_token").asString();
		assertThat(get("/sandbox/google/calendar/v3/calendars/primary/events/" + ToolCatalog.EXAMPLE_EVENT_ID, token)
			.statusCode()).isEqualTo(200);
		HttpResponse<String> message = get(
				"/sandbox/google/gmail/v1/users/me/messages/" + ToolCatalog.EXAMPLE_MESSAGE_ID + "?format=metadata",
				token);
		assertThat(message.statusCode()).isEqualTo(200);
		assertThat(message.body()).contains(ToolCatalog.EXAMPLE_RECIPIENT);
		assertThat(get("/sandbox/github/user", token).statusCode()).isEqualTo(401);
	}

	@Test
	void exchangeWhenGraceThenNotLinked() throws Exception {
		String secret = sandbox.bean(VaultProperties.class).clientSecret();
		HttpResponse<String> response = exchange(secret, "grace", "google-oauth2");
		assertThat(response.statusCode()).isEqualTo(401);
		assertThat(response.body()).contains("federated_connection_refresh_token_not_found");
	}

	@Test
	void cibaThenSecretMadeAtStartPhoneApprovesAndTokenRedeemedOnce() throws Exception {
		org.springframework.core.env.Environment environment = sandbox
			.bean(org.springframework.core.env.Environment.class);
		assertThat(environment.getProperty("countersign.ciba.client-id")).isEqualTo("countersign-ciba");
		String secret = environment.getProperty(SandboxVaultSecret.CIBA_PROPERTY);
		assertThat(secret).hasSizeGreaterThanOrEqualTo(40)
			.isNotEqualTo(sandbox.bean(VaultProperties.class).clientSecret());
		String issuer = sandbox.baseUrl() + "/auth0/";
		Map<String, String> authorize = new LinkedHashMap<>();
		authorize.put("client_id", "countersign-ciba");
		authorize.put("client_secret", secret);
		authorize.put("scope", "openid");
		authorize.put("audience", sandbox.baseUrl() + "/mcp");
		authorize.put("login_hint", "{\"format\":\"iss_sub\",\"iss\":\"" + issuer + "\",\"sub\":\"auth0|it-ciba\"}");
		authorize.put("binding_message", "Countersign: 1 action #IT42");
		HttpResponse<String> started = post("/auth0/bc-authorize", authorize);
		assertThat(started.statusCode()).isEqualTo(200);
		String id = JSON.readTree(started.body()).get("auth_req_id").asString();
		HttpResponse<String> pending = get("/sandbox/phone/requests?user=it-ciba", "none");
		assertThat(JSON.readTree(pending.body()).get(0).get("code").asString()).isEqualTo("IT42");
		assertThat(get("/sandbox/phone", "none").body()).contains("IT42");
		HttpResponse<String> approved = post("/sandbox/phone/requests/" + id + "/approve", Map.of());
		assertThat(approved.statusCode()).isEqualTo(200);
		Map<String, String> poll = new LinkedHashMap<>();
		poll.put("grant_type", EmulatedCiba.GRANT_TYPE);
		poll.put("auth_req_id", id);
		poll.put("client_id", "countersign-ciba");
		poll.put("client_secret", secret);
		assertThat(post("/auth0/oauth/token", poll).statusCode()).isEqualTo(200);
		HttpResponse<String> again = post("/auth0/oauth/token", poll);
		assertThat(again.statusCode()).isEqualTo(400);
		assertThat(again.body()).contains("invalid_grant");
	}

	private static HttpResponse<String> post(String path, Map<String, String> form)
			throws IOException, InterruptedException {
		String body = form.entrySet()
			.stream()
			.map((entry) -> entry.getKey() + "=" + URLEncoder.encode(entry.getValue(), StandardCharsets.UTF_8))
			.collect(Collectors.joining("&"));
		return HTTP.send(HttpRequest.newBuilder(URI.create(sandbox.baseUrl() + path))
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	private static HttpResponse<String> exchange(String secret, String user, String connection)
			throws IOException, InterruptedException {
		Map<String, String> form = new LinkedHashMap<>();
		form.put("grant_type", EmulatedTokenVault.GRANT_TYPE);
		form.put("subject_token", sandbox.agentToken("agent=it-agent&user=" + user));
		form.put("subject_token_type", EmulatedTokenVault.ACCESS_TOKEN_TYPE);
		form.put("requested_token_type", EmulatedTokenVault.REQUESTED_TOKEN_TYPE);
		form.put("connection", connection);
		form.put("client_id", "countersign-vault");
		form.put("client_secret", secret);
		String body = form.entrySet()
			.stream()
			.map((entry) -> entry.getKey() + "=" + URLEncoder.encode(entry.getValue(), StandardCharsets.UTF_8))
			.collect(Collectors.joining("&"));
		return HTTP.send(HttpRequest.newBuilder(URI.create(sandbox.baseUrl() + "/auth0/oauth/token"))
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	private static HttpResponse<String> get(String path, String token) throws IOException, InterruptedException {
		return HTTP.send(HttpRequest.newBuilder(URI.create(sandbox.baseUrl() + path))
			.header("Authorization", "Bearer " + token)
			.build(), HttpResponse.BodyHandlers.ofString());
	}

}
