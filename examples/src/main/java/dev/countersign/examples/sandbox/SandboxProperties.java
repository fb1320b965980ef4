package dev.countersign.examples.sandbox;

import java.net.URI;
import java.time.Duration;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Spring binding for {@code countersign.sandbox.*}.
 *
 * @param issuer the emulated tenant's issuer, {@code http://127.0.0.1:PORT/auth0/}
 * @param consoleClient the client id of the emulated console
 * @param tokenLifetime how long the tokens it mints live; defaults to 24 h, like an Auth0
 * API's default
 */
@ConfigurationProperties("countersign.sandbox")
public record SandboxProperties(@Nullable URI issuer, @Nullable String consoleClient,
		@Nullable Duration tokenLifetime) {

	/** The default token lifetime. */
	public static final Duration DEFAULT_TOKEN_LIFETIME = Duration.ofHours(24);

	/** The default console client id. */
	public static final String DEFAULT_CONSOLE_CLIENT = "sandbox-console";

	public Duration effectiveTokenLifetime() {
		return (this.tokenLifetime != null) ? this.tokenLifetime : DEFAULT_TOKEN_LIFETIME;
	}

	public String effectiveConsoleClient() {
		return (this.consoleClient != null) ? this.consoleClient : DEFAULT_CONSOLE_CLIENT;
	}

}
