package dev.countersign.ciba;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static dev.countersign.ciba.WireMockSupport.CLIENT_ID;
import static dev.countersign.ciba.WireMockSupport.CLIENT_SECRET;
import static dev.countersign.ciba.WireMockSupport.assertForms;
import static dev.countersign.ciba.WireMockSupport.json;
import static dev.countersign.ciba.WireMockSupport.postForm;
import static dev.countersign.ciba.WireMockSupport.requests;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class CibaClientPollTests {

	private static final String PATH = "/auth0/oauth/token";

	private static final Duration FIVE = Duration.ofSeconds(5);

	// Auth0's own bodies (Authentication API, "Back-Channel Login flow - Status Check").
	static final String PENDING = json(
			"{'error':'authorization_pending','error_description':'The end-user authorization is pending'}");

	static final String SLOW_DOWN = json(
			"{'error':'slow_down','error_description':'You are polling faster than allowed. Try again in 10 seconds.'}");

	static final String DENIED = json(
			"{'error':'access_denied','error_description':'The end-user denied the authorization request or it has been expired'}");

	static final String EXPIRED = json("{'error':'expired_token','error_description':'The auth_req_id has expired'}");

	static final String INVALID_GRANT = json(
			"{'error':'invalid_grant','error_description':'Invalid or expired auth_req_id'}");

	// Spacing kept on purpose: the echoed details must come back byte for byte.
	private static final String DETAILS = "[ {\"type\": \"urn:auth0:schemas:authorization-details:v1:countersign-batch\", "
			+ "\"batch_digest\": \"9f2c\", \"note\": \"a [tricky] \\\"value\\\" }\"} ]";

	private static final String APPROVED_WITHOUT_TOKEN_TYPE = "{\"access_token\":\"eyJ.at.sig\",\"expires_in\":86400,"
			+ "\"id_token\":\"eyJ.id.sig\",\"scope\":\"openid\",\"authorization_details\": " + DETAILS + "}";

	private static final WireMockServer server = new WireMockServer(wireMockConfig().dynamicPort());

	private final MutableClock clock = new MutableClock(Instant.parse("2026-03-02T09:00:00Z"));

	private final RecordingSleeper sleeper = new RecordingSleeper(this.clock);

	@BeforeAll
	static void startServer() {
		server.start();
	}

	@AfterAll
	static void stopServer() {
		server.stop();
	}

	@BeforeEach
	void reset() {
		server.resetAll();
	}

	@Test
	void pollOnceWhenAuthorizationPendingThenPendingWithCurrentInterval() {
		stub(error(400, PENDING));

		PollResult result = client().pollOnce("ar-1", Duration.ofSeconds(7));

		assertThat(result).isEqualTo(new PollResult.Pending(Duration.ofSeconds(7)));
		assertForms(server, PATH, form("ar-1"));
	}

	@Test
	void pollOnceWhenNoIntervalGivenThenUsesDefault() {
		stub(error(400, PENDING));

		assertThat(client().pollOnce("ar-1")).isEqualTo(new PollResult.Pending(FIVE));
	}

	@Test
	void pollOnceWhenSlowDownWithoutIntervalThenAddsFiveSeconds() {
		stub(error(400, SLOW_DOWN));

		assertThat(client().pollOnce("ar-1", FIVE)).isEqualTo(new PollResult.SlowDown(Duration.ofSeconds(10)));
	}

	@Test
	void pollOnceWhenSlowDownWithLargerIntervalInBodyThenHonoursIt() {
		stub(error(400, json("{'error':'slow_down','error_description':'Slow down','interval':30}")));

		assertThat(client().pollOnce("ar-1", FIVE)).isEqualTo(new PollResult.SlowDown(Duration.ofSeconds(30)));
	}

	@Test
	void pollOnceWhenSlowDownWithSmallerIntervalInBodyThenStillAddsFiveSeconds() {
		stub(error(400, json("{'error':'slow_down','interval':6}")));

		assertThat(client().pollOnce("ar-1", Duration.ofSeconds(10)))
			.isEqualTo(new PollResult.SlowDown(Duration.ofSeconds(15)));
	}

	@Test
	void pollOnceWhenSlowDownWithRetryAfterThenHonoursIt() {
		stub(error(429, SLOW_DOWN).withHeader("Retry-After", "12"));

		assertThat(client().pollOnce("ar-1", FIVE)).isEqualTo(new PollResult.SlowDown(Duration.ofSeconds(12)));
	}

	@Test
	void pollOnceWhenTooManyRequestsWithoutOAuthErrorThenSlowDown() {
		stub(aResponse().withStatus(429).withBody("Too Many Requests"));

		assertThat(client().pollOnce("ar-1", FIVE)).isEqualTo(new PollResult.SlowDown(Duration.ofSeconds(10)));
	}

	@Test
	void pollOnceWhenAccessDeniedThenDeniedWithAuth0Description() {
		stub(error(400, DENIED));

		assertThat(client().pollOnce("ar-1", FIVE))
			.isEqualTo(new CibaOutcome.Denied("The end-user denied the authorization request or it has been expired"));
	}

	@Test
	void pollOnceWhenExpiredTokenThenExpired() {
		stub(error(400, EXPIRED));

		assertThat(client().pollOnce("ar-1", FIVE)).isEqualTo(new CibaOutcome.Expired("The auth_req_id has expired"));
	}

	@Test
	void pollOnceWhenInvalidGrantThenFailedWithCodeAndStatus() {
		stub(error(400, INVALID_GRANT));

		assertThat(client().pollOnce("ar-1", FIVE))
			.isEqualTo(new CibaOutcome.Failed("invalid_grant", "Invalid or expired auth_req_id", 400));
	}

	@Test
	void pollOnceWhenInvalidClientThenFailed() {
		stub(error(401, json("{'error':'invalid_client','error_description':'Client authentication failed'}")));

		assertThat(client().pollOnce("ar-1", FIVE)).isInstanceOfSatisfying(CibaOutcome.Failed.class, (failed) -> {
			assertThat(failed.error()).isEqualTo("invalid_client");
			assertThat(failed.httpStatus()).isEqualTo(401);
		});
	}

	@Test
	void pollOnceWhenApprovedThenCarriesTokensAndRawResponse() {
		String body = json("{'access_token':'eyJ.at.sig','token_type':'Bearer','expires_in':86400,"
				+ "'id_token':'eyJ.id.sig','scope':'openid'}");
		stub(okJson(body));

		PollResult result = client().pollOnce("ar-1", FIVE);

		assertThat(result).isEqualTo(new CibaOutcome.Approved("eyJ.at.sig", "Bearer", Duration.ofSeconds(86400),
				"eyJ.id.sig", "openid", null, body));
	}

	@Test
	void pollOnceWhenApprovedWithoutTokenTypeThenStillParsesAndKeepsAuthorizationDetails() {
		stub(okJson(APPROVED_WITHOUT_TOKEN_TYPE));

		PollResult result = client().pollOnce("ar-1", FIVE);

		assertThat(result).isInstanceOfSatisfying(CibaOutcome.Approved.class, (approved) -> {
			assertThat(approved.tokenType()).isNull();
			assertThat(approved.accessToken()).isEqualTo("eyJ.at.sig");
			assertThat(approved.idToken()).isEqualTo("eyJ.id.sig");
			assertThat(approved.expiresIn()).isEqualTo(Duration.ofDays(1));
			assertThat(approved.authorizationDetails()).isEqualTo(DETAILS);
			assertThat(approved.rawResponse()).isEqualTo(APPROVED_WITHOUT_TOKEN_TYPE);
		});
	}

	@Test
	void pollOnceWhenServerErrorThenUnavailableAndSentOnce() {
		stub(aResponse().withStatus(500).withBody(json("{'error':'server_error'}")));

		assertThatExceptionOfType(CibaUnavailableException.class).isThrownBy(() -> client().pollOnce("ar-1", FIVE))
			.satisfies((ex) -> assertThat(ex.httpStatus()).hasValue(500));
		assertThat(requests(server, PATH)).isEqualTo(1);
	}

	@Test
	void pollOnceWhenServiceUnavailableThenUnavailableCarryingRetryAfter() {
		stub(aResponse().withStatus(503).withHeader("Retry-After", "30"));

		assertThatExceptionOfType(CibaUnavailableException.class).isThrownBy(() -> client().pollOnce("ar-1", FIVE))
			.satisfies((ex) -> assertThat(ex.retryAfter()).hasValue(Duration.ofSeconds(30)));
		assertThat(requests(server, PATH)).isEqualTo(1);
	}

	@Test
	void pollOnceWhenServerErrorCodeIn4xxThenUnavailableNotTerminal() {
		stub(error(400, json("{'error':'temporarily_unavailable'}")));

		assertThatExceptionOfType(CibaUnavailableException.class).isThrownBy(() -> client().pollOnce("ar-1", FIVE))
			.withMessageContaining("temporarily_unavailable");
	}

	@Test
	void pollOnceWhenReadTimeoutThenUnavailableAndNotRetried() {
		stub(error(400, PENDING).withFixedDelay(1500));

		assertThatExceptionOfType(CibaUnavailableException.class).isThrownBy(() -> client().pollOnce("ar-1", FIVE));
		assertThat(requests(server, PATH)).isEqualTo(1);
	}

	@Test
	void pollOnceWhenConnectionResetThenUnavailableAndNotRetried() {
		stub(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER));

		assertThatExceptionOfType(CibaUnavailableException.class).isThrownBy(() -> client().pollOnce("ar-1", FIVE));
		assertThat(requests(server, PATH)).isEqualTo(1);
	}

	@Test
	void pollOnceWhenSuccessBodyIsGarbageThenUnavailable() {
		stub(aResponse().withStatus(200).withBody("<html>maintenance</html>"));

		assertThatExceptionOfType(CibaUnavailableException.class).isThrownBy(() -> client().pollOnce("ar-1", FIVE))
			.withMessageContaining("access_token");
	}

	@Test
	void pollOnceWhenClientErrorWithoutOAuthErrorThenUnavailable() {
		stub(aResponse().withStatus(404).withBody("<html>not found</html>"));

		assertThatExceptionOfType(CibaUnavailableException.class).isThrownBy(() -> client().pollOnce("ar-1", FIVE))
			.satisfies((ex) -> assertThat(ex.httpStatus()).hasValue(404));
	}

	@Test
	void pollUntilDoneWhenPendingThenSlowDownThenApprovedThenKeepsTheLongerInterval() {
		scenario(error(400, PENDING), error(400, SLOW_DOWN), error(400, PENDING), okJson(APPROVED_WITHOUT_TOKEN_TYPE));
		Instant began = this.clock.instant();

		CibaOutcome outcome = client().pollUntilDone("ar-1", FIVE, began.plusSeconds(300));

		assertThat(outcome).isInstanceOf(CibaOutcome.Approved.class);
		assertThat(this.sleeper.sleeps()).containsExactly(FIVE, FIVE, Duration.ofSeconds(10), Duration.ofSeconds(10));
		assertThat(requests(server, PATH)).isEqualTo(4);
		assertThat(this.clock.instant()).isEqualTo(began.plusSeconds(30));
	}

	@Test
	void pollUntilDoneWhenDeadlinePassesThenExpired() {
		stub(error(400, PENDING));
		Instant began = this.clock.instant();

		CibaOutcome outcome = client().pollUntilDone("ar-1", FIVE, began.plusSeconds(30));

		assertThat(outcome).isInstanceOf(CibaOutcome.Expired.class);
		assertThat(requests(server, PATH)).isEqualTo(6);
		assertThat(this.clock.instant()).isEqualTo(began.plusSeconds(30));
	}

	@Test
	void pollUntilDoneWhenDeniedThenDenied() {
		scenario(error(400, PENDING), error(400, DENIED));

		CibaOutcome outcome = client().pollUntilDone("ar-1", FIVE, this.clock.instant().plusSeconds(300));

		assertThat(outcome).isInstanceOf(CibaOutcome.Denied.class);
		assertThat(requests(server, PATH)).isEqualTo(2);
	}

	@Test
	void pollUntilDoneWhenServerFailsThenThrowsAndTheCallerResumesLater() {
		scenario(error(400, PENDING), aResponse().withStatus(502));

		assertThatExceptionOfType(CibaUnavailableException.class)
			.isThrownBy(() -> client().pollUntilDone("ar-1", FIVE, this.clock.instant().plusSeconds(300)));
		assertThat(requests(server, PATH)).isEqualTo(2);
	}

	@Test
	void pollUntilDoneWhenInterruptedThenUnavailableAndInterruptKept() {
		stub(error(400, PENDING));
		CibaClient client = CibaClient.create(options().sleeper((duration) -> {
			throw new InterruptedException();
		}).build());

		try {
			assertThatExceptionOfType(CibaUnavailableException.class)
				.isThrownBy(() -> client.pollUntilDone("ar-1", FIVE, this.clock.instant().plusSeconds(300)));
			assertThat(Thread.currentThread().isInterrupted()).isTrue();
		}
		finally {
			Thread.interrupted();
		}
		assertThat(requests(server, PATH)).isZero();
	}

	private void stub(ResponseDefinitionBuilder response) {
		server.stubFor(postForm(PATH, form("ar-1")).willReturn(response));
	}

	private void scenario(ResponseDefinitionBuilder... responses) {
		for (int i = 0; i < responses.length; i++) {
			server.stubFor(postForm(PATH, form("ar-1")).inScenario("poll")
				.whenScenarioStateIs((i == 0) ? Scenario.STARTED : "poll-" + i)
				.willReturn(responses[i])
				.willSetStateTo("poll-" + (i + 1)));
		}
	}

	private static ResponseDefinitionBuilder error(int status, String body) {
		return aResponse().withStatus(status).withHeader("Content-Type", "application/json").withBody(body);
	}

	private CibaClient client() {
		return CibaClient.create(options().build());
	}

	private CibaOptions.Builder options() {
		return CibaOptions.builder(CLIENT_ID, CLIENT_SECRET)
			.auth0(server.baseUrl() + "/auth0")
			.clock(this.clock)
			.sleeper(this.sleeper)
			.readTimeout(Duration.ofMillis(500));
	}

	private static Map<String, String> form(String authReqId) {
		Map<String, String> form = new LinkedHashMap<>();
		form.put("grant_type", "urn:openid:params:grant-type:ciba");
		form.put("auth_req_id", authReqId);
		form.put("client_id", CLIENT_ID);
		form.put("client_secret", CLIENT_SECRET);
		return form;
	}

}
