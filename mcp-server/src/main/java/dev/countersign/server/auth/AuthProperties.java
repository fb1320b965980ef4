package dev.countersign.server.auth;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;

/**
 * Spring binding for {@code countersign.auth.*}: who issues the tokens Countersign
 * accepts and which clients are which.
 *
 * @param issuer the token issuer, exactly as in {@code iss} (for Auth0
 * {@code https://TENANT/}); required
 * @param audience the Countersign API identifier, required in {@code aud}; required
 * @param jwksUri where the issuer's signing keys are; defaults to
 * {@code ISSUER.well-known/jwks.json}, Auth0's location
 * @param consoleClients the client ids whose tokens may manage settings on
 * {@code /api/v1} (with the {@code countersign:manage} scope) and may not call
 * {@code /mcp}
 * @param algorithms the signature algorithms accepted; defaults to RS256
 * @param clockSkew the leeway on {@code exp} and {@code nbf}; defaults to 30 s
 */
@ConfigurationProperties("countersign.auth")
public record AuthProperties(@Nullable URI issuer, @Nullable String audience, @Nullable URI jwksUri,
		@Nullable List<String> consoleClients, @Nullable List<String> algorithms, @Nullable Duration clockSkew) {

	/** The default clock skew. */
	public static final Duration DEFAULT_CLOCK_SKEW = Duration.ofSeconds(30);

	/** The default algorithm allow-list. */
	public static final List<String> DEFAULT_ALGORITHMS = List.of("RS256");

	/** The scope that lets a console client manage the user's settings. */
	public static final String MANAGE_SCOPE = "countersign:manage";

	/**
	 * The issuer, required.
	 * @return the issuer
	 * @throws InvalidConfigurationException when it is not set
	 */
	public URI requireIssuer() {
		if (this.issuer == null) {
			throw new InvalidConfigurationException("countersign.auth.issuer",
					"the token issuer is not set; for Auth0 it is https://YOUR_TENANT/ (environment variable COUNTERSIGN_AUTH_ISSUER)");
		}
		return this.issuer;
	}

	/**
	 * The audience, required.
	 * @return the audience
	 * @throws InvalidConfigurationException when it is not set
	 */
	public String requireAudience() {
		if (this.audience == null || this.audience.isBlank()) {
			throw new InvalidConfigurationException("countersign.auth.audience",
					"the Countersign API identifier is not set (environment variable COUNTERSIGN_AUTH_AUDIENCE)");
		}
		return this.audience;
	}

	/**
	 * The JWKS location: the configured one, or Auth0's under the issuer.
	 * @return the JWKS URI
	 */
	public URI effectiveJwksUri() {
		if (this.jwksUri != null) {
			return this.jwksUri;
		}
		String issuer = requireIssuer().toString();
		return URI.create(issuer + (issuer.endsWith("/") ? "" : "/") + ".well-known/jwks.json");
	}

	/**
	 * The console clients, possibly none.
	 * @return the client ids
	 */
	public List<String> effectiveConsoleClients() {
		return (this.consoleClients != null) ? this.consoleClients : List.of();
	}

	/**
	 * The accepted algorithms, whoever reads them first refusing a bad one.
	 * @return the algorithm names
	 * @throws InvalidConfigurationException naming the setting when one is not an
	 * asymmetric JWS algorithm ({@code none} and HMAC are refused)
	 */
	public List<String> effectiveAlgorithms() {
		List<String> names = (this.algorithms != null && !this.algorithms.isEmpty()) ? this.algorithms
				: DEFAULT_ALGORITHMS;
		for (String name : names) {
			// Asymmetric algorithms only: never none, never HMAC keyed with a public key.
			if (SignatureAlgorithm.from(name) == null) {
				throw new InvalidConfigurationException("countersign.auth.algorithms",
						"only asymmetric signature algorithms (RS256, ES256, PS256, …) are accepted, but got " + name);
			}
		}
		return names;
	}

	/**
	 * The clock skew.
	 * @return the skew
	 */
	public Duration effectiveClockSkew() {
		return (this.clockSkew != null) ? this.clockSkew : DEFAULT_CLOCK_SKEW;
	}

}
