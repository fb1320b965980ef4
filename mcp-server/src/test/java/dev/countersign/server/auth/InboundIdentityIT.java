package dev.countersign.server.auth;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;

import com.github.tomakehurst.wiremock.WireMockServer;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.countersign.server.CountersignApplication;
import dev.countersign.server.mcp.McpSessionBinding;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Inbound identity over real HTTP (DESIGN §3): the issuer's JWKS is served by WireMock,
 * as Auth0 would serve it, and every token below is refused or accepted exactly as the
 * design says.
 */
@SpringBootTest(classes = CountersignApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class InboundIdentityIT {

	private static final WireMockServer tenant = new WireMockServer(options().dynamicPort());

	static {
		tenant.start();
	}

	private static final TestTokens tokens = new TestTokens(tenant.baseUrl() + "/");

	private static final String INITIALIZE = """
			{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25",
			"capabilities":{},"clientInfo":{"name":"it","version":"1"}}}""";

	private static final String LIST_TOOLS = """
			{"jsonrpc":"2.0","id":2,"method":"tools/list","params":{}}""";

	@LocalServerPort
	int port;

	@Autowired
	McpSessionBinding sessions;

	WebTestClient http;

	@DynamicPropertySource
	static void tenantProperties(DynamicPropertyRegistry registry) {
		registry.add("countersign.auth.issuer", () -> tenant.baseUrl() + "/");
		registry.add("countersign.auth.audience", () -> TestTokens.AUDIENCE);
		registry.add("countersign.auth.console-clients", () -> "console-app");
		registry.add("countersign.vault.client-id", () -> "countersign-vault");
		registry.add("countersign.vault.client-secret", () -> "not-used-by-these-tests");
		registry.add("countersign.ciba.client-id", () -> "countersign-ciba");
		registry.add("countersign.ciba.client-secret", () -> "not-used-by-these-tests");
	}

	@BeforeEach
	void setUp() {
		tenant.stubFor(get("/.well-known/jwks.json")
			.willReturn(aResponse().withHeader("Content-Type", "application/json").withBody(tokens.jwks())));
		this.http = WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + this.port).build();
	}

	@AfterAll
	static void stopTenant() {
		tenant.stop();
	}

	@Test
	void mcpWhenValidAgentTokenThenSessionOpens() {
		initialize(tokens.agent("auth0|ada", "agent-1")).expectStatus().isOk().expectHeader().exists("Mcp-Session-Id");
	}

	@Test
	void mcpWhenNoTokenThenUnauthorizedWithResourceMetadata() {
		this.http.post()
			.uri("/mcp")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(INITIALIZE)
			.exchange()
			.expectStatus()
			.isUnauthorized()
			.expectHeader()
			.valueEquals(HttpHeaders.WWW_AUTHENTICATE, "Bearer resource_metadata=\"http://127.0.0.1:" + this.port
					+ "/.well-known/oauth-protected-resource\"");
	}

	@Test
	void protectedResourceMetadataAtBothPaths() {
		for (String path : new String[] { "/.well-known/oauth-protected-resource",
				"/.well-known/oauth-protected-resource/mcp" }) {
			this.http.get()
				.uri(path)
				.exchange()
				.expectStatus()
				.isOk()
				.expectBody()
				.jsonPath("$.resource")
				.isEqualTo("http://127.0.0.1:" + this.port + "/mcp")
				.jsonPath("$.authorization_servers[0]")
				.isEqualTo(tenant.baseUrl() + "/")
				.jsonPath("$.bearer_methods_supported[0]")
				.isEqualTo("header");
		}
	}

	@Test
	void mcpWhenMalformedBearerCredentialThenUnauthorizedAsInvalidToken() {
		String token = tokens.agent("auth0|ada", "agent-1");
		for (String authorization : new String[] { "Bearer  " + token, "Bearer " + token + " x", "bearer" + token }) {
			this.http.post()
				.uri("/mcp")
				.header(HttpHeaders.AUTHORIZATION, authorization)
				.contentType(MediaType.APPLICATION_JSON)
				.bodyValue(INITIALIZE)
				.exchange()
				.expectStatus()
				.isUnauthorized()
				.expectHeader()
				.value(HttpHeaders.WWW_AUTHENTICATE, (value) -> assertThat(value).contains("error=\"invalid_token\""));
		}
	}

	@Test
	void mcpWhenTheAuthorizationHeaderHoldsAControlCharacterThenRefusedByTheFirewall() {
		this.http.post()
			.uri("/mcp")
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + tokens.agent("auth0|ada", "agent-1") + "\u0085")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(INITIALIZE)
			.exchange()
			.expectStatus()
			.isBadRequest()
			.expectHeader()
			.doesNotExist("Mcp-Session-Id");
	}

	@Test
	void mcpWhenClientCredentialsTokenThenUnauthorized() {
		String token = tokens.with("agent-1@clients", "agent-1", (c) -> c.claim("gty", "client-credentials"));
		initialize(token).expectStatus()
			.isUnauthorized()
			.expectHeader()
			.value(HttpHeaders.WWW_AUTHENTICATE, (value) -> assertThat(value).contains("error=\"invalid_token\""));
	}

	@Test
	void mcpWhenGrantTypeClientCredentialsWithUserLikeSubjectThenUnauthorized() {
		initialize(tokens.with("auth0|ada", "agent-1", (c) -> c.claim("gty", "client-credentials"))).expectStatus()
			.isUnauthorized();
	}

	@Test
	void mcpWhenWrongAudienceThenUnauthorized() {
		initialize(tokens.with("auth0|ada", "agent-1", (c) -> c.audience("https://another.api"))).expectStatus()
			.isUnauthorized();
	}

	@Test
	void mcpWhenExpiredThenUnauthorized() {
		initialize(
				tokens
					.with("auth0|ada", "agent-1",
							(c) -> c.expirationTime(Date.from(Instant.now().minusSeconds(300)))
								.issueTime(Date.from(Instant.now().minusSeconds(900)))))
			.expectStatus()
			.isUnauthorized();
	}

	@Test
	void mcpWhenNotYetValidThenUnauthorized() {
		initialize(
				tokens.with("auth0|ada", "agent-1", (c) -> c.notBeforeTime(Date.from(Instant.now().plusSeconds(600)))))
			.expectStatus()
			.isUnauthorized();
	}

	@Test
	void mcpWhenNoExpiryThenUnauthorized() {
		initialize(tokens.with("auth0|ada", "agent-1", (c) -> c.expirationTime(null))).expectStatus().isUnauthorized();
	}

	@Test
	void mcpWhenAlgNoneThenUnauthorized() {
		initialize(tokens.unsigned(tokens.claims("auth0|ada", "agent-1").build())).expectStatus().isUnauthorized();
	}

	@Test
	void mcpWhenHmacKeyedWithPublicKeyThenUnauthorized() {
		initialize(tokens.hmacWithPublicKey(tokens.claims("auth0|ada", "agent-1").build())).expectStatus()
			.isUnauthorized();
	}

	@Test
	void mcpWhenUnknownKidThenUnauthorized() {
		initialize(tokens.signWithUnknownKey(tokens.claims("auth0|ada", "agent-1").build())).expectStatus()
			.isUnauthorized();
	}

	@Test
	void mcpWhenWrongIssuerThenUnauthorized() {
		initialize(tokens.with("auth0|ada", "agent-1", (c) -> c.issuer("https://evil.example/"))).expectStatus()
			.isUnauthorized();
	}

	@Test
	void mcpWhenNoClientThenUnauthorized() {
		initialize(tokens.with("auth0|ada", "agent-1", (c) -> c.claim("azp", null))).expectStatus().isUnauthorized();
	}

	@Test
	void mcpWhenConsoleTokenThenForbidden() {
		String console = tokens.with("auth0|ada", "console-app", (c) -> c.claim("scope", "openid countersign:manage"));
		initialize(console).expectStatus()
			.isForbidden()
			.expectBody()
			.jsonPath("$.detail")
			.value((String detail) -> assertThat(detail).contains("console token"));
	}

	@Test
	void mcpWhenApprovalTokenThenForbidden() {
		initialize(tokens.agent("auth0|ada", "countersign-ciba")).expectStatus().isForbidden();
	}

	@Test
	void apiWhenAgentTokenEvenWithManageScopeThenForbidden() {
		String agent = tokens.with("auth0|ada", "agent-1", (c) -> c.claim("scope", "openid countersign:manage"));
		this.http.get()
			.uri("/api/v1/routing")
			.headers((h) -> h.setBearerAuth(agent))
			.exchange()
			.expectStatus()
			.isForbidden();
	}

	@Test
	void apiWhenNoTokenThenUnauthorized() {
		this.http.get().uri("/api/v1/routing").exchange().expectStatus().isUnauthorized();
	}

	@Test
	void mcpWhenBadOriginThenForbidden() {
		this.http.post()
			.uri("/mcp")
			.headers((h) -> mcpHeaders(h, tokens.agent("auth0|ada", "agent-1")))
			.header(HttpHeaders.ORIGIN, "https://evil.example")
			.bodyValue(INITIALIZE)
			.exchange()
			.expectStatus()
			.isForbidden();
	}

	@Test
	void mcpWhenLoopbackOriginThenAllowed() {
		this.http.post()
			.uri("/mcp")
			.headers((h) -> mcpHeaders(h, tokens.agent("auth0|ada", "agent-1")))
			.header(HttpHeaders.ORIGIN, "http://localhost:6274")
			.bodyValue(INITIALIZE)
			.exchange()
			.expectStatus()
			.isOk();
	}

	@Test
	void mcpWhenBadHostThenMisdirected() {
		this.http.post()
			.uri("/mcp")
			.headers((h) -> mcpHeaders(h, tokens.agent("auth0|ada", "agent-1")))
			.header(HttpHeaders.HOST, "attacker.example:" + this.port)
			.bodyValue(INITIALIZE)
			.exchange()
			.expectStatus()
			.isEqualTo(421);
	}

	@Test
	void sessionWhenUsedByAnotherUserThenNotFound() {
		String ada = tokens.agent("auth0|ada", "agent-1");
		String session = openSession(ada);
		postOnSession(tokens.agent("auth0|mallory", "agent-1"), session).expectStatus().isNotFound();
		postOnSession(ada, session).expectStatus().isOk();
	}

	@Test
	void sessionWhenUsedBySameUserThroughAnotherAgentThenNotFound() {
		String session = openSession(tokens.agent("auth0|ada", "agent-1"));
		postOnSession(tokens.agent("auth0|ada", "agent-2"), session).expectStatus().isNotFound();
	}

	@Test
	void sessionWhenUnknownThenNotFound() {
		postOnSession(tokens.agent("auth0|ada", "agent-1"), "no-such-session").expectStatus().isNotFound();
	}

	@Test
	void sessionWhenDeletedThenUnbound() {
		String ada = tokens.agent("auth0|ada", "agent-1");
		String session = openSession(ada);
		int bound = this.sessions.size();
		this.http.delete()
			.uri("/mcp")
			.headers((h) -> mcpHeaders(h, ada))
			.header("Mcp-Session-Id", session)
			.exchange()
			.expectStatus()
			.is2xxSuccessful();
		assertThat(this.sessions.size()).isEqualTo(bound - 1);
		postOnSession(ada, session).expectStatus().isNotFound();
	}

	@Test
	void mcpWhenBodyOverLimitThenContentTooLarge() {
		String huge = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":{\"pad\":\"" + "x".repeat(1_100_000)
				+ "\"}}";
		this.http.post()
			.uri("/mcp")
			.headers((h) -> mcpHeaders(h, tokens.agent("auth0|ada", "agent-1")))
			.bodyValue(huge)
			.exchange()
			.expectStatus()
			.isEqualTo(413);
	}

	@Test
	void mcpWhenMalformedJsonThenParseErrorWithoutInternals() {
		this.http.post()
			.uri("/mcp")
			.headers((h) -> mcpHeaders(h, tokens.agent("auth0|ada", "agent-1")))
			.bodyValue("{not json")
			.exchange()
			.expectStatus()
			.isBadRequest()
			.expectBody()
			.jsonPath("$.jsonrpc")
			.isEqualTo("2.0")
			.jsonPath("$.error.code")
			.isEqualTo(-32700)
			.jsonPath("$.stackTrace")
			.doesNotExist();
	}

	@Test
	void mcpWhenUnknownMethodThenMethodNotFoundAtOnce() {
		String ada = tokens.agent("auth0|ada", "agent-1");
		String session = openSession(ada);
		this.http.mutate()
			.responseTimeout(java.time.Duration.ofSeconds(5))
			.build()
			.post()
			.uri("/mcp")
			.headers((h) -> mcpHeaders(h, ada))
			.header("Mcp-Session-Id", session)
			.bodyValue("{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"resources/list\"}")
			.exchange()
			.expectStatus()
			.isBadRequest()
			.expectBody()
			.jsonPath("$.id")
			.isEqualTo(9)
			.jsonPath("$.error.code")
			.isEqualTo(-32601);
	}

	@Test
	void mcpWhenToolArgumentsNotAnObjectThenInvalidParams() {
		String ada = tokens.agent("auth0|ada", "agent-1");
		String session = openSession(ada);
		this.http.post()
			.uri("/mcp")
			.headers((h) -> mcpHeaders(h, ada))
			.header("Mcp-Session-Id", session)
			.bodyValue(
					"{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"tools/call\",\"params\":{\"name\":\"deal_get\",\"arguments\":\"x\"}}")
			.exchange()
			.expectStatus()
			.isBadRequest()
			.expectBody()
			.jsonPath("$.error.code")
			.isEqualTo(-32602)
			.jsonPath("$.error.message")
			.value((String message) -> assertThat(message).contains("arguments"));
	}

	@Test
	void tenantThatNeverAnswersForItsKeysThenCallRefusedWithinTheKeyFetchTimeout() {
		// an unknown key id makes the decoder fetch the keys again; the tenant holds the
		// answer far longer than Countersign waits
		tenant.stubFor(get("/.well-known/jwks.json").willReturn(aResponse().withFixedDelay(60_000)
			.withHeader("Content-Type", "application/json")
			.withBody(tokens.jwks())));
		WebTestClient patient = this.http.mutate().responseTimeout(Duration.ofSeconds(30)).build();
		long started = System.nanoTime();
		int status = patient.post()
			.uri("/mcp")
			.header("Authorization",
					"Bearer " + tokens.signWithUnknownKey(tokens.claims("auth0|ada", "agent-1").build()))
			.header("Content-Type", "application/json")
			.header("Accept", "application/json, text/event-stream")
			.bodyValue("{}")
			.exchange()
			.returnResult(byte[].class)
			.getStatus()
			.value();
		Duration took = Duration.ofNanos(System.nanoTime() - started);
		assertThat(status).isIn(401, 500, 503);
		assertThat(took).isLessThan(SecurityConfiguration.JWKS_TIMEOUT.plusSeconds(5));
	}

	private WebTestClient.ResponseSpec initialize(String token) {
		return this.http.post().uri("/mcp").headers((h) -> mcpHeaders(h, token)).bodyValue(INITIALIZE).exchange();
	}

	private String openSession(String token) {
		String session = initialize(token).expectStatus()
			.isOk()
			.returnResult(String.class)
			.getResponseHeaders()
			.getFirst("Mcp-Session-Id");
		assertThat(session).isNotBlank();
		this.http.post()
			.uri("/mcp")
			.headers((h) -> mcpHeaders(h, token))
			.header("Mcp-Session-Id", session)
			.bodyValue("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}")
			.exchange()
			.expectStatus()
			.is2xxSuccessful();
		return session;
	}

	private WebTestClient.ResponseSpec postOnSession(String token, String session) {
		return this.http.post()
			.uri("/mcp")
			.headers((h) -> mcpHeaders(h, token))
			.header("Mcp-Session-Id", session)
			.bodyValue(LIST_TOOLS)
			.exchange();
	}

	private static void mcpHeaders(HttpHeaders headers, String token) {
		headers.setBearerAuth(token);
		headers.setContentType(MediaType.APPLICATION_JSON);
		headers.set(HttpHeaders.ACCEPT, "application/json, text/event-stream");
	}

}
