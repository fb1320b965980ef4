package dev.countersign.examples.sandbox;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.countersign.policy.audit.AuditEvent;
import dev.countersign.policy.audit.AuditEventType;
import dev.countersign.policy.audit.AuditStore;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Connected accounts end to end (DESIGN §12): the unconnected seeded user {@code grace}
 * signs in to the console, connects Google through the config API and the emulated
 * provider consent (My Account API {@code connect} and {@code complete}), reads her
 * calendar, disconnects, and is told to connect her account again, although a token was
 * cached; connect and disconnect are audited, and neither the refresh token nor a My
 * Account token shows in an answer or the audit trail. A user who says no connects
 * nothing; unknown connections, forged callbacks and a missing sign-in are refused.
 */
class SandboxConnectionsIT {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final String GRACE = SandboxUsers.UNCONNECTED_USER;

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
	void graceConnectsGoogleReadsHerCalendarDisconnectsAndIsAskedToConnectAgain() {
		EmulatedProviderTokens vault = sandbox.bean(EmulatedProviderTokens.class);
		HttpResponse<String> beforeSignIn = api(GRACE, "GET", "/api/v1/connections");
		assertThat(beforeSignIn.statusCode()).as(beforeSignIn.body()).isEqualTo(409);
		assertThat(beforeSignIn.body())
			.contains("sign in to the Countersign console at " + sandbox.baseUrl() + "/console/login");

		ConsoleBrowser browser = new ConsoleBrowser();
		assertThat(browser.signIn(sandbox, GRACE)).contains("Sign-in stored");
		assertThat(connection(GRACE, "google-oauth2").get("connected").asBoolean()).isFalse();
		assertThat(connection(GRACE, "github").get("connected").asBoolean()).isFalse();

		try (SandboxAgent agent = SandboxAgent.connect(sandbox, GRACE)) {
			assertConnectSentence(agent.callRaw("calendar_list_events", Map.of()));

			// connect Google: the config API answers the URL; the user consents there
			HttpResponse<String> started = api(GRACE, "POST", "/api/v1/connections/google-oauth2/connect");
			assertThat(started.statusCode()).as(started.body()).isEqualTo(200);
			JsonNode connect = JSON.readTree(started.body());
			assertThat(connect.get("expires_in").asLong()).isPositive();
			URI url = URI.create(connect.get("url").asString());
			assertThat(url.toString()).startsWith(sandbox.baseUrl() + "/auth0/connect?ticket=");
			HttpResponse<String> consent = browser.get(url);
			assertThat(consent.statusCode()).as(consent.body()).isEqualTo(200);
			assertThat(consent.body()).contains("Connect your Google account").contains("auth0|grace");
			Map<String, String> form = ConsoleBrowser.hidden(consent.body());
			form.put("decision", "allow");
			HttpResponse<String> done = browser.post(url.resolve("/auth0/connect"), form);
			assertThat(done.uri().getPath()).isEqualTo("/console/connections/callback");
			assertThat(done.statusCode()).as(done.body()).isEqualTo(200);
			assertThat(done.body()).contains("Account connected").contains("google-oauth2");

			JsonNode google = connection(GRACE, "google-oauth2");
			assertThat(google.get("connected").asBoolean()).isTrue();
			assertThat(google.get("account_id").asString()).startsWith("cac_");
			assertThat(google.get("scopes").valueStream().map(JsonNode::asString))
				.contains("https://www.googleapis.com/auth/calendar.events");
			assertThat(connection(GRACE, "github").get("connected").asBoolean()).isFalse();

			// she reads her calendar, twice: one exchange, then the cache
			agent.call("calendar_list_events", Map.of());
			agent.call("calendar_list_events", Map.of());
			assertThat(vault.exchangeCount(GRACE, "google-oauth2")).isEqualTo(1);

			// disconnect: the cached token is dropped and Token Vault refuses
			HttpResponse<String> removed = api(GRACE, "DELETE", "/api/v1/connections/google-oauth2");
			assertThat(removed.statusCode()).as(removed.body()).isEqualTo(200);
			JsonNode answer = JSON.readTree(removed.body());
			assertThat(answer.get("removed_accounts").asInt()).isEqualTo(1);
			assertThat(answer.get("provider_tokens_dropped").asBoolean()).isTrue();
			assertConnectSentence(agent.callRaw("calendar_list_events", Map.of()));
			assertThat(vault.exchangeCount(GRACE, "google-oauth2")).isEqualTo(1);
			assertThat(connection(GRACE, "google-oauth2").get("connected").asBoolean()).isFalse();

			HttpResponse<String> again = api(GRACE, "DELETE", "/api/v1/connections/google-oauth2");
			assertThat(again.statusCode()).as(again.body()).isEqualTo(404);
		}

		List<AuditEvent> audit = sandbox.bean(AuditStore.class)
			.read(SandboxUsers.subject(GRACE), 1, 10_000)
			.collectList()
			.block();
		List<AuditEvent> changes = audit.stream()
			.filter((event) -> event.type() == AuditEventType.SETTING_CHANGED)
			.filter((event) -> "connection".equals(event.details().get("setting")))
			.toList();
		assertThat(changes).extracting((event) -> event.details().get("connected")).containsExactly(true, false);
		assertThat(changes).allSatisfy((event) -> assertThat(event.details()).containsEntry("target", "google-oauth2"));
		String exported = audit.stream().map(JSON::writeValueAsString).collect(Collectors.joining("\n"));
		for (String refreshToken : sandbox.bean(EmulatedRefreshTokens.class).issuedTokens()) {
			assertThat(exported).doesNotContain(refreshToken);
		}
		assertThat(exported).doesNotContain("eyJ");
	}

	@Test
	void userDeniesAtTheProviderThenNothingIsConnected() {
		String user = "lovelace";
		ConsoleBrowser browser = new ConsoleBrowser();
		browser.signIn(sandbox, user);
		HttpResponse<String> removed = api(user, "DELETE", "/api/v1/connections/github");
		assertThat(removed.statusCode()).as(removed.body()).isEqualTo(200);
		HttpResponse<String> started = api(user, "POST", "/api/v1/connections/github/connect");
		URI url = URI.create(JSON.readTree(started.body()).get("url").asString());
		Map<String, String> form = ConsoleBrowser.hidden(browser.get(url).body());
		form.put("decision", "deny");
		HttpResponse<String> done = browser.post(url.resolve("/auth0/connect"), form);
		assertThat(done.uri().getPath()).isEqualTo("/console/connections/callback");
		assertThat(done.body()).contains("Not connected");
		assertThat(connection(user, "github").get("connected").asBoolean()).isFalse();
		// the same ticket cannot be used twice
		assertThat(browser.get(url).statusCode()).isEqualTo(400);
	}

	@Test
	void unknownConnectionForgedCallbackAndAgentTokensAreRefused() {
		new ConsoleBrowser().signIn(sandbox, "babbage");
		HttpResponse<String> unknown = api("babbage", "POST", "/api/v1/connections/slack/connect");
		assertThat(unknown.statusCode()).as(unknown.body()).isEqualTo(400);
		assertThat(JSON.readTree(unknown.body()).get("field").asString()).isEqualTo("connection");

		HttpResponse<String> forged = sandbox
			.get("/console/connections/callback?connect_code=forged&state=forged-state");
		assertThat(forged.statusCode()).isEqualTo(400);
		assertThat(forged.body()).contains("unknown or expired").doesNotContain("forged-state");

		HttpResponse<String> agent = Phone
			.send(HttpRequest.newBuilder(URI.create(sandbox.baseUrl() + "/api/v1/connections"))
				.header("Authorization", "Bearer " + sandbox.agentToken("agent=a1&user=babbage"))
				.build());
		assertThat(agent.statusCode()).isEqualTo(403);
	}

	private static void assertConnectSentence(CallToolResult result) {
		assertThat(result.isError()).isTrue();
		assertThat(SandboxAgent.text(result))
			.startsWith("Connect your Google account (connection 'google-oauth2') to Countersign first");
	}

	private static JsonNode connection(String user, String name) {
		HttpResponse<String> response = api(user, "GET", "/api/v1/connections");
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		for (JsonNode connection : JSON.readTree(response.body()).get("connections")) {
			if (connection.get("connection").asString().equals(name)) {
				return connection;
			}
		}
		throw new AssertionError("no connection " + name + " in " + response.body());
	}

	private static HttpResponse<String> api(String user, String method, String path) {
		return Phone.send(HttpRequest.newBuilder(URI.create(sandbox.baseUrl() + path))
			.header("Authorization", "Bearer " + sandbox.consoleToken(user))
			.method(method, HttpRequest.BodyPublishers.noBody())
			.build());
	}

}
