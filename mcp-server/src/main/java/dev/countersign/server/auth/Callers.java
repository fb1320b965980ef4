package dev.countersign.server.auth;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import org.springframework.security.oauth2.jwt.Jwt;

/**
 * Decides what kind of {@link Caller} a validated token is. One place, so the three kinds
 * are told apart the same way everywhere.
 */
public final class Callers {

	private final Set<String> consoleClients;

	private final @Nullable String cibaClientId;

	/**
	 * Creates the classifier.
	 * @param consoleClients the console client ids
	 * @param cibaClientId Countersign's CIBA client id, if configured
	 */
	public Callers(List<String> consoleClients, @Nullable String cibaClientId) {
		this.consoleClients = Set.copyOf(consoleClients);
		this.cibaClientId = cibaClientId;
	}

	/**
	 * The caller a validated token stands for.
	 * @param jwt a token that passed every validator
	 * @return the caller
	 */
	public Caller of(Jwt jwt) {
		String client = client(jwt);
		CallerKind kind = kindOf(client);
		return new Caller(jwt.getSubject(), client, kind, scopes(jwt), jwt.getClaimAsString("email"),
				new AccessToken(jwt.getTokenValue(), jwt.getExpiresAt()));
	}

	CallerKind kindOf(String client) {
		if (client.equals(this.cibaClientId)) {
			return CallerKind.APPROVAL;
		}
		return this.consoleClients.contains(client) ? CallerKind.CONSOLE : CallerKind.AGENT;
	}

	/**
	 * The client a token was issued to: {@code azp}, else {@code client_id}.
	 * @param jwt the token
	 * @return the client id, or an empty string when the token names none
	 */
	static String client(Jwt jwt) {
		String azp = jwt.getClaimAsString("azp");
		if (azp != null && !azp.isBlank()) {
			return azp;
		}
		String clientId = jwt.getClaimAsString("client_id");
		return (clientId != null) ? clientId : "";
	}

	private static Set<String> scopes(Jwt jwt) {
		Set<String> scopes = new HashSet<>();
		String scope = jwt.getClaimAsString("scope");
		if (scope != null) {
			int start = -1;
			for (int i = 0; i <= scope.length(); i++) {
				boolean space = i == scope.length() || " \t\n\u000B\f\r".indexOf(scope.charAt(i)) >= 0;
				if (space && start >= 0) {
					scopes.add(scope.substring(start, i));
					start = -1;
				}
				else if (!space && start < 0) {
					start = i;
				}
			}
		}
		// Auth0 RBAC puts permissions in their own claim.
		List<String> permissions = jwt.getClaimAsStringList("permissions");
		if (permissions != null) {
			scopes.addAll(permissions);
		}
		return scopes;
	}

}
