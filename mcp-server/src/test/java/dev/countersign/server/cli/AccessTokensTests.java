package dev.countersign.server.cli;

import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;

import com.github.tomakehurst.wiremock.WireMockServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The bridge's access token: refreshed before it expires, replaced once on a 401, the
 * rotated refresh token written back, and a refused refresh token said plainly.
 */
class AccessTokensTests {

	private static final WireMockServer tenant = new WireMockServer(options().dynamicPort());

	@TempDir
	Path home;

	private final TestClock clock = new TestClock();

	private CredentialsFile file;

	private AccessTokens tokens;

	@BeforeAll
	static void start() {
		tenant.start();
	}

	@AfterAll
	static void stop() {
		tenant.stop();
	}

	@BeforeEach
	void reset() {
		tenant.resetAll();
		this.file = new CredentialsFile(this.home.resolve("credentials.json"));
		this.file.write(new Credentials(URI.create(tenant.baseUrl() + "/"),
				URI.create(tenant.baseUrl() + "/oauth/token"), "desktop", "aud", "r1"));
		this.tokens = new AccessTokens(this.file, new OAuthClient(HttpClient.newHttpClient(), Duration.ofSeconds(5)),
				this.clock);
		refresh("r1", "a1", "r2", 600);
		refresh("r2", "a2", "r3", 600);
	}

	@Test
	void currentWhenValidThenRefreshedOnlyOnce() {
		assertThat(this.tokens.current()).isEqualTo("a1");
		this.clock.advance(Duration.ofSeconds(530));
		assertThat(this.tokens.current()).isEqualTo("a1");
		tenant.verify(1, postRequestedFor(urlPathEqualTo("/oauth/token")));
	}

	@Test
	void currentWhenWithinAMinuteOfExpiryThenRefreshedAndTheRotatedTokenSaved() {
		assertThat(this.tokens.current()).isEqualTo("a1");
		assertThat(this.file.read().refreshToken()).isEqualTo("r2");
		this.clock.advance(Duration.ofSeconds(541));
		assertThat(this.tokens.current()).isEqualTo("a2");
		assertThat(this.file.read().refreshToken()).isEqualTo("r3");
	}

	@Test
	void replaceWhenTheRefusedTokenIsCurrentThenRefreshes() {
		String first = this.tokens.current();
		assertThat(this.tokens.replace(first)).isEqualTo("a2");
		assertThat(this.tokens.replace(first)).isEqualTo("a2");
		tenant.verify(2, postRequestedFor(urlPathEqualTo("/oauth/token")));
	}

	@Test
	void currentWhenTheRefreshTokenIsRefusedThenSaysToLogInAgain() {
		tenant.resetAll();
		tenant.stubFor(post("/oauth/token").willReturn(aResponse().withStatus(403)
			.withHeader("Content-Type", "application/json")
			.withBody("{\"error\":\"invalid_grant\",\"error_description\":\"Unknown or invalid refresh token.\"}")));
		assertThatExceptionOfType(CliException.class).isThrownBy(this.tokens::current)
			.withMessageContaining("countersign login again")
			.withMessageNotContaining("r1");
	}

	private static void refresh(String refreshToken, String accessToken, String rotated, long expiresIn) {
		tenant.stubFor(post("/oauth/token")
			.withRequestBody(equalTo("grant_type=refresh_token&client_id=desktop&refresh_token=" + refreshToken))
			.willReturn(okJson("{\"access_token\":\"" + accessToken + "\",\"refresh_token\":\"" + rotated
					+ "\",\"expires_in\":" + expiresIn + ",\"token_type\":\"Bearer\"}")));
	}

}
