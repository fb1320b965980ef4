package dev.countersign.server.approval;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;

import dev.countersign.policy.account.RefreshTokenCipher;
import dev.countersign.server.auth.InvalidConfigurationException;

/**
 * Spring binding for {@code countersign.vault.write-subject} and the refresh-token key
 * (DESIGN §3, Writes): which token is the subject of the Token Vault exchange that runs
 * an approved batch. {@link #toString()} never shows the key.
 *
 * @param writeSubject {@code ciba-token} (the default: the approved CIBA access token) or
 * {@code refresh-token} (the user's Auth0 refresh token from the console sign-in, stored
 * sealed)
 * @param refreshTokenKey the key that seals stored refresh tokens: raw text of at least
 * 32 bytes; required with {@code refresh-token}
 * @param refreshTokenKeyId the id of that key, written in front of each ciphertext so
 * keys can rotate; defaults to {@code k1}
 */
@ConfigurationProperties("countersign.vault")
public record WriteSubjectProperties(@Nullable String writeSubject, @Nullable String refreshTokenKey,
		@Nullable String refreshTokenKeyId) {

	/** The approved CIBA access token is the subject of write exchanges. */
	public static final String CIBA_TOKEN = "ciba-token";

	/** The user's stored Auth0 refresh token is the subject of write exchanges. */
	public static final String REFRESH_TOKEN = "refresh-token";

	/** The default id of the refresh-token key. */
	public static final String DEFAULT_KEY_ID = "k1";

	/**
	 * Checks the setting.
	 * @return true for {@code refresh-token}, false for {@code ciba-token} (the default)
	 * @throws InvalidConfigurationException for any other value
	 */
	public boolean usesRefreshToken() {
		String value = (this.writeSubject != null) ? this.writeSubject.strip().toLowerCase(Locale.ROOT) : CIBA_TOKEN;
		if (REFRESH_TOKEN.equals(value)) {
			return true;
		}
		if (!CIBA_TOKEN.equals(value)) {
			throw new InvalidConfigurationException("countersign.vault.write-subject",
					"must be ciba-token or refresh-token, but was " + this.writeSubject);
		}
		return false;
	}

	/**
	 * The cipher that seals and opens stored refresh tokens.
	 * @return the cipher
	 * @throws InvalidConfigurationException naming
	 * {@code countersign.vault.refresh-token-key} when it is missing or too short, or
	 * {@code refresh-token-key-id} when malformed
	 */
	public RefreshTokenCipher requireCipher() {
		if (this.refreshTokenKey == null || this.refreshTokenKey.isBlank()) {
			throw new InvalidConfigurationException("countersign.vault.refresh-token-key",
					"the console sign-in (write-subject=refresh-token or countersign.connections.enabled) stores users' refresh tokens sealed with this key, which is not set "
							+ "(raw text, at least " + RefreshTokenCipher.MIN_KEY_BYTES
							+ " bytes; environment variable COUNTERSIGN_VAULT_REFRESH_TOKEN_KEY)");
		}
		byte[] key = this.refreshTokenKey.getBytes(StandardCharsets.UTF_8);
		if (key.length < RefreshTokenCipher.MIN_KEY_BYTES) {
			throw new InvalidConfigurationException("countersign.vault.refresh-token-key",
					"must be at least " + RefreshTokenCipher.MIN_KEY_BYTES + " bytes, but was " + key.length);
		}
		String keyId = (this.refreshTokenKeyId != null) ? this.refreshTokenKeyId : DEFAULT_KEY_ID;
		try {
			return RefreshTokenCipher.of(keyId, key);
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidConfigurationException("countersign.vault.refresh-token-key-id", ex.getMessage());
		}
	}

	@Override
	public String toString() {
		return "WriteSubjectProperties[writeSubject=" + this.writeSubject + ", refreshTokenKey=[redacted], "
				+ "refreshTokenKeyId=" + this.refreshTokenKeyId + "]";
	}

}
