package dev.countersign.server.approval;

import java.util.Locale;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;

import dev.countersign.server.auth.InvalidConfigurationException;

/**
 * Spring binding for {@code countersign.vault.write-subject} (DESIGN §3, Writes): which
 * token is the subject of the Token Vault exchange that runs an approved batch.
 *
 * @param writeSubject {@code ciba-token} (the default: the approved CIBA access token) or
 * {@code refresh-token} (not supported yet: refused at start)
 */
@ConfigurationProperties("countersign.vault")
public record WriteSubjectProperties(@Nullable String writeSubject) {

	/** The approved CIBA access token is the subject of write exchanges. */
	public static final String CIBA_TOKEN = "ciba-token";

	/** The user's stored Auth0 refresh token would be the subject; not supported yet. */
	public static final String REFRESH_TOKEN = "refresh-token";

	/**
	 * Checks the setting.
	 * @throws InvalidConfigurationException for {@code refresh-token} (not supported yet)
	 * or any other unknown value
	 */
	public void requireSupported() {
		String value = (this.writeSubject != null) ? this.writeSubject.strip().toLowerCase(Locale.ROOT) : CIBA_TOKEN;
		if (REFRESH_TOKEN.equals(value)) {
			throw new InvalidConfigurationException("countersign.vault.write-subject",
					"refresh-token is not supported yet; use ciba-token (the default)");
		}
		if (!CIBA_TOKEN.equals(value)) {
			throw new InvalidConfigurationException("countersign.vault.write-subject",
					"must be ciba-token or refresh-token, but was " + this.writeSubject);
		}
	}

}
