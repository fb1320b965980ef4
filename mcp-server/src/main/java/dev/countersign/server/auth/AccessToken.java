package dev.countersign.server.auth;

import java.time.Instant;
import java.util.Objects;

/**
 * A bearer token held in memory. Its {@link #toString()} never shows the value, so it is
 * safe in a log line by accident.
 *
 * @param value the compact JWT
 * @param expiresAt when it expires
 */
public record AccessToken(String value, Instant expiresAt) {

	public AccessToken {
		Objects.requireNonNull(value, "value must not be null");
		Objects.requireNonNull(expiresAt, "expiresAt must not be null");
	}

	@Override
	public String toString() {
		return "AccessToken[value=[redacted], expiresAt=" + this.expiresAt + "]";
	}

}
