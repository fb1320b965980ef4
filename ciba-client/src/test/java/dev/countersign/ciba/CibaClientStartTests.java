package dev.countersign.ciba;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;

import com.github.tomakehurst.wiremock.WireMockServer;
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
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class CibaClientStartTests {

	private static final String PATH = "/auth0/bc-authorize";

	private static final String SUMMARY = "Countersign: 5 actions - 3 email, 2 calendar #7K2Q";

	private static final String DETAILS = json(
			"[{'type':'urn:auth0:schemas:authorization-details:v1:countersign-batch','batch_digest':'9f2c'}]");

	private static final String ACK = json("{'auth_req_id':'ar-1','expires_in':300,'interval':5}");

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
	void startWhenAuth0ThenSendsExactFormAndReadsAcknowledgement() {
		server.stubFor(postForm(PATH, fullForm()).willReturn(okJson(ACK)));

		BackchannelAuthenticationResponse response = client().start(fullRequest());

		assertThat(response)
			.isEqualTo(new BackchannelAuthenticationResponse("ar-1", Duration.ofSeconds(300), Duration.ofSeconds(5)));
		assertForms(server, PATH, fullForm());
	}

	@Test
	void startWhenAuth0ThenLoginHintIsIssSubJsonString() {
		server.stubFor(postForm(PATH, fullForm()).willReturn(okJson(ACK)));

		client().start(fullRequest());

		String loginHint = WireMockSupport.form(server.getAllServeEvents().get(0).getRequest().getBodyAsString())
			.get("login_hint");
		assertThat(loginHint)
			.isEqualTo("{\"format\":\"iss_sub\",\"iss\":\"" + server.baseUrl() + "/auth0/\",\"sub\":\"auth0|ada\"}");
	}

	@Test
	void startWhenOnlyRequiredValuesThenSendsNoOptionalParameterAndDefaultsInterval() {
		Map<String, String> form = new LinkedHashMap<>(fullForm());
		form.remove("audience");
		form.remove("requested_expiry");
		form.remove("authorization_details");
		server.stubFor(postForm(PATH, form).willReturn(okJson(json("{'auth_req_id':'ar-2','expires_in':120}"))));

		BackchannelAuthenticationResponse response = client()
			.start(BackchannelAuthenticationRequest.builder("auth0|ada", SUMMARY).build());

		assertThat(response.interval()).isEqualTo(BackchannelAuthenticationResponse.DEFAULT_INTERVAL);
		assertThat(response.expiresIn()).isEqualTo(Duration.ofSeconds(120));
		assertForms(server, PATH, form);
	}

	@Test
	void startWhenBindingMessageHasDisallowedCharactersThenSendsSanitisedMessage() {
		Map<String, String> form = new LinkedHashMap<>(fullForm());
		form.put("binding_message", "Countersign - 2 email urgent #7K2Q");
		server.stubFor(postForm(PATH, form).willReturn(okJson(ACK)));

		client().start(BackchannelAuthenticationRequest.builder("auth0|ada", "Countersign — 2 email (urgent) 🚀 #7K2Q")
			.audience("https://api.countersign.dev")
			.requestedExpiry(Duration.ofSeconds(300))
			.authorizationDetails(DETAILS)
			.build());

		assertForms(server, PATH, form);
	}

	@Test
	void startWhenRequestedExpiryAbove300ThenRejectedBeforeSending() {
		BackchannelAuthenticationRequest request = BackchannelAuthenticationRequest.builder("auth0|ada", SUMMARY)
			.requestedExpiry(Duration.ofSeconds(301))
			.build();

		assertThatIllegalArgumentException().isThrownBy(() -> client().start(request))
			.withMessageContaining("at most 300 s")
			.withMessageContaining("PT5M1S");
		assertThat(requests(server, PATH)).isZero();
	}

	@Test
	void startWhenUserHasNoGuardianEnrolmentThenRejectedWithInvalidRequest() {
		server.stubFor(postForm(PATH, fullForm()).willReturn(aResponse().withStatus(400)
			.withHeader("Content-Type", "application/json")
			.withBody(json(
					"{'error':'invalid_request','error_description':'User does not have any enrolled factors'}"))));

		assertThatExceptionOfType(CibaStartRejectedException.class).isThrownBy(() -> client().start(fullRequest()))
			.satisfies((ex) -> {
				assertThat(ex.error()).isEqualTo("invalid_request");
				assertThat(ex.errorDescription()).isEqualTo("User does not have any enrolled factors");
				assertThat(ex.httpStatus()).isEqualTo(400);
			});
		assertThat(requests(server, PATH)).isEqualTo(1);
	}

	@Test
	void startWhenUnauthorizedClientThenRejectedAndNotRetried() {
		server.stubFor(postForm(PATH, fullForm()).willReturn(aResponse().withStatus(403)
			.withBody(json("{'error':'unauthorized_client','error_description':'Grant type not allowed'}"))));

		assertThatExceptionOfType(CibaStartRejectedException.class).isThrownBy(() -> client().start(fullRequest()))
			.satisfies((ex) -> assertThat(ex.error()).isEqualTo("unauthorized_client"));
		assertThat(requests(server, PATH)).isEqualTo(1);
		assertThat(this.sleeper.sleeps()).isEmpty();
	}

	@Test
	void startWhenTooManyRequestsThenRetriedAfterBackoffAndSucceeds() {
		server.stubFor(postForm(PATH, fullForm()).inScenario("429")
			.whenScenarioStateIs(Scenario.STARTED)
			.willReturn(aResponse().withStatus(429)
				.withBody(json("{'error':'too_many_requests','error_description':'Too many requests'}")))
			.willSetStateTo("second"));
		server.stubFor(
				postForm(PATH, fullForm()).inScenario("429").whenScenarioStateIs("second").willReturn(okJson(ACK)));

		BackchannelAuthenticationResponse response = client().start(fullRequest());

		assertThat(response.authReqId()).isEqualTo("ar-1");
		assertThat(requests(server, PATH)).isEqualTo(2);
		assertThat(this.sleeper.sleeps()).containsExactly(CibaOptions.DEFAULT_START_BACKOFF);
		assertForms(server, PATH, fullForm());
	}

	@Test
	void startWhenTooManyRequestsWithRetryAfterThenWaitsThatLong() {
		server.stubFor(postForm(PATH, fullForm()).inScenario("429")
			.whenScenarioStateIs(Scenario.STARTED)
			.willReturn(aResponse().withStatus(429).withHeader("Retry-After", "7"))
			.willSetStateTo("second"));
		server.stubFor(
				postForm(PATH, fullForm()).inScenario("429").whenScenarioStateIs("second").willReturn(okJson(ACK)));

		client().start(fullRequest());

		assertThat(this.sleeper.sleeps()).containsExactly(Duration.ofSeconds(7));
	}

	@Test
	void startWhenServiceUnavailableWithRetryAfterThenRetried() {
		server.stubFor(postForm(PATH, fullForm()).inScenario("503")
			.whenScenarioStateIs(Scenario.STARTED)
			.willReturn(aResponse().withStatus(503).withHeader("Retry-After", "3"))
			.willSetStateTo("second"));
		server.stubFor(
				postForm(PATH, fullForm()).inScenario("503").whenScenarioStateIs("second").willReturn(okJson(ACK)));

		BackchannelAuthenticationResponse response = client().start(fullRequest());

		assertThat(response.authReqId()).isEqualTo("ar-1");
		assertThat(requests(server, PATH)).isEqualTo(2);
		assertThat(this.sleeper.sleeps()).containsExactly(Duration.ofSeconds(3));
	}

	@Test
	void startWhenRetryAfterIsHttpDateThenWaitsUntilThen() {
		String at = DateTimeFormatter.RFC_1123_DATE_TIME
			.format(this.clock.instant().plusSeconds(4).atOffset(ZoneOffset.UTC));
		server.stubFor(postForm(PATH, fullForm()).inScenario("503")
			.whenScenarioStateIs(Scenario.STARTED)
			.willReturn(aResponse().withStatus(503).withHeader("Retry-After", at))
			.willSetStateTo("second"));
		server.stubFor(
				postForm(PATH, fullForm()).inScenario("503").whenScenarioStateIs("second").willReturn(okJson(ACK)));

		client().start(fullRequest());

		assertThat(this.sleeper.sleeps()).containsExactly(Duration.ofSeconds(4));
	}

	@Test
	void startWhenServiceUnavailableWithoutRetryAfterThenOutcomeUnknownAndNotRetried() {
		server.stubFor(postForm(PATH, fullForm()).willReturn(aResponse().withStatus(503)));

		assertThatExceptionOfType(CibaStartOutcomeUnknownException.class)
			.isThrownBy(() -> client().start(fullRequest()))
			.satisfies((ex) -> assertThat(ex.httpStatus()).hasValue(503));
		assertThat(requests(server, PATH)).isEqualTo(1);
		assertThat(this.sleeper.sleeps()).isEmpty();
	}

	@Test
	void startWhenServerErrorThenOutcomeUnknownAndNotRetried() {
		server.stubFor(postForm(PATH, fullForm()).willReturn(aResponse().withStatus(500)
			.withBody(json("{'error':'server_error','error_description':'Internal error'}"))));

		assertThatExceptionOfType(CibaStartOutcomeUnknownException.class)
			.isThrownBy(() -> client().start(fullRequest()));
		assertThat(requests(server, PATH)).isEqualTo(1);
	}

	@Test
	void startWhenReadTimeoutThenOutcomeUnknownAndNotRetried() {
		server.stubFor(postForm(PATH, fullForm()).willReturn(okJson(ACK).withFixedDelay(1500)));

		assertThatExceptionOfType(CibaStartOutcomeUnknownException.class)
			.isThrownBy(() -> client().start(fullRequest()))
			.satisfies((ex) -> assertThat(ex.httpStatus()).isEmpty())
			.withMessageContaining("not retried");
		assertThat(requests(server, PATH)).isEqualTo(1);
		assertThat(this.sleeper.sleeps()).isEmpty();
	}

	@Test
	void startWhenConnectionResetMidResponseThenOutcomeUnknownAndNotRetried() {
		server.stubFor(postForm(PATH, fullForm()).willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));

		assertThatExceptionOfType(CibaStartOutcomeUnknownException.class)
			.isThrownBy(() -> client().start(fullRequest()));
		assertThat(requests(server, PATH)).isEqualTo(1);
	}

	@Test
	void startWhenAnswerTruncatedThenOutcomeUnknownAndNotRetried() {
		server.stubFor(postForm(PATH, fullForm()).willReturn(aResponse().withFault(Fault.EMPTY_RESPONSE)));

		assertThatExceptionOfType(CibaStartOutcomeUnknownException.class)
			.isThrownBy(() -> client().start(fullRequest()));
		assertThat(requests(server, PATH)).isEqualTo(1);
	}

	@Test
	void startWhenSuccessWithoutAuthReqIdThenOutcomeUnknown() {
		server.stubFor(postForm(PATH, fullForm()).willReturn(aResponse().withStatus(200).withBody("<html>ok</html>")));

		assertThatExceptionOfType(CibaStartOutcomeUnknownException.class)
			.isThrownBy(() -> client().start(fullRequest()))
			.satisfies((ex) -> assertThat(ex.httpStatus()).hasValue(200));
		assertThat(requests(server, PATH)).isEqualTo(1);
	}

	@Test
	void startWhenAlwaysTooManyRequestsThenAtMostThreeTries() {
		server.stubFor(postForm(PATH, fullForm()).willReturn(aResponse().withStatus(429)));

		assertThatExceptionOfType(CibaUnavailableException.class).isThrownBy(() -> client().start(fullRequest()))
			.satisfies((ex) -> assertThat(ex.httpStatus()).hasValue(429))
			.withMessageContaining("after 3 tries");
		assertThat(requests(server, PATH)).isEqualTo(3);
		assertThat(this.sleeper.sleeps()).containsExactly(Duration.ofSeconds(2), Duration.ofSeconds(4));
	}

	@Test
	void startWhenMaxStartAttemptsIsOneThenTooManyRequestsIsNotRetried() {
		server.stubFor(postForm(PATH, fullForm()).willReturn(aResponse().withStatus(429)));
		CibaClient client = CibaClient.create(options().maxStartAttempts(1).build());

		assertThatExceptionOfType(CibaUnavailableException.class).isThrownBy(() -> client.start(fullRequest()));
		assertThat(requests(server, PATH)).isEqualTo(1);
	}

	@Test
	void startWhenRetryAfterLongerThanAllowedThenNotRetriedAndCarriesIt() {
		server.stubFor(
				postForm(PATH, fullForm()).willReturn(aResponse().withStatus(503).withHeader("Retry-After", "60")));

		assertThatExceptionOfType(CibaUnavailableException.class).isThrownBy(() -> client().start(fullRequest()))
			.satisfies((ex) -> assertThat(ex.retryAfter()).hasValue(Duration.ofSeconds(60)));
		assertThat(requests(server, PATH)).isEqualTo(1);
		assertThat(this.sleeper.sleeps()).isEmpty();
	}

	@Test
	void startWhenNotFoundWithoutOAuthErrorThenCibaException() {
		server.stubFor(postForm(PATH, fullForm()).willReturn(aResponse().withStatus(404).withBody("Not Found")));

		assertThatExceptionOfType(CibaException.class).isThrownBy(() -> client().start(fullRequest()))
			.isExactlyInstanceOf(CibaException.class)
			.withMessageContaining("HTTP 404");
		assertThat(requests(server, PATH)).isEqualTo(1);
	}

	@Test
	void startWhenConnectionRefusedThenRetriedUntilTheServerAnswers() throws IOException {
		int port = freePort();
		WireMockServer late = new WireMockServer(wireMockConfig().port(port));
		this.sleeper.onSleep(() -> {
			if (!late.isRunning()) {
				late.start();
				late.stubFor(postForm(PATH, Map.of("binding_message", SUMMARY)).willReturn(okJson(ACK)));
			}
		});
		try {
			CibaClient client = CibaClient.create(CibaOptions.builder(CLIENT_ID, CLIENT_SECRET)
				.auth0("http://127.0.0.1:" + port + "/auth0/")
				.clock(this.clock)
				.sleeper(this.sleeper)
				.build());

			BackchannelAuthenticationResponse response = client.start(fullRequest());

			assertThat(response.authReqId()).isEqualTo("ar-1");
			assertThat(this.sleeper.sleeps()).containsExactly(CibaOptions.DEFAULT_START_BACKOFF);
			assertThat(requests(late, PATH)).isEqualTo(1);
		}
		finally {
			late.stop();
		}
	}

	@Test
	void startWhenConnectionAlwaysRefusedThenUnavailableAfterThreeTries() throws IOException {
		int port = freePort();
		CibaClient client = CibaClient.create(CibaOptions.builder(CLIENT_ID, CLIENT_SECRET)
			.auth0("http://127.0.0.1:" + port + "/auth0/")
			.clock(this.clock)
			.sleeper(this.sleeper)
			.build());

		assertThatExceptionOfType(CibaUnavailableException.class).isThrownBy(() -> client.start(fullRequest()))
			.withMessageContaining("nothing was sent")
			.satisfies((ex) -> assertThat(ex.httpStatus()).isEmpty());
		assertThat(this.sleeper.sleeps()).hasSize(2);
	}

	private CibaClient client() {
		return CibaClient.create(options().build());
	}

	private CibaOptions.Builder options() {
		return CibaOptions.builder(CLIENT_ID, CLIENT_SECRET)
			.auth0(server.baseUrl() + "/auth0/")
			.clock(this.clock)
			.sleeper(this.sleeper)
			.readTimeout(Duration.ofMillis(500));
	}

	private static BackchannelAuthenticationRequest fullRequest() {
		return BackchannelAuthenticationRequest.builder("auth0|ada", SUMMARY)
			.audience("https://api.countersign.dev")
			.requestedExpiry(Duration.ofSeconds(300))
			.authorizationDetails(DETAILS)
			.build();
	}

	private static Map<String, String> fullForm() {
		Map<String, String> form = new LinkedHashMap<>();
		form.put("client_id", CLIENT_ID);
		form.put("client_secret", CLIENT_SECRET);
		form.put("scope", "openid");
		form.put("login_hint",
				"{\"format\":\"iss_sub\",\"iss\":\"" + server.baseUrl() + "/auth0/\",\"sub\":\"auth0|ada\"}");
		form.put("binding_message", SUMMARY);
		form.put("audience", "https://api.countersign.dev");
		form.put("requested_expiry", "300");
		form.put("authorization_details", DETAILS);
		return form;
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

}
