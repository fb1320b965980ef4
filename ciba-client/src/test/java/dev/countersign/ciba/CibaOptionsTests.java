package dev.countersign.ciba;

import java.net.URI;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

class CibaOptionsTests {

	@Test
	void auth0WhenDomainThenHttpsEndpointsAndIssuer() {
		CibaOptions options = CibaOptions.auth0("countersign.eu.auth0.com", "id", "secret");

		assertThat(options.dialect()).isEqualTo(CibaDialect.AUTH0);
		assertThat(options.auth0Base()).isEqualTo("https://countersign.eu.auth0.com/");
		assertThat(options.backchannelAuthenticationEndpoint())
			.isEqualTo(URI.create("https://countersign.eu.auth0.com/bc-authorize"));
		assertThat(options.tokenEndpoint()).isEqualTo(URI.create("https://countersign.eu.auth0.com/oauth/token"));
		assertThat(options.bindingMessageProfile()).isEqualTo(BindingMessageProfile.AUTH0);
		assertThat(options.clientAuthentication()).isEqualTo(ClientAuthentication.CLIENT_SECRET_POST);
	}

	@Test
	void auth0WhenBaseUrlThenEndpointsRelativeToIt() {
		CibaOptions options = CibaOptions.auth0("http://127.0.0.1:8080/auth0", "id", "secret");

		assertThat(options.auth0Base()).isEqualTo("http://127.0.0.1:8080/auth0/");
		assertThat(options.backchannelAuthenticationEndpoint())
			.isEqualTo(URI.create("http://127.0.0.1:8080/auth0/bc-authorize"));
		assertThat(options.tokenEndpoint()).isEqualTo(URI.create("http://127.0.0.1:8080/auth0/oauth/token"));
		assertThat(CibaOptions.auth0("https://tenant.auth0.com/", "id", "s").auth0Base())
			.isEqualTo("https://tenant.auth0.com/");
	}

	@Test
	void auth0WhenDomainNotAHostThenRejected() {
		assertThatIllegalArgumentException().isThrownBy(() -> CibaOptions.auth0("tenant.auth0.com/?x=1", "id", "s"))
			.withMessage("domain must be a host name or a base URL, but was tenant.auth0.com/?x=1");
		assertThatIllegalArgumentException().isThrownBy(() -> CibaOptions.auth0("not a host", "id", "s"));
	}

	@Test
	void oidcWhenIssuerThenStandardWithoutProfile() {
		CibaOptions options = CibaOptions.oidc(URI.create("https://sso.example.com/realms/main"), "id", "s");

		assertThat(options.dialect()).isEqualTo(CibaDialect.STANDARD);
		assertThat(options.issuer()).isEqualTo(URI.create("https://sso.example.com/realms/main"));
		assertThat(options.bindingMessageProfile()).isNull();
		assertThat(options.auth0Base()).isNull();
	}

	@Test
	void builderWhenNoDialectThenRefused() {
		assertThatIllegalStateException().isThrownBy(() -> CibaOptions.builder("id", "s").build())
			.withMessageContaining("choose a dialect");
	}

	@Test
	void builderWhenBadSettingThenValueEchoed() {
		assertThatIllegalArgumentException().isThrownBy(() -> CibaOptions.builder("id", "s").maxStartAttempts(4))
			.withMessage("maxStartAttempts must be between 1 and 3, but was 4");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> CibaOptions.builder("id", "s").readTimeout(java.time.Duration.ofSeconds(-1)))
			.withMessage("readTimeout must be positive, but was PT-1S");
	}

	@Test
	void defaultsWhenNotSetThenDocumentedConstants() {
		CibaOptions options = CibaOptions.auth0("t.auth0.com", "id", "s");

		assertThat(options.connectTimeout()).isEqualTo(CibaOptions.DEFAULT_CONNECT_TIMEOUT);
		assertThat(options.readTimeout()).isEqualTo(CibaOptions.DEFAULT_READ_TIMEOUT);
		assertThat(options.maxStartAttempts()).isEqualTo(3);
		assertThat(options.startBackoff()).isEqualTo(CibaOptions.DEFAULT_START_BACKOFF);
		assertThat(options.maxRetryAfter()).isEqualTo(CibaOptions.DEFAULT_MAX_RETRY_AFTER);
	}

}
