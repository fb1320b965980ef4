package dev.countersign.examples.sandbox;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * What {@link EmulatedClientRegistration} accepts as a callback: {@code https} anywhere,
 * {@code http} only on a loopback IP literal or {@code localhost}, never a name that
 * merely starts like one, a fragment or user information.
 */
class EmulatedClientRegistrationTests {

	@Test
	void redirectUriWhenHttpsOrLoopbackHttpThenAccepted() {
		for (String uri : new String[] { "https://app.example/cb", "http://localhost:6274/oauth/callback",
				"http://127.0.0.1:33418/cb", "http://[::1]:8000/cb", "http://127.0.0.2/cb" }) {
			assertThat(EmulatedClientRegistration.redirectUri(uri)).as(uri).isEqualTo(URI.create(uri));
		}
	}

	@Test
	void redirectUriWhenUnsafeThenInvalidRedirectUriNamingIt() {
		for (String uri : new String[] { "http://evil.example/cb", "http://localhost.evil.example/cb",
				"http://127.0.0.1.nip.io/cb", "http://10.0.0.1/cb", "javascript:alert(1)", "/relative/cb",
				"https://app.example/cb#fragment", "https://user:pass@app.example/cb", "ftp://app.example/cb",
				"http://[::1/cb" }) {
			assertThatExceptionOfType(OAuthErrorException.class).as(uri)
				.isThrownBy(() -> EmulatedClientRegistration.redirectUri(uri))
				.satisfies((ex) -> {
					assertThat(ex.error()).isEqualTo("invalid_redirect_uri");
					assertThat(ex.getMessage()).contains("redirect_uris: " + uri + " is refused");
				});
		}
	}

	@Test
	void registerWhenValidThenPublicClientFoundByIdWithItsCallbacks() {
		EmulatedClientRegistration registration = new EmulatedClientRegistration(
				new EmulatedTenant(Emulations.ISSUER, Emulations.AUDIENCE, Duration.ofHours(1), Clock.systemUTC()),
				Clock.systemUTC());
		EmulatedClientRegistration.Client client = registration
			.register("{\"client_name\":\"Inspector\",\"redirect_uris\":[\"http://localhost:6274/cb\"]}");

		assertThat(client.id()).startsWith("dyn-");
		assertThat(registration.isRegistered(client.id())).isTrue();
		assertThat(registration.find(client.id()).orElseThrow().redirectUris())
			.containsExactly(URI.create("http://localhost:6274/cb"));
		assertThat(registration.isRegistered(Emulations.CONSOLE_CLIENT_ID)).isFalse();
	}

}
