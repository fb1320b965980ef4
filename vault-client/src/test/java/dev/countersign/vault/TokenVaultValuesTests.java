package dev.countersign.vault;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

/**
 * Validation and defaults of the option and value types.
 */
class TokenVaultValuesTests {

	static final URI ENDPOINT = URI.create("https://tenant.eu.auth0.com/oauth/token");

	@Test
	void optionsWhenOnlyRequiredSetThenDefaults() {
		TokenVaultOptions options = TokenVaultOptions.builder(ENDPOINT, "client").clientSecret("secret").build();

		assertThat(options.dialect()).isEqualTo(TokenExchangeDialect.AUTH0);
		assertThat(options.clientAuthenticationMethod()).isEqualTo(ClientAuthenticationMethod.CLIENT_SECRET_POST);
		assertThat(options.connectTimeout()).isEqualTo(Duration.ofSeconds(2))
			.isEqualTo(TokenVaultOptions.DEFAULT_CONNECT_TIMEOUT);
		assertThat(options.readTimeout()).isEqualTo(Duration.ofSeconds(5))
			.isEqualTo(TokenVaultOptions.DEFAULT_READ_TIMEOUT);
	}

	@Test
	void optionsWhenNoSecretThenIllegalState() {
		assertThatIllegalStateException().isThrownBy(() -> TokenVaultOptions.builder(ENDPOINT, "client").build())
			.withMessage("clientSecret must be set");
	}

	@Test
	void optionsWhenBadValuesThenEchoesThem() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> TokenVaultOptions.builder(URI.create("/oauth/token"), "client"))
			.withMessage("tokenEndpoint must be an absolute http(s) URI, but was /oauth/token");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> TokenVaultOptions.builder(ENDPOINT, "client").readTimeout(Duration.ZERO))
			.withMessage("readTimeout must be positive, but was PT0S");
		assertThatNullPointerException().isThrownBy(() -> TokenVaultOptions.builder(ENDPOINT, null))
			.withMessage("clientId must not be null");
	}

	@Test
	void requestWhenBuiltThenDefaultsToAccessTokenAndCopiesLists() {
		TokenExchangeRequest request = TokenExchangeRequest.of("subject", "github");

		assertThat(request.subjectTokenType()).isEqualTo(SubjectTokenType.ACCESS_TOKEN);
		assertThat(request.subjectTokenType().uri()).isEqualTo("urn:ietf:params:oauth:token-type:access_token");
		assertThat(request.audiences()).isEmpty();
		assertThat(request.loginHint()).isNull();
	}

	@Test
	void requestWhenInvalidThenRejected() {
		assertThatNullPointerException()
			.isThrownBy(() -> new TokenExchangeRequest(null, SubjectTokenType.ACCESS_TOKEN, "github", null, null,
					List.of(), List.of()))
			.withMessage("subjectToken must not be null");
		assertThatIllegalArgumentException().isThrownBy(() -> TokenExchangeRequest.of(" ", "github"))
			.withMessage("subjectToken must not be blank");
		assertThatIllegalArgumentException().isThrownBy(() -> TokenExchangeRequest.of("subject", ""))
			.withMessage("connection must not be blank");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> TokenExchangeRequest.builder("subject", "x")
				.resource(URI.create("https://api.example.com/#frag"))
				.build())
			.withMessageContaining("without fragment");
	}

	@Test
	void providerTokenWhenInvalidThenRejected() {
		assertThatNullPointerException().isThrownBy(() -> new ProviderToken("github", "token", null, Set.of(), null))
			.withMessage("expiresAt must not be null");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new ProviderToken("github", "", Instant.EPOCH, Set.of(), null))
			.withMessage("accessToken must not be blank");
	}

	@Test
	void providerTokenIsExpiredAtExpiry() {
		Instant expiresAt = Instant.parse("2025-06-01T10:00:00Z");
		ProviderToken token = new ProviderToken("github", "token", expiresAt, Set.of(), null);

		assertThat(token.isExpiredAt(expiresAt.minusMillis(1))).isFalse();
		assertThat(token.isExpiredAt(expiresAt)).isTrue();
	}

}
