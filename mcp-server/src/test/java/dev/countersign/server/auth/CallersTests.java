package dev.countersign.server.auth;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.security.oauth2.jwt.Jwt;

import static org.assertj.core.api.Assertions.assertThat;

class CallersTests {

	private final Callers callers = new Callers(List.of("console-app"), "countersign-ciba");

	@Test
	void scopesAreSplitOnAnyRunOfWhitespaceAndJoinedByPermissions() {
		Jwt token = token("agent-1").claim("scope", "  openid\tcountersign:manage \n profile ")
			.claim("permissions", List.of("deals:write"))
			.build();
		Caller caller = this.callers.of(token);
		assertThat(caller.scopes()).containsExactlyInAnyOrder("openid", "countersign:manage", "profile", "deals:write");
		assertThat(caller.kind()).isEqualTo(CallerKind.AGENT);
		assertThat(new CallerAuthentication(caller).getAuthorities()).extracting(Object::toString)
			.containsExactlyInAnyOrder("SCOPE_openid", "SCOPE_countersign:manage", "SCOPE_profile",
					"SCOPE_deals:write");
	}

	@Test
	void blankOrMissingScopeGivesNone() {
		assertThat(this.callers.of(token("agent-1").claim("scope", " \t ").build()).scopes()).isEmpty();
		assertThat(this.callers.of(token("agent-1").claim("scope", "openid").build()).scopes())
			.containsExactly("openid");
		assertThat(this.callers.of(token("console-app").build()).scopes()).isEmpty();
		assertThat(this.callers.of(token("console-app").build()).kind()).isEqualTo(CallerKind.CONSOLE);
	}

	private static Jwt.Builder token(String client) {
		return Jwt.withTokenValue("token")
			.header("alg", "RS256")
			.subject("auth0|ada")
			.claim("azp", client)
			.expiresAt(Instant.parse("2026-12-07T12:00:00Z"));
	}

}
