package dev.countersign.policy.account;

import java.time.Instant;
import java.util.Objects;

/**
 * A user's refresh token as stored: ciphertext and metadata only, NEVER the token.
 * {@link RefreshTokenCipher#seal} makes one and {@link RefreshTokenCipher#open} reads it.
 * {@link #toString()} does not print the ciphertext.
 *
 * @param user the user id ({@code sub}); not blank
 * @param keyId the id of the key that sealed it; not blank
 * @param ciphertext {@code KEY_ID:BASE64URL(nonce || ciphertext || tag)}; not blank
 * @param storedAt when it was sealed
 */
public record StoredRefreshToken(String user, String keyId, String ciphertext, Instant storedAt) {

	public StoredRefreshToken {
		Objects.requireNonNull(user, "user must not be null");
		Objects.requireNonNull(keyId, "keyId must not be null");
		Objects.requireNonNull(ciphertext, "ciphertext must not be null");
		Objects.requireNonNull(storedAt, "storedAt must not be null");
		if (user.isBlank()) {
			throw new IllegalArgumentException("user must not be blank");
		}
		if (keyId.isBlank()) {
			throw new IllegalArgumentException("keyId must not be blank");
		}
		if (ciphertext.isBlank()) {
			throw new IllegalArgumentException("ciphertext must not be blank");
		}
	}

	@Override
	public String toString() {
		return "StoredRefreshToken[user=" + this.user + ", keyId=" + this.keyId + ", ciphertext=[sealed], storedAt="
				+ this.storedAt + "]";
	}

}
