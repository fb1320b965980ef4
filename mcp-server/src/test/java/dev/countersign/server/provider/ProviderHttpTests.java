package dev.countersign.server.provider;

import java.net.ServerSocket;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import tools.jackson.databind.JsonNode;

import dev.countersign.server.tool.ToolFailure;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shared read path: token first, bearer header, retry only where a retry can help,
 * the breaker, and one sentence per failure.
 */
class ProviderHttpTests {

	private static final WireMockServer provider = new WireMockServer(options().dynamicPort());

	private static final String GOOGLE_503 = """
			{"error":{"code":503,"message":"The service is currently unavailable.","status":"UNAVAILABLE"}}""";

	private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-23T10:00:00Z"), ZoneOffset.UTC);

	private final FakeProviderTokens tokens = new FakeProviderTokens();

	private CircuitBreakerRegistry breakers;

	@BeforeAll
	static void start() {
		provider.start();
	}

	@AfterAll
	static void stop() {
		provider.stop();
	}

	@BeforeEach
	void reset() {
		provider.resetAll();
		this.breakers = CircuitBreakerRegistry.of(ProviderHttp.circuitBreakerConfig());
	}

	@Test
	void readWhenProviderAnswersThenSendsTheReadTokenAsBearer() {
		provider.stubFor(get("/things/1").willReturn(okJson("{\"id\":\"1\"}")));
		StepVerifier.create(read(http(URI.create(provider.baseUrl())), "thing 1", "/things/1"))
			.assertNext((json) -> assertThat(json.path("id").stringValue()).isEqualTo("1"))
			.verifyComplete();
		provider.verify(getRequestedFor(urlPathEqualTo("/things/1")).withHeader("Authorization",
				equalTo("Bearer " + FakeProviderTokens.TOKEN)));
		assertThat(this.tokens.reads()).containsExactly(ToolCalls.USER + " google-oauth2");
	}

	@Test
	void readWhenProviderAnswers503ThenRetriesThreeTimesAndSaysUnavailable() {
		provider.stubFor(get("/things/1").willReturn(
				aResponse().withStatus(503).withHeader("Content-Type", "application/json").withBody(GOOGLE_503)));
		StepVerifier.create(read(http(URI.create(provider.baseUrl())), "thing 1", "/things/1"))
			.verifyErrorSatisfies((ex) -> assertThat(ex).isInstanceOf(ToolFailure.class)
				.hasMessage("Google Calendar is unavailable right now; try again shortly."));
		provider.verify(3, getRequestedFor(urlPathEqualTo("/things/1")));
	}

	@Test
	void readWhenProviderAnswers503ThenOkThenAnswersAfterTheRetry() {
		provider.stubFor(get("/things/1").inScenario("flaky")
			.whenScenarioStateIs(Scenario.STARTED)
			.willReturn(aResponse().withStatus(503))
			.willSetStateTo("recovered"));
		provider.stubFor(get("/things/1").inScenario("flaky")
			.whenScenarioStateIs("recovered")
			.willReturn(okJson("{\"id\":\"1\"}")));
		StepVerifier.create(read(http(URI.create(provider.baseUrl())), "thing 1", "/things/1"))
			.assertNext((json) -> assertThat(json.path("id").stringValue()).isEqualTo("1"))
			.verifyComplete();
		provider.verify(2, getRequestedFor(urlPathEqualTo("/things/1")));
	}

	@Test
	void readWhenProviderAnswers404ThenNeverRetriesAndNamesWhatWasMissing() {
		provider.stubFor(get("/things/1").willReturn(aResponse().withStatus(404)
			.withHeader("Content-Type", "application/json")
			.withBody("{\"error\":{\"code\":404,\"message\":\"Not Found\",\"status\":\"NOT_FOUND\"}}")));
		StepVerifier.create(read(http(URI.create(provider.baseUrl())), "thing 1", "/things/1"))
			.verifyErrorSatisfies((ex) -> assertThat(ex).isInstanceOf(ToolFailure.class)
				.hasMessage("Google Calendar found no thing 1, or the connected account cannot see it."));
		provider.verify(1, getRequestedFor(urlPathEqualTo("/things/1")));
	}

	@Test
	void findWhenProviderAnswers404ThenEmpty() {
		provider.stubFor(get("/things/1").willReturn(aResponse().withStatus(404)));
		StepVerifier.create(http(URI.create(provider.baseUrl())).find(ToolCalls.CALLER, "thing 1",
				(client) -> client.get().uri("/things/1")))
			.verifyComplete();
	}

	@Test
	void readWhenProviderAnswers429WithShortRetryAfterThenWaitsAndRetries() {
		provider.stubFor(get("/things/1").inScenario("limited")
			.whenScenarioStateIs(Scenario.STARTED)
			.willReturn(aResponse().withStatus(429).withHeader("Retry-After", "1"))
			.willSetStateTo("open"));
		provider.stubFor(get("/things/1").inScenario("limited")
			.whenScenarioStateIs("open")
			.willReturn(okJson("{\"id\":\"1\"}")));
		long started = System.nanoTime();
		StepVerifier.create(read(http(URI.create(provider.baseUrl())), "thing 1", "/things/1"))
			.expectNextCount(1)
			.verifyComplete();
		assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(900));
		provider.verify(2, getRequestedFor(urlPathEqualTo("/things/1")));
	}

	@Test
	void readWhenProviderAnswers429WithLongRetryAfterThenSaysWhenWithoutRetrying() {
		provider.stubFor(get("/things/1").willReturn(aResponse().withStatus(429)
			.withHeader("Retry-After", "30")
			.withHeader("Content-Type", "application/json")
			.withBody(
					"{\"error\":{\"code\":429,\"message\":\"Rate Limit Exceeded\",\"status\":\"RESOURCE_EXHAUSTED\"}}")));
		StepVerifier.create(read(http(URI.create(provider.baseUrl())), "thing 1", "/things/1"))
			.verifyErrorSatisfies((ex) -> assertThat(ex)
				.hasMessage("Google Calendar is rate limiting these requests; retry after 30 seconds."));
		provider.verify(1, getRequestedFor(urlPathEqualTo("/things/1")));
	}

	@Test
	void readWhenRetryAfterIsAnHttpDateThenSaysHowLongFromTheClock() {
		provider.stubFor(get("/things/1").willReturn(aResponse().withStatus(429)
			.withHeader("Retry-After", DateTimeFormatter.RFC_1123_DATE_TIME
				.format(CLOCK.instant().plusSeconds(90).atZone(ZoneOffset.UTC)))));
		StepVerifier.create(read(http(URI.create(provider.baseUrl())), "thing 1", "/things/1"))
			.verifyErrorSatisfies((ex) -> assertThat(ex)
				.hasMessage("Google Calendar is rate limiting these requests; retry after 90 seconds."));
		provider.verify(1, getRequestedFor(urlPathEqualTo("/things/1")));
	}

	@Test
	void readWhenProviderIsSlowerThanTheTimeoutThenRetriesAndSaysUnavailable() {
		provider.stubFor(get("/things/1").willReturn(okJson("{\"id\":\"1\"}").withFixedDelay(1500)));
		StepVerifier.create(read(http(URI.create(provider.baseUrl())), "thing 1", "/things/1"))
			.verifyErrorSatisfies((ex) -> assertThat(ex).isInstanceOf(ToolFailure.class)
				.hasMessage("Google Calendar is unavailable right now; try again shortly."));
		provider.verify(3, getRequestedFor(urlPathEqualTo("/things/1")));
	}

	@Test
	void readWhenNothingListensThenSaysUnavailable() throws Exception {
		int port;
		try (ServerSocket socket = new ServerSocket(0)) {
			port = socket.getLocalPort();
		}
		StepVerifier.create(read(http(URI.create("http://127.0.0.1:" + port)), "thing 1", "/things/1"))
			.verifyErrorSatisfies((ex) -> assertThat(ex).isInstanceOf(ToolFailure.class)
				.hasMessage("Google Calendar is unavailable right now; try again shortly."));
	}

	@Test
	void readWhenFailuresRepeatThenBreakerOpensAndFailsFastWithoutCallingTheProvider() {
		this.breakers = CircuitBreakerRegistry.of(ProviderHttp.circuitBreakerConfig(4, 4, Duration.ofMinutes(1)));
		ProviderHttp http = http(URI.create(provider.baseUrl()));
		provider.stubFor(get("/things/1").willReturn(aResponse().withStatus(503)));
		for (int i = 0; i < 2; i++) {
			StepVerifier.create(read(http, "thing 1", "/things/1")).expectError(ToolFailure.class).verify();
		}
		CircuitBreaker breaker = this.breakers.circuitBreaker(ProviderHttp.GOOGLE);
		assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.OPEN);
		provider.resetRequests();
		StepVerifier.create(read(http, "thing 1", "/things/1"))
			.verifyErrorSatisfies((ex) -> assertThat(ex).isInstanceOf(ToolFailure.class)
				.hasMessage("Google Calendar is unavailable right now; try again shortly."));
		provider.verify(0, getRequestedFor(urlPathEqualTo("/things/1")));
	}

	@Test
	void readWhenProviderAnswers404RepeatedlyThenBreakerStaysClosed() {
		this.breakers = CircuitBreakerRegistry.of(ProviderHttp.circuitBreakerConfig(4, 4, Duration.ofMinutes(1)));
		ProviderHttp http = http(URI.create(provider.baseUrl()));
		provider.stubFor(get("/things/1").willReturn(aResponse().withStatus(404)));
		for (int i = 0; i < 5; i++) {
			StepVerifier.create(read(http, "thing 1", "/things/1")).expectError(ToolFailure.class).verify();
		}
		assertThat(this.breakers.circuitBreaker(ProviderHttp.GOOGLE).getState()).isEqualTo(CircuitBreaker.State.CLOSED);
	}

	@Test
	void readWhenTokenRequestFailsThenItsFailurePassesThroughAndNothingIsCalled() {
		ToolFailure notConnected = new ToolFailure(
				"Your google-oauth2 account is not connected to Countersign; connect it, then try again.");
		this.tokens.failWith(notConnected);
		StepVerifier.create(read(http(URI.create(provider.baseUrl())), "thing 1", "/things/1"))
			.verifyErrorSatisfies((ex) -> assertThat(ex).isSameAs(notConnected));
		assertThat(provider.getAllServeEvents()).isEmpty();
	}

	@Test
	void readWhenProviderAnswers401ThenInvalidatesTheTokenAndAsksToReauthorize() {
		provider.stubFor(get("/things/1").willReturn(aResponse().withStatus(401)
			.withHeader("Content-Type", "application/json")
			.withBody(
					"""
							{"error":{"code":401,"message":"Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.","status":"UNAUTHENTICATED"}}""")));
		StepVerifier.create(read(http(URI.create(provider.baseUrl())), "thing 1", "/things/1"))
			.verifyErrorSatisfies((ex) -> assertThat(ex).isInstanceOf(ToolFailure.class)
				.hasMessageContaining("must re-authorize the google-oauth2 connection"));
		assertThat(this.tokens.invalidations()).containsExactly(ToolCalls.USER + " google-oauth2");
		provider.verify(1, getRequestedFor(urlPathEqualTo("/things/1")));
	}

	@Test
	void readWhenProviderEchoesTheTokenThenTheMessageLeavesItOut() {
		provider.stubFor(get("/things/1").willReturn(aResponse().withStatus(400)
			.withHeader("Content-Type", "application/json")
			.withBody("{\"error\":{\"code\":400,\"message\":\"Bad token " + FakeProviderTokens.TOKEN
					+ "\",\"status\":\"INVALID_ARGUMENT\"}}")));
		StepVerifier.create(read(http(URI.create(provider.baseUrl())), "thing 1", "/things/1"))
			.verifyErrorSatisfies(
					(ex) -> assertThat(ex).hasMessage("Google Calendar refused the request for thing 1 (HTTP 400).")
						.hasMessageNotContaining(FakeProviderTokens.TOKEN));
	}

	@Test
	void readWhenGitHubQuotaIsExhaustedThenSaysWhenItResets() {
		provider.stubFor(get("/things/1").willReturn(aResponse().withStatus(403)
			.withHeader("Content-Type", "application/json")
			.withHeader("x-ratelimit-remaining", "0")
			.withHeader("x-ratelimit-reset", String.valueOf(CLOCK.instant().plusSeconds(120).getEpochSecond()))
			.withBody(
					"{\"message\":\"API rate limit exceeded for user ID 1.\",\"documentation_url\":\"https://docs.github.com/rest/overview/rate-limits-for-the-rest-api\"}")));
		StepVerifier.create(read(http(URI.create(provider.baseUrl())), "thing 1", "/things/1"))
			.verifyErrorSatisfies((ex) -> assertThat(ex)
				.hasMessage("Google Calendar is rate limiting these requests; retry after 120 seconds."));
		provider.verify(1, getRequestedFor(urlPathEqualTo("/things/1")));
	}

	private ProviderHttp http(URI baseUrl) {
		return ProviderHttp
			.builder("Google Calendar", "google-oauth2", baseUrl, this.tokens,
					this.breakers.circuitBreaker(ProviderHttp.GOOGLE))
			.timeout(Duration.ofMillis(400))
			.readRetry(3, Duration.ofMillis(10))
			.clock(CLOCK)
			.build();
	}

	private static Mono<JsonNode> read(ProviderHttp http, String subject, String path) {
		return http.read(ToolCalls.CALLER, subject, (client) -> client.get().uri(path));
	}

}
