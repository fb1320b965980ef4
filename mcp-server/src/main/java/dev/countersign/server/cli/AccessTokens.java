package dev.countersign.server.cli;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * The bridge's access token: obtained with the stored refresh token, kept in memory only,
 * refreshed {@value #REFRESH_BEFORE_SECONDS} seconds (at most half its lifetime) before
 * it expires or at once when the server answers 401. When the server rotates refresh
 * tokens, the new one is written back to the credentials file before the access token is
 * used, so a crash never leaves the file with a spent token. Thread-safe: one refresh at
 * a time.
 */
final class AccessTokens {

	/** How long before its expiry a token is replaced. */
	static final long REFRESH_BEFORE_SECONDS = 60;

	private final CredentialsFile file;

	private final OAuthClient client;

	private final Clock clock;

	private @Nullable Credentials credentials;

	private @Nullable String accessToken;

	private Instant refreshAt = Instant.MIN;

	AccessTokens(CredentialsFile file, OAuthClient client, Clock clock) {
		this.file = file;
		this.client = client;
		this.clock = clock;
	}

	/**
	 * A valid access token, refreshing it if it is missing or about to expire.
	 * @return the token
	 * @throws CliException when not logged in, the file is refused, or the tenant refuses
	 * the refresh token
	 */
	synchronized String current() {
		if (this.accessToken == null || !this.clock.instant().isBefore(this.refreshAt)) {
			refresh();
		}
		return this.accessToken;
	}

	/**
	 * Replaces the token the server refused, unless another caller already did.
	 * @param refused the token the server answered 401 to
	 * @return a new token
	 */
	synchronized String replace(String refused) {
		if (refused.equals(this.accessToken)) {
			refresh();
		}
		return current();
	}

	private void refresh() {
		if (this.credentials == null) {
			this.credentials = this.file.read();
		}
		Credentials held = this.credentials;
		OAuthClient.TokenResponse tokens;
		try {
			tokens = this.client.refresh(held.tokenEndpoint(), held.clientId(), held.refreshToken());
		}
		catch (OAuthException ex) {
			this.accessToken = null;
			if ("invalid_grant".equals(ex.error())) {
				// Maybe another bridge rotated it: read the file once more before giving
				// up.
				Credentials reread = this.file.read();
				if (!reread.refreshToken().equals(held.refreshToken())) {
					this.credentials = reread;
					refresh();
					return;
				}
				throw new CliException("The sign-in has ended (the tenant refused the refresh token: " + ex.error()
						+ "); run countersign login again");
			}
			throw new CliException("The tenant refused to refresh the access token (" + ex.getMessage() + ")");
		}
		String rotated = tokens.refreshToken();
		if (rotated != null && !rotated.equals(held.refreshToken())) {
			Credentials updated = held.withRefreshToken(rotated);
			this.file.write(updated);
			this.credentials = updated;
		}
		this.accessToken = tokens.accessToken();
		Duration lifetime = tokens.expiresIn();
		Duration margin = Duration.ofSeconds(Math.min(REFRESH_BEFORE_SECONDS, lifetime.toSeconds() / 2));
		this.refreshAt = this.clock.instant().plus(lifetime).minus(margin);
	}

}
