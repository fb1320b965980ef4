package dev.countersign.server.auth;

import java.time.Instant;
import java.util.Set;

/**
 * Callers for unit tests outside this package.
 */
public final class TestCallers {

	private TestCallers() {
	}

	public static CallerAuthentication agent(String user, String client) {
		return new CallerAuthentication(new Caller(user, client, CallerKind.AGENT, Set.of("openid"), null,
				new AccessToken("test-token", Instant.now().plusSeconds(600))));
	}

}
