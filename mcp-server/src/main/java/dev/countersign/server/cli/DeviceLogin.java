package dev.countersign.server.cli;

import java.io.PrintStream;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * {@code countersign login}: the OAuth device authorization grant (RFC 8628) for the
 * public desktop client. It asks for a code, tells the user on stderr where to enter it,
 * polls the token endpoint at the server's interval (five seconds more after each
 * {@code slow_down}, RFC 8628 §3.5) until the user approves, denies, or the code expires,
 * and returns credentials holding only the refresh token. The access token it gets is
 * dropped: {@code countersign stdio} gets fresh ones.
 *
 * <pre>{@code
 * Credentials credentials = new DeviceLogin(client, Clock.systemUTC(), (d) -> Thread.sleep(d.toMillis()), System.err)
 * 	.run(issuer, "countersign-desktop", "https://countersign.example/mcp");
 * }</pre>
 */
final class DeviceLogin {

	/**
	 * The scopes asked: a refresh token, and nothing of the user's profile beyond the ID.
	 */
	static final String SCOPE = "openid offline_access";

	/** RFC 8628 §3.5: what a {@code slow_down} adds to the interval. */
	static final Duration SLOW_DOWN_STEP = Duration.ofSeconds(5);

	private final OAuthClient client;

	private final Clock clock;

	private final Sleeper sleeper;

	private final PrintStream err;

	DeviceLogin(OAuthClient client, Clock clock, Sleeper sleeper, PrintStream err) {
		this.client = client;
		this.clock = clock;
		this.sleeper = sleeper;
		this.err = err;
	}

	/**
	 * Runs the device flow.
	 * @param issuer the tenant's issuer
	 * @param clientId the public desktop client
	 * @param audience the Countersign API identifier
	 * @return the credentials to keep
	 * @throws CliException when the user denied, the code expired, or the tenant refused
	 */
	Credentials run(URI issuer, String clientId, String audience) {
		OAuthClient.Endpoints endpoints = this.client.discover(issuer);
		OAuthClient.DeviceAuthorization authorization = this.client
			.startDeviceAuthorization(endpoints.deviceAuthorization(), clientId, audience, SCOPE);
		this.err.println("To sign in to Countersign, open " + authorization.verificationUri());
		this.err.println("and enter the code " + authorization.userCode());
		if (authorization.verificationUriComplete() != null) {
			this.err.println("(or open " + authorization.verificationUriComplete() + ")");
		}
		this.err.println("Waiting for you to approve it ...");
		this.err.flush();
		Instant deadline = this.clock.instant().plus(authorization.expiresIn());
		Duration interval = authorization.interval();
		while (true) {
			pause(interval);
			if (!this.clock.instant().isBefore(deadline)) {
				throw new CliException("The code " + authorization.userCode()
						+ " expired before it was approved; run countersign login again");
			}
			OAuthClient.TokenResponse tokens;
			try {
				tokens = this.client.redeemDeviceCode(endpoints.token(), clientId, authorization.deviceCode());
			}
			catch (OAuthException ex) {
				switch (ex.error()) {
					case "authorization_pending" -> {
						continue;
					}
					case "slow_down" -> {
						interval = interval.plus(SLOW_DOWN_STEP);
						continue;
					}
					case "expired_token" -> throw new CliException("The code " + authorization.userCode()
							+ " expired before it was approved; run countersign login again");
					case "access_denied" ->
						throw new CliException("The sign-in was denied on the approval page; nothing was saved");
					default -> throw new CliException("The tenant refused the sign-in (" + ex.getMessage() + ")");
				}
			}
			String refreshToken = tokens.refreshToken();
			if (refreshToken == null || refreshToken.isBlank()) {
				throw new CliException("The tenant issued no refresh token: allow offline access for the API "
						+ audience + " and the refresh token grant for the client " + clientId);
			}
			return new Credentials(issuer, endpoints.token(), clientId, audience, refreshToken);
		}
	}

	private void pause(Duration interval) {
		try {
			this.sleeper.sleep(interval);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new CliException("Interrupted while waiting for the approval", ex);
		}
	}

	/**
	 * Waits between polls; tests record instead of sleeping.
	 */
	@FunctionalInterface
	interface Sleeper {

		void sleep(Duration duration) throws InterruptedException;

	}

}
