package dev.countersign.vault;

import java.net.URI;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * {@link TokenVaultClient} in the {@link TokenExchangeDialect#STANDARD STANDARD} (RFC
 * 8693) dialect, shaped like Keycloak's token endpoint.
 */
class StandardTokenVaultClientTests {

	static final String TOKEN_PATH = "/realms/countersign/protocol/openid-connect/token";

	static final String CLIENT_ID = "countersign";

	static final String CLIENT_SECRET = "secret-canary-k3ycl0ak";

	static final String SUBJECT_TOKEN = "subject-canary-eyJhbGciOiJSUzI1NiJ9.kc.sig";

	static final String PROVIDER_TOKEN = "provider-canary-kc-0b5e";

	static final Instant NOW = Instant.parse("2025-06-01T10:00:00Z");

	@RegisterExtension
	static WireMockExtension keycloak = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

	private final MutableClock clock = new MutableClock(NOW);

	private TokenVaultClient client;

	@BeforeEach
	void createClient() {
		this.client = TokenVaultClient
			.create(TokenVaultOptions.builder(URI.create(keycloak.baseUrl() + TOKEN_PATH), CLIENT_ID)
				.clientSecret(CLIENT_SECRET)
				.dialect(TokenExchangeDialect.STANDARD)
				.clock(this.clock)
				.build());
	}

	@AfterEach
	void everyRequestMatchedAStub() {
		assertThat(keycloak.findAllUnmatchedRequests()).isEmpty();
	}

	@Test
	void exchangeWhenAudienceThenSendsExactRfc8693Form() {
		Map<String, List<String>> form = baseForm();
		form.put("audience", List.of("github-broker"));
		keycloak.stubFor(post(urlEqualTo(TOKEN_PATH)).andMatching(FormBody.exactlyMulti(form))
			.willReturn(okJson("""
					{"access_token":"%s","expires_in":300,"refresh_expires_in":0,"token_type":"Bearer",
					 "issued_token_type":"urn:ietf:params:oauth:token-type:access_token","scope":"profile email"}"""
				.formatted(PROVIDER_TOKEN))));

		ProviderToken token = this.client
			.exchange(TokenExchangeRequest.builder(SUBJECT_TOKEN, "github").audience("github-broker").build());

		assertThat(token.connection()).isEqualTo("github");
		assertThat(token.accessToken()).isEqualTo(PROVIDER_TOKEN);
		assertThat(token.expiresAt()).isEqualTo(NOW.plusSeconds(300));
		assertThat(token.scopes()).containsExactlyInAnyOrder("profile", "email");
		assertThat(token.issuedTokenType()).isEqualTo("urn:ietf:params:oauth:token-type:access_token");
	}

	@Test
	void exchangeWhenRequestedTypeAudiencesAndResourceThenSendsAllOfThem() {
		Map<String, List<String>> form = baseForm();
		form.put("requested_token_type", List.of("urn:ietf:params:oauth:token-type:access_token"));
		form.put("audience", List.of("calendar-api", "mail-api"));
		form.put("resource", List.of("https://api.example.com/calendar"));
		keycloak.stubFor(post(urlEqualTo(TOKEN_PATH)).andMatching(FormBody.exactlyMulti(form))
			.willReturn(okJson("{\"access_token\":\"%s\",\"expires_in\":60,\"issued_token_type\":\"%s\"}"
				.formatted(PROVIDER_TOKEN, "urn:ietf:params:oauth:token-type:access_token"))));

		ProviderToken token = this.client.exchange(TokenExchangeRequest.builder(SUBJECT_TOKEN, "calendar")
			.requestedTokenType(URI.create("urn:ietf:params:oauth:token-type:access_token"))
			.audience("calendar-api", "mail-api")
			.resource(URI.create("https://api.example.com/calendar"))
			.build());

		assertThat(token.scopes()).isEmpty();
		assertThat(token.expiresAt()).isEqualTo(NOW.plusSeconds(60));
	}

	@Test
	void exchangeWhenInvalidGrantThenSubjectTokenRejectedException() {
		keycloak.stubFor(post(urlEqualTo(TOKEN_PATH)).andMatching(FormBody.exactlyMulti(baseForm()))
			.willReturn(aResponse().withStatus(400)
				.withHeader("Content-Type", "application/json")
				.withBody("{\"error\":\"invalid_grant\",\"error_description\":\"Invalid token\"}")));

		assertThatExceptionOfType(SubjectTokenRejectedException.class)
			.isThrownBy(() -> this.client.exchange(TokenExchangeRequest.of(SUBJECT_TOKEN, "github")))
			.satisfies((ex) -> assertThat(ex.httpStatus()).isEqualTo(400));
	}

	@Test
	void exchangeWhenLoginHintThenIllegalArgument() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.client
				.exchange(TokenExchangeRequest.builder(SUBJECT_TOKEN, "github").loginHint("someone").build()))
			.withMessageContaining("loginHint");
	}

	private static Map<String, List<String>> baseForm() {
		// RFC 8693 §2.1, with client_secret_post credentials; no scope.
		Map<String, List<String>> form = new LinkedHashMap<>();
		form.put("grant_type", List.of("urn:ietf:params:oauth:grant-type:token-exchange"));
		form.put("subject_token", List.of(SUBJECT_TOKEN));
		form.put("subject_token_type", List.of("urn:ietf:params:oauth:token-type:access_token"));
		form.put("client_id", List.of(CLIENT_ID));
		form.put("client_secret", List.of(CLIENT_SECRET));
		return form;
	}

}
