package dev.countersign.ciba;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Fault;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * A canary access token, id token, refresh token and client secret never appear in a
 * {@code toString()} or an exception message (nor in a cause's message).
 */
class NoTokenLeakTests {

	private static final String ACCESS = "CANARY-ACCESS-TOKEN-5f1e";

	private static final String ID = "CANARY-ID-TOKEN-77ab";

	private static final String REFRESH = "CANARY-REFRESH-TOKEN-c0de";

	private static final String SECRET = "CANARY-CLIENT-SECRET-beef";

	private static final String TOKENS = "{\"access_token\":\"" + ACCESS + "\",\"id_token\":\"" + ID
			+ "\",\"refresh_token\":\"" + REFRESH
			+ "\",\"expires_in\":86400,\"authorization_details\":[{\"type\":\"t\"}]}";

	private static final WireMockServer server = new WireMockServer(wireMockConfig().dynamicPort());

	private final MutableClock clock = new MutableClock(Instant.parse("2026-03-02T09:00:00Z"));

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
	void approvedWhenPrintedThenNoToken() {
		respond("/t/oauth/token", okJson(TOKENS));

		PollResult result = client().pollOnce("ar-1", Duration.ofSeconds(5));

		assertThat(result).isInstanceOf(CibaOutcome.Approved.class);
		assertThat(result.toString()).contains("authorizationDetails=present");
		assertClean(result.toString());
	}

	@Test
	void failuresWhenTokensInTheAnswerThenNoTokenInAnyMessage() {
		List<Throwable> failures = new ArrayList<>();
		// Tokens without an access_token, a 5xx with tokens in the body, a lost answer.
		String noAccessToken = "{\"id_token\":\"" + ID + "\",\"refresh_token\":\"" + REFRESH + "\"}";
		for (ResponseDefinitionBuilder answer : List.of(okJson(noAccessToken),
				aResponse().withStatus(500).withBody(TOKENS), aResponse().withStatus(503).withBody(TOKENS),
				aResponse().withStatus(404).withBody(TOKENS), aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER))) {
			server.resetAll();
			respond("/t/oauth/token", answer);
			respond("/t/bc-authorize", answer);
			failures.add(catchThrowable(() -> client().pollOnce("ar-1", Duration.ofSeconds(5))));
			failures.add(catchThrowable(
					() -> client().start(BackchannelAuthenticationRequest.builder("ada", "hi").build())));
		}
		server.resetAll();
		respond("/t/bc-authorize",
				aResponse().withStatus(400)
					.withBody("{\"error\":\"invalid_request\",\"error_description\":\"bad\",\"access_token\":\""
							+ ACCESS + "\"}"));
		failures
			.add(catchThrowable(() -> client().start(BackchannelAuthenticationRequest.builder("ada", "hi").build())));

		assertThat(failures).doesNotContainNull().hasSize(11);
		for (Throwable failure : failures) {
			for (Throwable t = failure; t != null; t = t.getCause()) {
				assertClean(String.valueOf(t.getMessage()));
				assertClean(t.toString());
			}
		}
	}

	@Test
	void optionsWhenPrintedThenNoSecret() {
		assertClean(CibaOptions.auth0("t.auth0.com", "id", SECRET).toString());
	}

	private void respond(String path, ResponseDefinitionBuilder answer) {
		server.stubFor(post(urlPathEqualTo(path)).willReturn(answer));
	}

	private CibaClient client() {
		return CibaClient.create(CibaOptions.builder("id", SECRET)
			.auth0(server.baseUrl() + "/t/")
			.clock(this.clock)
			.sleeper(new RecordingSleeper(this.clock))
			.build());
	}

	private static void assertClean(String text) {
		assertThat(text).doesNotContain(ACCESS, ID, REFRESH, SECRET);
	}

}
