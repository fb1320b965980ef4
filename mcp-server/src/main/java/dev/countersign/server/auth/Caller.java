package dev.countersign.server.auth;

import java.util.Objects;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * Who is calling: the user ({@code sub}), the client acting for them ({@code azp}), what
 * kind of caller that makes them, and the token they presented.
 *
 * @param user the user id, the token's {@code sub}
 * @param client the client id, the token's {@code azp} (or {@code client_id})
 * @param kind agent, console or approval
 * @param scopes the token's scopes
 * @param email the user's email, when the token carries one
 * @param token the token itself, kept in memory only
 */
public record Caller(String user, String client, CallerKind kind, Set<String> scopes, @Nullable String email,
		AccessToken token) {

	/** The key under which the caller travels in the MCP transport context. */
	public static final String CONTEXT_KEY = "countersign.caller";

	public Caller {
		Objects.requireNonNull(user, "user must not be null");
		Objects.requireNonNull(client, "client must not be null");
		Objects.requireNonNull(kind, "kind must not be null");
		Objects.requireNonNull(token, "token must not be null");
		scopes = Set.copyOf(scopes);
	}

	/**
	 * The agent's id: the client acting for the user.
	 * @return the client id
	 */
	public String agent() {
		return this.client;
	}

}
