package dev.countersign.vault;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * {@link TokenVaultClient} in the {@link TokenExchangeDialect#AUTH0 AUTH0} dialect
 * against WireMock replaying Auth0's documented Token Vault bodies.
 */
class Auth0TokenVaultClientTests {

	static final String CLIENT_ID = "custom-api-client";

	static final String CLIENT_SECRET = "secret-canary-7f3a9c";

	static final String SUBJECT_TOKEN = "subject-canary-eyJhbGciOiJSUzI1NiJ9.e30.sig";

	static final String PROVIDER_TOKEN = "gho_provider-canary-16C7e42F292c6912E7710c8";

	static final Instant NOW = Instant.parse("2025-06-01T10:00:00Z");

	@RegisterExtension
	static WireMockExtension auth0 = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

	private final MutableClock clock = new MutableClock(NOW);

	private TokenVaultClient client;

	@BeforeEach
	void createClient() {
		this.client = TokenVaultClient.create(options().build());
	}

	@AfterEach
	void everyRequestMatchedAStub() {
		// An unmatched request gets WireMock's 404, which could pass for an expected
		// failure.
		assertThat(auth0.findAllUnmatchedRequests()).isEmpty();
	}

	@Test
	void exchangeWhenAccessTokenThenSendsExactTokenVaultFormAndReturnsProviderToken() {
		auth0.stubFor(tokenEndpoint(expectedForm("github", "urn:ietf:params:oauth:token-type:access_token"))
			.willReturn(okJson("""
					{"access_token":"%s","expires_in":3600,"scope":"repo read:user",
					 "issued_token_type":"http://auth0.com/oauth/token-type/federated-connection-access-token",
					 "token_type":"Bearer"}""".formatted(PROVIDER_TOKEN))));

		ProviderToken token = this.client.exchange(TokenExchangeRequest.of(SUBJECT_TOKEN, "github"));

		assertThat(token.connection()).isEqualTo("github");
		assertThat(token.accessToken()).isEqualTo(PROVIDER_TOKEN);
		assertThat(token.expiresAt()).isEqualTo(NOW.plusSeconds(3600));
		assertThat(token.scopes()).containsExactlyInAnyOrder("repo", "read:user");
		assertThat(token.issuedTokenType())
			.isEqualTo("http://auth0.com/oauth/token-type/federated-connection-access-token");
		auth0.verify(1, postRequestedFor(urlEqualTo("/oauth/token")).withHeader("Authorization", absent()));
	}

	@Test
	void exchangeWhenScopeAndTokenTypeAbsentThenStillParses() {
		auth0.stubFor(tokenEndpoint(expectedForm("google-oauth2", "urn:ietf:params:oauth:token-type:access_token"))
			.willReturn(okJson("""
					{"access_token":"%s","expires_in":3599,
					 "issued_token_type":"http://auth0.com/oauth/token-type/federated-connection-access-token"}"""
				.formatted(PROVIDER_TOKEN))));

		ProviderToken token = this.client.exchange(TokenExchangeRequest.of(SUBJECT_TOKEN, "google-oauth2"));

		assertThat(token.accessToken()).isEqualTo(PROVIDER_TOKEN);
		assertThat(token.scopes()).isEmpty();
		assertThat(token.expiresAt()).isEqualTo(NOW.plusSeconds(3599));
	}

	@Test
	void exchangeWhenExpiresInAbsentThenExpiresAtIsRequestTime() {
		auth0.stubFor(tokenEndpoint(expectedForm("github", "urn:ietf:params:oauth:token-type:access_token"))
			.willReturn(okJson("{\"access_token\":\"%s\"}".formatted(PROVIDER_TOKEN))));

		ProviderToken token = this.client.exchange(TokenExchangeRequest.of(SUBJECT_TOKEN, "github"));

		assertThat(token.expiresAt()).isEqualTo(NOW);
		assertThat(token.issuedTokenType()).isNull();
	}

	@Test
	void exchangeWhenRefreshTokenAndLoginHintThenSendsThem() {
		Map<String, String> form = expectedForm("google-oauth2", "urn:ietf:params:oauth:token-type:refresh_token");
		form.put("login_hint", "google-oauth2|1234567890");
		auth0.stubFor(tokenEndpoint(form).willReturn(okJson(success())));

		ProviderToken token = this.client.exchange(TokenExchangeRequest.builder(SUBJECT_TOKEN, "google-oauth2")
			.subjectTokenType(SubjectTokenType.REFRESH_TOKEN)
			.loginHint("google-oauth2|1234567890")
			.build());

		assertThat(token.connection()).isEqualTo("google-oauth2");
	}

	@Test
	void exchangeWhenClientSecretBasicThenCredentialsInHeaderNotBody() {
		this.client = TokenVaultClient
			.create(options().clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC).build());
		Map<String, String> form = expectedForm("github", "urn:ietf:params:oauth:token-type:access_token");
		form.remove("client_id");
		form.remove("client_secret");
		auth0.stubFor(tokenEndpoint(form).withBasicAuth(CLIENT_ID, CLIENT_SECRET).willReturn(okJson(success())));

		ProviderToken token = this.client.exchange(TokenExchangeRequest.of(SUBJECT_TOKEN, "github"));

		assertThat(token.accessToken()).isEqualTo(PROVIDER_TOKEN);
	}

	@Test
	void exchangeWhenConnectionNotLinkedThenConnectionNotLinkedException() {
		stubError(401, "federated_connection_refresh_token_not_found", "Federated connection Refresh Token not found.");

		assertThatExceptionOfType(ConnectionNotLinkedException.class)
			.isThrownBy(() -> this.client.exchange(TokenExchangeRequest.of(SUBJECT_TOKEN, "github")))
			.withMessage("Connect your GitHub account (connection 'github') to Countersign first")
			.satisfies((ex) -> {
				assertThat(ex.errorCode()).isEqualTo("federated_connection_refresh_token_not_found");
				assertThat(ex.httpStatus()).isEqualTo(401);
				assertThat(ex.errorDescription()).isEqualTo("Federated connection Refresh Token not found.");
				assertThat(ex.connection()).isEqualTo("github");
			});
	}

	@Test
	void exchangeWhenConnectionNotLinkedWith403ThenConnectionNotLinkedException() {
		stubError(403, "federated_connection_refresh_token_not_found", "Federated connection Refresh Token not found.");

		assertThatExceptionOfType(ConnectionNotLinkedException.class)
			.isThrownBy(() -> this.client.exchange(TokenExchangeRequest.of(SUBJECT_TOKEN, "github")))
			.satisfies((ex) -> assertThat(ex.httpStatus()).isEqualTo(403));
	}

	@Test
	void exchangeWhenUnknownConnectionNotLinkedThenMessageNamesConnection() {
		auth0.stubFor(tokenEndpoint(expectedForm("acme-crm", "urn:ietf:params:oauth:token-type:access_token"))
			.willReturn(errorBody(401, "federated_connection_refresh_token_not_found", "not found")));

		assertThatExceptionOfType(ConnectionNotLinkedException.class)
			.isThrownBy(() -> this.client.exchange(TokenExchangeRequest.of(SUBJECT_TOKEN, "acme-crm")))
			.withMessage("Connect your account for connection 'acme-crm' to Countersign first");
	}

	@Test
	void exchangeWhenRefreshTokenFlowFailedThenReauthorizationRequiredException() {
		stubError(401, "federated_connection_refresh_token_flow_failed",
				"Failed to refresh the federated connection access token.");

		assertThatExceptionOfType(ReauthorizationRequiredException.class)
			.isThrownBy(() -> this.client.exchange(TokenExchangeRequest.of(SUBJECT_TOKEN, "github")))
			.withMessageContaining("Re-authorize your GitHub account (connection 'github')")
			.satisfies((ex) -> {
				assertThat(ex.errorCode()).isEqualTo("federated_connection_refresh_token_flow_failed");
				assertThat(ex.httpStatus()).isEqualTo(401);
			});
	}

	@Test
	void exchangeWhenInvalidGrantThenSubjectTokenRejectedException() {
		stubError(403, "invalid_grant", "Invalid subject token: token expired.");

		assertThatExceptionOfType(SubjectTokenRejectedException.class)
			.isThrownBy(() -> this.client.exchange(TokenExchangeRequest.of(SUBJECT_TOKEN, "github")))
			.withMessageStartingWith("Sign in to Countersign again")
			.satisfies((ex) -> {
				assertThat(ex.errorCode()).isEqualTo("invalid_grant");
				assertThat(ex.httpStatus()).isEqualTo(403);
				assertThat(ex.errorDescription()).isEqualTo("Invalid subject token: token expired.");
			});
	}

	@Test
	void exchangeWhenOtherOAuthErrorThenTokenVaultExceptionWithCode() {
		stubError(401, "unauthorized_client", "Grant type not allowed for the client.");

		assertThatExceptionOfType(TokenVaultException.class)
			.isThrownBy(() -> this.client.exchange(TokenExchangeRequest.of(SUBJECT_TOKEN, "github")))
			.satisfies((ex) -> {
				assertThat(ex.getClass()).isEqualTo(TokenVaultException.class);
				assertThat(ex.errorCode()).isEqualTo("unauthorized_client");
				assertThat(ex.getMessage()).contains("unauthorized_client", "HTTP 401", "connection 'github'");
			});
	}

	@Test
	void exchangeWhenServerErrorThenUpstreamUnavailableException() {
		auth0.stubFor(tokenEndpoint(expectedForm("github", "urn:ietf:params:oauth:token-type:access_token"))
			.willReturn(aResponse().withStatus(500)
				.withHeader("Content-Type", "application/json")
				.withBody("{\"error\":\"server_error\",\"error_description\":\"Internal error\"}")));

		assertThatExceptionOfType(UpstreamUnavailableException.class)
			.isThrownBy(() -> this.client.exchange(TokenExchangeRequest.of(SUBJECT_TOKEN, "github")))
			.satisfies((ex) -> {
				assertThat(ex.httpStatus()).isEqualTo(500);
				assertThat(ex.errorCode()).isEqualTo("server_error");
			});
	}

	@Test
	void exchangeWhenServerErrorWithHtmlThenUpstreamUnavailableException() {
		auth0.stubFor(tokenEndpoint(expectedForm("github", "urn:ietf:params:oauth:token-type:access_token"))
			.willReturn(aResponse().withStatus(503).withBody("<html>Service Unavailable</html>")));

		assertThatExceptionOfType(UpstreamUnavailableException.class)
			.isThrownBy(() -> this.client.exchange(TokenExchangeRequest.of(SUBJECT_TOKEN, "github")))
			.satisfies((ex) -> {
				assertThat(ex.httpStatus()).isEqualTo(503);
				assertThat(ex.errorCode()).isNull();
			});
	}

	@Test
	void exchangeWhenTooManyRequestsThenUpstreamUnavailableException() {
		stubError(429, "too_many_requests", "Rate limit exceeded");

		assertThatExceptionOfType(UpstreamUnavailableException.class)
			.isThrownBy(() -> this.client.exchange(TokenExchangeRequest.of(SUBJECT_TOKEN, "github")))
			.satisfies((ex) -> assertThat(ex.errorCode()).isEqualTo("too_many_requests"));
	}

	@Test
	void exchangeWhenAnswerSlowerThanReadTimeoutThenUpstreamUnavailableException() {
		this.client = TokenVaultClient.create(options().readTimeout(Duration.ofMillis(200)).build());
		auth0.stubFor(tokenEndpoint(expectedForm("github", "urn:ietf:params:oauth:token-type:access_token"))
			.willReturn(okJson(success()).withFixedDelay(2_000)));

		assertThatExceptionOfType(UpstreamUnavailableException.class)
			.isThrownBy(() -> this.client.exchange(TokenExchangeRequest.of(SUBJECT_TOKEN, "github")))
			.withMessageContaining("did not answer in time")
			.withCauseInstanceOf(SocketTimeoutException.class)
			.satisfies((ex) -> assertThat(ex.httpStatus()).isZero());
	}

	@Test
	void exchangeWhenConnectionRefusedThenUpstreamUnavailableException() throws IOException {
		int closedPort;
		try (ServerSocket socket = new ServerSocket(0)) {
			closedPort = socket.getLocalPort();
		}
		this.client = TokenVaultClient
			.create(TokenVaultOptions.builder(URI.create("http://localhost:" + closedPort + "/oauth/token"), CLIENT_ID)
				.clientSecret(CLIENT_SECRET)
				.build());

		assertThatExceptionOfType(UpstreamUnavailableException.class)
			.isThrownBy(() -> this.client.exchange(TokenExchangeRequest.of(SUBJECT_TOKEN, "github")))
			.withMessageContaining("could not be reached")
			.satisfies((ex) -> assertThat(ex.httpStatus()).isZero());
	}

	@Test
	void exchangeWhenSuccessBodyIsGarbageThenUpstreamUnavailableException() {
		auth0.stubFor(tokenEndpoint(expectedForm("github", "urn:ietf:params:oauth:token-type:access_token"))
			.willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody("{oops")));

		assertThatExceptionOfType(UpstreamUnavailableException.class)
			.isThrownBy(() -> this.client.exchange(TokenExchangeRequest.of(SUBJECT_TOKEN, "github")))
			.satisfies((ex) -> assertThat(ex.httpStatus()).isEqualTo(200));
	}

	@Test
	void exchangeWhenSuccessBodyHasNoAccessTokenThenUpstreamUnavailableException() {
		auth0.stubFor(tokenEndpoint(expectedForm("github", "urn:ietf:params:oauth:token-type:access_token"))
			.willReturn(okJson("{\"expires_in\":3600,\"token_type\":\"Bearer\"}")));

		assertThatExceptionOfType(UpstreamUnavailableException.class)
			.isThrownBy(() -> this.client.exchange(TokenExchangeRequest.of(SUBJECT_TOKEN, "github")))
			.withMessageContaining("without an access_token");
	}

	@Test
	void exchangeWhenErrorBodyIsGarbageThenUpstreamUnavailableException() {
		auth0.stubFor(tokenEndpoint(expectedForm("github", "urn:ietf:params:oauth:token-type:access_token"))
			.willReturn(aResponse().withStatus(401).withBody("Unauthorized")));

		assertThatExceptionOfType(UpstreamUnavailableException.class)
			.isThrownBy(() -> this.client.exchange(TokenExchangeRequest.of(SUBJECT_TOKEN, "github")))
			.satisfies((ex) -> {
				assertThat(ex.httpStatus()).isEqualTo(401);
				assertThat(ex.errorCode()).isNull();
			});
	}

	@Test
	void exchangeWhenAudienceSetThenIllegalArgumentAndNothingSent() {
		TokenExchangeRequest request = TokenExchangeRequest.builder(SUBJECT_TOKEN, "github")
			.audience("https://api.github.com")
			.build();

		assertThatIllegalArgumentException().isThrownBy(() -> this.client.exchange(request))
			.withMessageContaining("audiences");
		auth0.verify(0, postRequestedFor(urlEqualTo("/oauth/token")));
	}

	@Test
	void exchangeWhenResourceOrRequestedTokenTypeSetThenIllegalArgument() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.client.exchange(TokenExchangeRequest.builder(SUBJECT_TOKEN, "github")
				.resource(URI.create("https://api.github.com"))
				.build()))
			.withMessageContaining("resources");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.client.exchange(TokenExchangeRequest.builder(SUBJECT_TOKEN, "github")
				.requestedTokenType(URI.create("urn:ietf:params:oauth:token-type:access_token"))
				.build()))
			.withMessageContaining("requestedTokenType");
	}

	private TokenVaultOptions.Builder options() {
		return TokenVaultOptions.builder(URI.create(auth0.baseUrl() + "/oauth/token"), CLIENT_ID)
			.clientSecret(CLIENT_SECRET)
			.clock(this.clock);
	}

	private void stubError(int status, String error, String description) {
		auth0.stubFor(tokenEndpoint(expectedForm("github", "urn:ietf:params:oauth:token-type:access_token"))
			.willReturn(errorBody(status, error, description)));
	}

	static ResponseDefinitionBuilder errorBody(int status, String error, String description) {
		return aResponse().withStatus(status)
			.withHeader("Content-Type", "application/json")
			.withBody("{\"error\":\"%s\",\"error_description\":\"%s\"}".formatted(error, description));
	}

	static MappingBuilder tokenEndpoint(Map<String, String> form) {
		return post(urlEqualTo("/oauth/token")).andMatching(FormBody.exactly(form));
	}

	static Map<String, String> expectedForm(String connection, String subjectTokenType) {
		// Auth0 docs, "Token Vault token exchange": every parameter, and no scope.
		Map<String, String> form = new LinkedHashMap<>();
		form.put("grant_type", "urn:auth0:params:oauth:grant-type:token-exchange:federated-connection-access-token");
		form.put("subject_token", SUBJECT_TOKEN);
		form.put("subject_token_type", subjectTokenType);
		form.put("requested_token_type", "http://auth0.com/oauth/token-type/federated-connection-access-token");
		form.put("connection", connection);
		form.put("client_id", CLIENT_ID);
		form.put("client_secret", CLIENT_SECRET);
		return form;
	}

	static String success() {
		return """
				{"access_token":"%s","expires_in":3600,"scope":"repo",
				 "issued_token_type":"http://auth0.com/oauth/token-type/federated-connection-access-token",
				 "token_type":"Bearer"}""".formatted(PROVIDER_TOKEN);
	}

}
