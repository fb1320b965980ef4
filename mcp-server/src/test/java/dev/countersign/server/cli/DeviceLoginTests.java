package dev.countersign.server.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.notFound;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The device authorization grant against a tenant at the network boundary: the exact form
 * bodies (a public client: no secret), Auth0's error bodies while polling, and the
 * interval rules of RFC 8628 §3.5.
 */
class DeviceLoginTests {

	private static final WireMockServer tenant = new WireMockServer(options().dynamicPort());

	private static final String AUDIENCE = "https://countersign.example/mcp";

	private static final String DEVICE_CODE = "Ag_EE...device-canary";

	private final TestClock clock = new TestClock();

	private final List<Duration> sleeps = new ArrayList<>();

	private final ByteArrayOutputStream err = new ByteArrayOutputStream();

	@BeforeAll
	static void start() {
		tenant.start();
	}

	@AfterAll
	static void stop() {
		tenant.stop();
	}

	@BeforeEach
	void reset() {
		tenant.resetAll();
		tenant.stubFor(get("/.well-known/openid-configuration").willReturn(
				okJson("""
						{"issuer":"%s/","device_authorization_endpoint":"%s/oauth/device/code","token_endpoint":"%s/oauth/token"}
						"""
					.formatted(tenant.baseUrl(), tenant.baseUrl(), tenant.baseUrl()))));
		tenant.stubFor(post("/oauth/device/code")
			.withRequestBody(equalTo("client_id=desktop&scope=openid+offline_access&audience="
					+ "https%3A%2F%2Fcountersign.example%2Fmcp"))
			.willReturn(okJson("""
					{"device_code":"%s","user_code":"KZHB-TWQD","verification_uri":"https://tenant.example/activate",
					 "expires_in":900,"interval":5,
					 "verification_uri_complete":"https://tenant.example/activate?user_code=KZHB-TWQD"}
					""".formatted(DEVICE_CODE))));
	}

	@Test
	void runWhenPendingThenSlowDownThenApprovedThenPollsAtTheGrownIntervalAndKeepsOnlyTheRefreshToken() {
		String body = "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Adevice_code&device_code="
				+ "Ag_EE...device-canary&client_id=desktop";
		tenant.stubFor(post("/oauth/token").withRequestBody(equalTo(body))
			.inScenario("poll")
			.whenScenarioStateIs(Scenario.STARTED)
			.willReturn(pending())
			.willSetStateTo("slow"));
		tenant.stubFor(post("/oauth/token").withRequestBody(equalTo(body))
			.inScenario("poll")
			.whenScenarioStateIs("slow")
			.willReturn(aResponse().withStatus(429)
				.withHeader("Content-Type", "application/json")
				.withBody("{\"error\":\"slow_down\",\"error_description\":"
						+ "\"You are polling faster than allowed. Try again in 10 seconds.\"}"))
			.willSetStateTo("pending again"));
		tenant.stubFor(post("/oauth/token").withRequestBody(equalTo(body))
			.inScenario("poll")
			.whenScenarioStateIs("pending again")
			.willReturn(pending())
			.willSetStateTo("approved"));
		tenant.stubFor(post("/oauth/token").withRequestBody(equalTo(body))
			.inScenario("poll")
			.whenScenarioStateIs("approved")
			.willReturn(okJson("""
					{"access_token":"access-canary","refresh_token":"refresh-canary","id_token":"x.y.z",
					 "scope":"openid offline_access","expires_in":86400,"token_type":"Bearer"}""")));
		Credentials credentials = login();
		assertThat(this.sleeps).containsExactly(Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(10),
				Duration.ofSeconds(10));
		assertThat(credentials.refreshToken()).isEqualTo("refresh-canary");
		assertThat(credentials.tokenEndpoint()).isEqualTo(URI.create(tenant.baseUrl() + "/oauth/token"));
		assertThat(credentials.audience()).isEqualTo(AUDIENCE);
		assertThat(credentials.toString()).doesNotContain("canary");
		String said = this.err.toString(StandardCharsets.UTF_8);
		assertThat(said).contains("https://tenant.example/activate", "KZHB-TWQD").doesNotContain("canary");
		tenant.verify(0, postRequestedFor(urlPathEqualTo("/oauth/token")).withRequestBody(containing("client_secret")));
	}

	@Test
	void runWhenTheUserDeniesThenSaysSo() {
		tenant.stubFor(post("/oauth/token").willReturn(forbidden("access_denied", "User refused to authorize.")));
		assertThatExceptionOfType(CliException.class).isThrownBy(this::login).withMessageContaining("denied");
	}

	@Test
	void runWhenTheCodeExpiresThenSaysToLogInAgain() {
		tenant.stubFor(post("/oauth/token").willReturn(forbidden("expired_token", "The device_code has expired.")));
		assertThatExceptionOfType(CliException.class).isThrownBy(this::login)
			.withMessageContaining("expired")
			.withMessageContaining("countersign login again");
	}

	@Test
	void runWhenStillPendingPastExpiresInThenStopsPolling() {
		tenant.stubFor(post("/oauth/token").willReturn(pending()));
		assertThatExceptionOfType(CliException.class).isThrownBy(this::login).withMessageContaining("expired");
		assertThat(this.sleeps).hasSize(180);
	}

	@Test
	void runWhenNoRefreshTokenIssuedThenSaysWhatToAllow() {
		tenant.stubFor(post("/oauth/token").willReturn(okJson("""
				{"access_token":"access-canary","expires_in":86400,"token_type":"Bearer"}""")));
		assertThatExceptionOfType(CliException.class).isThrownBy(this::login)
			.withMessageContaining("offline access")
			.withMessageNotContaining("canary");
	}

	@Test
	void runWhenNoDiscoveryDocumentThenAuth0Paths() {
		tenant.stubFor(get("/.well-known/openid-configuration").willReturn(notFound()));
		tenant.stubFor(post("/oauth/token").willReturn(okJson("""
				{"access_token":"a","refresh_token":"r","expires_in":60,"token_type":"Bearer"}""")));
		assertThat(login().tokenEndpoint()).isEqualTo(URI.create(tenant.baseUrl() + "/oauth/token"));
	}

	private Credentials login() {
		OAuthClient client = new OAuthClient(HttpClient.newHttpClient(), Duration.ofSeconds(5));
		DeviceLogin login = new DeviceLogin(client, this.clock, (duration) -> {
			this.sleeps.add(duration);
			this.clock.advance(duration);
		}, new PrintStream(this.err, true, StandardCharsets.UTF_8));
		return login.run(URI.create(tenant.baseUrl() + "/"), "desktop", AUDIENCE);
	}

	private static ResponseDefinitionBuilder pending() {
		return forbidden("authorization_pending", "User has yet to authorize device code.");
	}

	private static ResponseDefinitionBuilder forbidden(String error, String description) {
		return aResponse().withStatus(403)
			.withHeader("Content-Type", "application/json")
			.withBody("{\"error\":\"" + error + "\",\"error_description\":\"" + description + "\"}");
	}

}
