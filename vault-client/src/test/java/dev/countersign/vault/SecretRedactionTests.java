package dev.countersign.vault;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static dev.countersign.vault.Auth0TokenVaultClientTests.CLIENT_ID;
import static dev.countersign.vault.Auth0TokenVaultClientTests.CLIENT_SECRET;
import static dev.countersign.vault.Auth0TokenVaultClientTests.PROVIDER_TOKEN;
import static dev.countersign.vault.Auth0TokenVaultClientTests.SUBJECT_TOKEN;
import static dev.countersign.vault.Auth0TokenVaultClientTests.errorBody;
import static dev.countersign.vault.Auth0TokenVaultClientTests.expectedForm;
import static dev.countersign.vault.Auth0TokenVaultClientTests.tokenEndpoint;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * A canary token or secret never shows in a {@code toString()} or an exception message.
 */
class SecretRedactionTests {

	@RegisterExtension
	static WireMockExtension auth0 = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

	@Test
	void providerTokenToStringWhenPrintedThenTokenRedacted() {
		ProviderToken token = new ProviderToken("github", PROVIDER_TOKEN, Instant.EPOCH, Set.of("repo"), null);

		assertThat(token.toString()).doesNotContain(PROVIDER_TOKEN).contains("access_token=[redacted]");
	}

	@Test
	void requestAndOptionsToStringWhenPrintedThenSecretsRedacted() {
		TokenExchangeRequest request = TokenExchangeRequest.of(SUBJECT_TOKEN, "github");
		TokenVaultOptions options = TokenVaultOptions
			.builder(URI.create("https://tenant.auth0.com/oauth/token"), CLIENT_ID)
			.clientSecret(CLIENT_SECRET)
			.build();

		assertThat(request.toString()).doesNotContain(SUBJECT_TOKEN).contains("subject_token=[redacted]");
		assertThat(options.toString()).doesNotContain(CLIENT_SECRET).contains("client_secret=[redacted]");
	}

	@Test
	void exchangeWhenAnyFailureThenNoExceptionTextContainsTokenOrSecret() {
		List<TokenVaultException> failures = new ArrayList<>();
		// Every error shape, including a server that echoes the subject token and the
		// secret.
		String echo = "subject " + SUBJECT_TOKEN + " client " + CLIENT_SECRET;
		failures.add(fail(errorBody(401, "federated_connection_refresh_token_not_found", echo)));
		failures.add(fail(errorBody(401, "federated_connection_refresh_token_flow_failed", echo)));
		failures.add(fail(errorBody(403, "invalid_grant", echo)));
		failures.add(fail(errorBody(401, "access_denied", echo)));
		failures.add(fail(errorBody(500, "server_error", echo)));
		failures.add(fail(aResponse().withStatus(200).withBody("{\"access_token\":\"" + PROVIDER_TOKEN + "\",")));
		failures.add(fail(okJson("{\"access_token\":\"" + PROVIDER_TOKEN + "\",\"expires_in\":\"soon\"}")));
		failures.add(fail(okJson(Auth0TokenVaultClientTests.success()).withFixedDelay(1_000)));

		assertThat(failures).hasSize(8).allSatisfy((ex) -> {
			for (String text : new String[] { ex.getMessage(), ex.toString(), String.valueOf(ex.errorDescription()) }) {
				assertThat(text).doesNotContain(SUBJECT_TOKEN, CLIENT_SECRET, PROVIDER_TOKEN);
			}
		});
	}

	private static TokenVaultException fail(ResponseDefinitionBuilder response) {
		auth0.resetAll();
		auth0.stubFor(tokenEndpoint(expectedForm("github", "urn:ietf:params:oauth:token-type:access_token"))
			.willReturn(response));
		TokenVaultClient client = TokenVaultClient
			.create(TokenVaultOptions.builder(URI.create(auth0.baseUrl() + "/oauth/token"), CLIENT_ID)
				.clientSecret(CLIENT_SECRET)
				.readTimeout(Duration.ofMillis(200))
				.build());
		TokenVaultException ex = catchThrowableOfType(TokenVaultException.class,
				() -> client.exchange(TokenExchangeRequest.of(SUBJECT_TOKEN, "github")));
		assertThat(ex).as("exchange must fail").isNotNull();
		assertThat(auth0.findAllUnmatchedRequests()).as("request matched the stub").isEmpty();
		return ex;
	}

}
