package dev.countersign.server.console;

import java.net.URI;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;

import dev.countersign.server.auth.InvalidConfigurationException;

/**
 * Spring binding for {@code countersign.console.*}: the console client the user signs in
 * with so that Countersign gets their refresh token (only read with
 * {@code countersign.vault.write-subject=refresh-token}). {@link #toString()} never shows
 * the secret.
 *
 * @param clientId the console client (a regular web application in Auth0); must be one of
 * {@code countersign.auth.console-clients}
 * @param clientSecret its secret
 * @param redirectUri the callback registered with the client, for example
 * {@code https://countersign.example.com/console/callback}; defaults to
 * {@code countersign.http.public-url} followed by {@code /console/callback}
 */
@ConfigurationProperties("countersign.console")
public record ConsoleProperties(@Nullable String clientId, @Nullable String clientSecret, @Nullable URI redirectUri) {

	/**
	 * The client id, required, and one of the console clients.
	 * @param consoleClients {@code countersign.auth.console-clients}
	 * @return the client id
	 * @throws InvalidConfigurationException naming {@code countersign.console.client-id}
	 * when it is not set or not a console client
	 */
	public String requireClientId(List<String> consoleClients) {
		if (this.clientId == null || this.clientId.isBlank()) {
			throw new InvalidConfigurationException("countersign.console.client-id",
					"write-subject=refresh-token and countersign.connections.enabled need the console client users sign in with, which is not set "
							+ "(environment variable COUNTERSIGN_CONSOLE_CLIENT_ID)");
		}
		if (!consoleClients.contains(this.clientId)) {
			throw new InvalidConfigurationException("countersign.console.client-id",
					"must be one of countersign.auth.console-clients " + consoleClients + ", but was " + this.clientId);
		}
		return this.clientId;
	}

	/**
	 * The client secret, required.
	 * @return the secret
	 * @throws InvalidConfigurationException naming
	 * {@code countersign.console.client-secret} when it is not set
	 */
	public String requireClientSecret() {
		if (this.clientSecret == null || this.clientSecret.isBlank()) {
			throw new InvalidConfigurationException("countersign.console.client-secret",
					"write-subject=refresh-token and countersign.connections.enabled need the console client's secret, which is not set "
							+ "(environment variable COUNTERSIGN_CONSOLE_CLIENT_SECRET)");
		}
		return this.clientSecret;
	}

	/**
	 * Where users sign in: {@code PUBLIC_URL/console/login}, else the login path next to
	 * the configured redirect URI.
	 * @param publicUrl {@code countersign.http.public-url}, or null
	 * @return the sign-in URL
	 * @throws InvalidConfigurationException naming
	 * {@code countersign.console.redirect-uri} when neither is set, or when it is not an
	 * absolute http(s) URI
	 */
	public String signInUrl(@Nullable URI publicUrl) {
		if (this.redirectUri != null) {
			requireHttp(this.redirectUri);
			if (publicUrl == null) {
				return this.redirectUri.resolve(ConsoleSignIn.LOGIN_PATH).toString();
			}
		}
		if (publicUrl == null) {
			throw new InvalidConfigurationException("countersign.console.redirect-uri",
					"write-subject=refresh-token needs the console's callback URL to tell users where to sign in; "
							+ "set it (for example https://countersign.example.com/console/callback) or "
							+ "countersign.http.public-url");
		}
		String base = publicUrl.toString();
		return (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + ConsoleSignIn.LOGIN_PATH;
	}

	private static void requireHttp(URI uri) {
		if (!uri.isAbsolute() || !("https".equals(uri.getScheme()) || "http".equals(uri.getScheme()))
				|| uri.getRawFragment() != null) {
			throw new InvalidConfigurationException("countersign.console.redirect-uri",
					"must be an absolute http(s) URI without fragment, but was " + uri);
		}
	}

	@Override
	public String toString() {
		return "ConsoleProperties[clientId=" + this.clientId + ", clientSecret=[redacted], redirectUri="
				+ this.redirectUri + "]";
	}

}
