package dev.countersign.vault;

import java.time.Instant;
import java.util.Objects;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * A provider access token obtained by a token exchange. It lives in memory only: never
 * write it to a store, a log, the audit trail or an MCP response. {@link #toString()}
 * prints {@code access_token=[redacted]}, never the value. The constructor throws
 * {@link NullPointerException} for a {@code null} required component and
 * {@link IllegalArgumentException} for a blank access token.
 *
 * @param connection the connection the token is for, e.g. {@code github}
 * @param accessToken the provider access token; not blank
 * @param expiresAt when the token expires: the client's clock before the request plus
 * {@code expires_in}; the request time itself when the server sent no {@code expires_in}
 * @param scopes the granted scopes from {@code scope}, empty when the server sent none
 * @param issuedTokenType the {@code issued_token_type}, or {@code null} when the server
 * sent none
 */
public record ProviderToken(String connection, String accessToken, Instant expiresAt, Set<String> scopes,
		@Nullable String issuedTokenType) {

	public ProviderToken {
		Objects.requireNonNull(connection, "connection must not be null");
		Objects.requireNonNull(accessToken, "accessToken must not be null");
		Objects.requireNonNull(expiresAt, "expiresAt must not be null");
		Objects.requireNonNull(scopes, "scopes must not be null");
		if (accessToken.isBlank()) {
			throw new IllegalArgumentException("accessToken must not be blank");
		}
		scopes = Set.copyOf(scopes);
	}

	/**
	 * Return whether the token has expired at the given instant.
	 * @param now the instant to test
	 * @return {@code true} if {@code now} is at or after {@link #expiresAt()}
	 */
	public boolean isExpiredAt(Instant now) {
		return !now.isBefore(this.expiresAt);
	}

	@Override
	public String toString() {
		return "ProviderToken[connection=" + this.connection + ", access_token=[redacted], expiresAt=" + this.expiresAt
				+ ", scopes=" + this.scopes + ", issuedTokenType=" + this.issuedTokenType + "]";
	}

}
