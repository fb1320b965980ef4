package dev.countersign.server.observability;

import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.netty.http.client.HttpClient;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.countersign.server.CountersignApplication;
import dev.countersign.server.auth.TestTokens;
import dev.countersign.server.provider.VaultConfiguration;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The operational surface over real HTTP: health, its probe groups and the Prometheus
 * scrape answer without a token; no other actuator endpoint answers 200, not even to a
 * console token; every {@code countersign_} series is listed before any call; readiness
 * follows the {@code auth0} circuit breaker; every answer carries a correlation id.
 */
@SpringBootTest(classes = CountersignApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ExtendWith(ThreadDumpOnTimeout.class)
class ObservabilityIT {

	private static final WireMockServer tenant = new WireMockServer(options().dynamicPort());

	static {
		tenant.start();
	}

	private static final TestTokens tokens = new TestTokens(tenant.baseUrl() + "/");

	@LocalServerPort
	int port;

	@Autowired
	@Qualifier("providerCircuitBreakers")
	CircuitBreakerRegistry breakers;

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
		// These tests assert answers, not latency: a first call on a busy CI machine,
		// right after the context starts, has been seen to take over the default 5 s.
		// A connection of its own for each call: a connection kept alive in the shared
		// pool by an earlier test class, to a server since stopped, is never picked up.
		this.http = WebTestClient.bindToServer(new ReactorClientHttpConnector(HttpClient.newConnection()))
			.baseUrl("http://127.0.0.1:" + this.port)
			.responseTimeout(Duration.ofSeconds(30))
			.build();
	}

	@AfterAll
	static void stopTenant() {
		tenant.stop();
	}

	@Test
	void healthAndProbeGroupsAnswerUpWithoutToken() {
		for (String path : List.of("/actuator/health", "/actuator/health/liveness", "/actuator/health/readiness")) {
			this.http.get()
				.uri(path)
				.exchange()
				.expectStatus()
				.isOk()
				.expectBody()
				.jsonPath("$.status")
				.isEqualTo("UP")
				// no details and no components for an anonymous caller
				.jsonPath("$.components")
				.doesNotExist()
				.jsonPath("$.details")
				.doesNotExist();
		}
	}

	@Test
	void otherActuatorEndpointsAreNeverOpenEvenToAConsoleToken() {
		String console = tokens.with("auth0|ops-admin", "console-app",
				(claims) -> claims.claim("scope", "openid countersign:manage"));
		for (String path : List.of("/actuator", "/actuator/env", "/actuator/heapdump", "/actuator/configprops",
				"/actuator/beans", "/actuator/metrics", "/actuator/loggers", "/actuator/threaddump",
				"/actuator/health/upstreams")) {
			int anonymous = this.http.get().uri(path).exchange().returnResult(byte[].class).getStatus().value();
			int withToken = this.http.get()
				.uri(path)
				.header("Authorization", "Bearer " + console)
				.exchange()
				.returnResult(byte[].class)
				.getStatus()
				.value();
			assertThat(anonymous).as(path).isIn(401, 403, 404);
			assertThat(withToken).as(path + " with a console token").isIn(401, 403, 404);
		}
		// writes to the open paths are refused too
		assertThat(this.http.post().uri("/actuator/health").exchange().returnResult(byte[].class).getStatus().value())
			.isIn(401, 403, 404, 405);
	}

	@Test
	void prometheusListsTheCountersignSeriesBeforeAnyCall() {
		String scrape = scrape();
		assertThat(scrape).contains(
				"countersign_tool_calls_total{decision=\"unknown\",outcome=\"success\",tool=\"calendar_list_events\"} 0.0",
				"countersign_tool_calls_total{decision=\"unknown\",outcome=\"pending_approval\",tool=\"email_send\"} 0.0",
				"countersign_tool_calls_total{decision=\"unknown\",outcome=\"error\",tool=\"github_merge_pull_request\"} 0.0",
				"countersign_approval_latency_seconds_count{outcome=\"approved\"} 0",
				"countersign_approval_batch_size_actions_count 0",
				"countersign_vault_exchanges_total{connection=\"github\",outcome=\"success\"} 0.0",
				"countersign_vault_exchanges_total{connection=\"google-oauth2\",outcome=\"not_linked\"} 0.0",
				"countersign_ciba_requests_total{outcome=\"started\"} 0.0",
				"countersign_ciba_polls_total{outcome=\"pending\"} 0.0", "countersign_actions_frozen_total 0.0",
				"countersign_actions_ended_total{status=\"executed\"} 0.0", "countersign_actions_pending ");
		// a read tool can never be pending approval
		assertThat(scrape).doesNotContain("outcome=\"pending_approval\",tool=\"calendar_list_events\"");
	}

	@Test
	void requestsAreTimedWithoutLongTaskTimers() {
		this.http.get().uri("/actuator/health").exchange().expectStatus().isOk();
		String scrape = scrape();
		assertThat(scrape).contains("http_server_requests_seconds_count{");
		// no gauge of requests in flight: it costs two concurrent map updates per request
		assertThat(scrape).doesNotContain("_active_seconds");
	}

	@Test
	void readinessIsOutOfServiceWhileTheAuth0BreakerIsOpenAndLivenessStaysUp() {
		CircuitBreaker auth0 = this.breakers.circuitBreaker(VaultConfiguration.AUTH0);
		auth0.transitionToForcedOpenState();
		try {
			this.http.get()
				.uri("/actuator/health/readiness")
				.exchange()
				.expectStatus()
				.isEqualTo(503)
				.expectBody()
				.jsonPath("$.status")
				.isEqualTo("OUT_OF_SERVICE");
			this.http.get().uri("/actuator/health/liveness").exchange().expectStatus().isOk();
		}
		finally {
			auth0.transitionToClosedState();
		}
		this.http.get().uri("/actuator/health/readiness").exchange().expectStatus().isOk();
	}

	@Test
	void saneRequestIdIsEchoedAndAnyOtherIsReplaced() {
		this.http.get()
			.uri("/actuator/health")
			.header(CorrelationIdFilter.HEADER, "trace-42.a_b")
			.exchange()
			.expectHeader()
			.valueEquals(CorrelationIdFilter.HEADER, "trace-42.a_b");
		EntityExchangeResult<byte[]> replaced = this.http.get()
			.uri("/actuator/health")
			.header(CorrelationIdFilter.HEADER, "x".repeat(65))
			.exchange()
			.expectBody()
			.returnResult();
		assertThat(replaced.getResponseHeaders().getFirst(CorrelationIdFilter.HEADER)).matches(UUID);
		// a refused request gets one too
		EntityExchangeResult<byte[]> refused = this.http.post()
			.uri("/mcp")
			.exchange()
			.expectStatus()
			.isUnauthorized()
			.expectBody()
			.returnResult();
		assertThat(refused.getResponseHeaders().getFirst(CorrelationIdFilter.HEADER)).matches(UUID);
	}

	private static final Pattern UUID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

	private String scrape() {
		byte[] body = this.http.get()
			.uri("/actuator/prometheus")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.returnResult()
			.getResponseBody();
		return new String(body, java.nio.charset.StandardCharsets.UTF_8);
	}

}
