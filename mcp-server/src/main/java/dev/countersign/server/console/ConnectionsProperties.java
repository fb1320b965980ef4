package dev.countersign.server.console;

import java.net.URI;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Spring binding for {@code countersign.connections.*}: connecting provider accounts
 * through Auth0's My Account API (DESIGN §12).
 *
 * @param enabled whether {@code /api/v1/connections} connects and disconnects accounts;
 * it needs the console sign-in ({@code countersign.console.*} and
 * {@code countersign.vault.refresh-token-key}), whose refresh token gets the My Account
 * token
 * @param myAccountUrl the My Account API base; default {@code ISSUER/me/v1}
 * @param audience the My Account API audience; default {@code ISSUER/me/}
 * @param available the connections offered; default {@code google-oauth2, github}
 */
@ConfigurationProperties("countersign.connections")
public record ConnectionsProperties(boolean enabled, @Nullable URI myAccountUrl, @Nullable String audience,
		@Nullable List<String> available) {

	/** The connections Countersign's tools use. */
	public static final List<String> DEFAULT_CONNECTIONS = List.of("google-oauth2", "github");

	/**
	 * The My Account API base.
	 * @param issuer the tenant's issuer
	 * @return the configured base, else {@code ISSUER/me/v1}
	 */
	public String effectiveMyAccountUrl(URI issuer) {
		return (this.myAccountUrl != null) ? this.myAccountUrl.toString() : withSlash(issuer) + "me/v1";
	}

	/**
	 * The My Account API audience.
	 * @param issuer the tenant's issuer
	 * @return the configured audience, else {@code ISSUER/me/}
	 */
	public String effectiveAudience(URI issuer) {
		return (this.audience != null && !this.audience.isBlank()) ? this.audience : withSlash(issuer) + "me/";
	}

	/**
	 * The connections offered.
	 * @return the configured ones, else {@link #DEFAULT_CONNECTIONS}
	 */
	public List<String> effectiveConnections() {
		return (this.available != null && !this.available.isEmpty()) ? List.copyOf(this.available)
				: DEFAULT_CONNECTIONS;
	}

	private static String withSlash(URI issuer) {
		String base = issuer.toString();
		return base.endsWith("/") ? base : base + "/";
	}

}
