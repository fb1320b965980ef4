package dev.countersign.ciba;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static dev.countersign.ciba.WireMockSupport.CLIENT_ID;
import static dev.countersign.ciba.WireMockSupport.CLIENT_SECRET;
import static dev.countersign.ciba.WireMockSupport.assertForms;
import static dev.countersign.ciba.WireMockSupport.json;
import static dev.countersign.ciba.WireMockSupport.postForm;
import static dev.countersign.ciba.WireMockSupport.requests;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class CibaClientStandardTests {

	private static final String DISCOVERY = "/realms/main/.well-known/openid-configuration";

	private static final String BACKCHANNEL = "/realms/main/protocol/openid-connect/ext/ciba/auth";

	private static final String TOKEN = "/realms/main/protocol/openid-connect/token";

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
	void startWhenStandardThenDiscoversEndpointsAndSendsPlainLoginHint() {
		server.stubFor(get(urlEqualTo(DISCOVERY)).willReturn(okJson(metadata(issuer(), true, "[\"poll\",\"ping\"]"))));
		Map<String, String> form = new LinkedHashMap<>();
		form.put("client_id", CLIENT_ID);
		form.put("client_secret", CLIENT_SECRET);
		form.put("scope", "openid email");
		form.put("login_hint", "ada@example.com");
		form.put("binding_message", "Approve (2) writes — #7K2Q");
		form.put("requested_expiry", "600");
		server.stubFor(postForm(BACKCHANNEL, form)
			.willReturn(okJson(json("{'auth_req_id':'kc-1','expires_in':600,'interval':2}"))));

		BackchannelAuthenticationResponse response = client(
				CibaOptions.builder(CLIENT_ID, CLIENT_SECRET).oidcIssuer(URI.create(issuer())))
			.start(BackchannelAuthenticationRequest.builder("ada@example.com", "Approve (2) writes — #7K2Q")
				.scope("openid email")
				.requestedExpiry(Duration.ofSeconds(600))
				.build());

		assertThat(response)
			.isEqualTo(new BackchannelAuthenticationResponse("kc-1", Duration.ofSeconds(600), Duration.ofSeconds(2)));
		assertForms(server, BACKCHANNEL, form);
	}

	@Test
	void pollOnceWhenStandardWithClientSecretBasicThenSendsAuthorizationHeaderAndNoSecretInBody() {
		server.stubFor(get(urlEqualTo(DISCOVERY)).willReturn(okJson(metadata(issuer(), true, null))));
		Map<String, String> form = Map.of("grant_type", CibaClient.GRANT_TYPE, "auth_req_id", "kc-1");
		String basic = "Basic " + Base64.getEncoder()
			.encodeToString((CLIENT_ID + ":" + CLIENT_SECRET).getBytes(StandardCharsets.UTF_8));
		server.stubFor(postForm(TOKEN, form).withHeader("Authorization", equalTo(basic))
			.willReturn(aResponse().withStatus(400).withBody(CibaClientPollTests.PENDING)));
		CibaClient client = client(CibaOptions.builder(CLIENT_ID, CLIENT_SECRET)
			.oidcIssuer(URI.create(issuer()))
			.clientAuthentication(ClientAuthentication.CLIENT_SECRET_BASIC));

		PollResult result = client.pollOnce("kc-1", Duration.ofSeconds(2));

		assertThat(result).isEqualTo(new PollResult.Pending(Duration.ofSeconds(2)));
		assertForms(server, TOKEN, form);
	}

	@Test
	void discoveryWhenUsedTwiceThenReadOnce() {
		server.stubFor(get(urlEqualTo(DISCOVERY)).willReturn(okJson(metadata(issuer(), true, null))));
		server.stubFor(postForm(TOKEN, Map.of("auth_req_id", "kc-1"))
			.willReturn(aResponse().withStatus(400).withBody(CibaClientPollTests.PENDING)));
		CibaClient client = client(CibaOptions.builder(CLIENT_ID, CLIENT_SECRET).oidcIssuer(URI.create(issuer())));

		client.pollOnce("kc-1", Duration.ofSeconds(5));
		client.pollOnce("kc-1", Duration.ofSeconds(5));

		server.verify(1, getRequestedFor(urlEqualTo(DISCOVERY)));
		assertThat(requests(server, TOKEN)).isEqualTo(2);
	}

	@Test
	void discoveryWhenIssuerHasTrailingSlashThenStillFindsTheDocument() {
		String issuer = issuer() + "/";
		server.stubFor(get(urlEqualTo(DISCOVERY)).willReturn(okJson(metadata(issuer, true, null))));
		server.stubFor(postForm(TOKEN, Map.of("auth_req_id", "kc-1"))
			.willReturn(aResponse().withStatus(400).withBody(CibaClientPollTests.DENIED)));

		PollResult result = client(CibaOptions.builder(CLIENT_ID, CLIENT_SECRET).oidcIssuer(URI.create(issuer)))
			.pollOnce("kc-1", Duration.ofSeconds(5));

		assertThat(result).isInstanceOf(CibaOutcome.Denied.class);
	}

	@Test
	void discoveryWhenIssuerDiffersThenRefusedAndNothingPosted() {
		server.stubFor(get(urlEqualTo(DISCOVERY)).willReturn(okJson(metadata("https://evil.example.com", true, null))));
		CibaClient client = client(CibaOptions.builder(CLIENT_ID, CLIENT_SECRET).oidcIssuer(URI.create(issuer())));

		assertThatExceptionOfType(CibaException.class)
			.isThrownBy(() -> client.start(BackchannelAuthenticationRequest.builder("ada", "hi").build()))
			.withMessageContaining("names issuer https://evil.example.com");
		assertThat(requests(server, BACKCHANNEL)).isZero();
	}

	@Test
	void discoveryWhenNoBackchannelEndpointThenCibaException() {
		server.stubFor(get(urlEqualTo(DISCOVERY)).willReturn(okJson(metadata(issuer(), false, null))));
		CibaClient client = client(CibaOptions.builder(CLIENT_ID, CLIENT_SECRET).oidcIssuer(URI.create(issuer())));

		assertThatExceptionOfType(CibaException.class)
			.isThrownBy(() -> client.start(BackchannelAuthenticationRequest.builder("ada", "hi").build()))
			.withMessageContaining("does not offer CIBA");
	}

	@Test
	void discoveryWhenPollModeNotOfferedThenCibaException() {
		server.stubFor(get(urlEqualTo(DISCOVERY)).willReturn(okJson(metadata(issuer(), true, "[\"ping\"]"))));
		CibaClient client = client(CibaOptions.builder(CLIENT_ID, CLIENT_SECRET).oidcIssuer(URI.create(issuer())));

		assertThatExceptionOfType(CibaException.class).isThrownBy(() -> client.pollOnce("kc-1", Duration.ofSeconds(5)))
			.withMessageContaining("poll mode");
	}

	@Test
	void discoveryWhenUnavailableThenUnavailableAndTriedAgainOnNextUse() {
		server.stubFor(get(urlEqualTo(DISCOVERY)).inScenario("discovery")
			.whenScenarioStateIs(Scenario.STARTED)
			.willReturn(aResponse().withStatus(503))
			.willSetStateTo("up"));
		server.stubFor(get(urlEqualTo(DISCOVERY)).inScenario("discovery")
			.whenScenarioStateIs("up")
			.willReturn(okJson(metadata(issuer(), true, null))));
		server.stubFor(postForm(TOKEN, Map.of("auth_req_id", "kc-1"))
			.willReturn(aResponse().withStatus(400).withBody(CibaClientPollTests.EXPIRED)));
		CibaClient client = client(CibaOptions.builder(CLIENT_ID, CLIENT_SECRET).oidcIssuer(URI.create(issuer())));

		assertThatExceptionOfType(CibaUnavailableException.class)
			.isThrownBy(() -> client.pollOnce("kc-1", Duration.ofSeconds(5)));
		assertThat(client.pollOnce("kc-1", Duration.ofSeconds(5))).isInstanceOf(CibaOutcome.Expired.class);
	}

	@Test
	void startWhenEndpointsGivenThenNoDiscovery() {
		server.stubFor(postForm(BACKCHANNEL, Map.of("login_hint", "ada"))
			.willReturn(okJson(json("{'auth_req_id':'kc-2','expires_in':60}"))));
		CibaClient client = client(CibaOptions.builder(CLIENT_ID, CLIENT_SECRET)
			.oidcEndpoints(URI.create(server.baseUrl() + BACKCHANNEL), URI.create(server.baseUrl() + TOKEN)));

		assertThat(client.start(BackchannelAuthenticationRequest.builder("ada", "hi").build()).authReqId())
			.isEqualTo("kc-2");
		server.verify(0, getRequestedFor(urlEqualTo(DISCOVERY)));
	}

	private CibaClient client(CibaOptions.Builder builder) {
		return CibaClient.create(builder.clock(this.clock).sleeper(this.sleeper).build());
	}

	private static String issuer() {
		return server.baseUrl() + "/realms/main";
	}

	private static String metadata(String issuer, boolean ciba, @Nullable String modes) {
		String base = server.baseUrl() + "/realms/main";
		StringBuilder json = new StringBuilder("{");
		json.append("\"issuer\":\"").append(issuer).append("\",");
		json.append("\"authorization_endpoint\":\"").append(base).append("/protocol/openid-connect/auth\",");
		json.append("\"token_endpoint\":\"").append(server.baseUrl()).append(TOKEN).append("\",");
		json.append("\"jwks_uri\":\"").append(base).append("/protocol/openid-connect/certs\",");
		json.append("\"response_types_supported\":[\"code\"],");
		json.append("\"subject_types_supported\":[\"public\"],");
		json.append("\"id_token_signing_alg_values_supported\":[\"RS256\"],");
		json.append("\"grant_types_supported\":[\"authorization_code\",\"urn:openid:params:grant-type:ciba\"]");
		if (ciba) {
			json.append(",\"backchannel_authentication_endpoint\":\"")
				.append(server.baseUrl())
				.append(BACKCHANNEL)
				.append("\"");
		}
		if (modes != null) {
			json.append(",\"backchannel_token_delivery_modes_supported\":").append(modes);
		}
		return json.append("}").toString();
	}

}
