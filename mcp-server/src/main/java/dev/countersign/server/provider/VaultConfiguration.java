package dev.countersign.server.provider;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;

import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.core.IntervalFunction;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.countersign.policy.trust.TrustStore;
import dev.countersign.server.auth.AuthProperties;
import dev.countersign.server.auth.InvalidConfigurationException;
import dev.countersign.vault.ReadTokenCache;
import dev.countersign.vault.TokenExchangeDialect;
import dev.countersign.vault.TokenVaultClient;
import dev.countersign.vault.TokenVaultOptions;
import dev.countersign.vault.UpstreamUnavailableException;

/**
 * Wires the Token Vault exchange for reads: the client from {@code countersign.vault.*},
 * the read-token cache, and the resilience of the {@code auth0} upstream.
 */
@Configuration(proxyBeanMethods = false)
public class VaultConfiguration {

	/** The circuit breaker and retry name of the Auth0 upstream. */
	public static final String AUTH0 = "auth0";

	@Bean
	TokenVaultClient tokenVaultClient(VaultProperties vault, AuthProperties auth, Clock clock) {
		if (vault.clientId() == null || vault.clientId().isBlank()) {
			throw new InvalidConfigurationException("countersign.vault.client-id",
					"the client that exchanges tokens at Token Vault is not set (Auth0: the Custom API Client of the Countersign API)");
		}
		if (vault.clientSecret() == null || vault.clientSecret().isBlank()) {
			throw new InvalidConfigurationException("countersign.vault.client-secret",
					"the Token Vault client's secret is not set (environment variable COUNTERSIGN_VAULT_CLIENT_SECRET)");
		}
		URI endpoint = (vault.tokenEndpoint() != null) ? vault.tokenEndpoint() : tokenEndpoint(auth.requireIssuer());
		return TokenVaultClient.create(TokenVaultOptions.builder(endpoint, vault.clientId())
			.clientSecret(vault.clientSecret())
			.dialect(dialect(vault.dialect()))
			.clock(clock)
			.build());
	}

	@Bean
	ReadTokenCache readTokenCache(VaultProperties vault, Clock clock) {
		return ReadTokenCache.builder()
			.enabled(vault.readCache() == null || vault.readCache())
			.maxTtl((vault.readCacheMaxTtl() != null) ? vault.readCacheMaxTtl()
					: VaultProperties.DEFAULT_READ_CACHE_MAX_TTL)
			.clock(clock)
			.build();
	}

	@Bean
	ProviderTokens providerTokens(TokenVaultClient client, ReadTokenCache cache, TrustStore trust,
			@Qualifier("providerCircuitBreakers") CircuitBreakerRegistry breakers) {
		// Token exchanges may be retried (DESIGN §9); only an unavailable Token Vault is.
		Retry retry = Retry.of(AUTH0,
				RetryConfig.custom()
					.maxAttempts(3)
					.intervalFunction(IntervalFunction.ofExponentialBackoff(Duration.ofMillis(200), 2))
					.retryExceptions(UpstreamUnavailableException.class)
					.build());
		// the user's credential epoch is part of the cache key: a revoke or a disconnect
		// advances it in the store, which drops the user's read tokens on every replica
		return new VaultProviderTokens(client, cache, breakers.circuitBreaker(AUTH0), retry, trust::credentialEpoch);
	}

	/**
	 * The Token Vault token endpoint: {@code countersign.vault.token-endpoint}, else
	 * Auth0's under the issuer.
	 * @param vault the vault settings
	 * @param auth the auth settings
	 * @return the endpoint
	 */
	public static URI tokenEndpoint(VaultProperties vault, AuthProperties auth) {
		return (vault.tokenEndpoint() != null) ? vault.tokenEndpoint() : tokenEndpoint(auth.requireIssuer());
	}

	private static URI tokenEndpoint(URI issuer) {
		String base = issuer.toString();
		return URI.create(base + (base.endsWith("/") ? "" : "/") + "oauth/token");
	}

	/**
	 * The exchange dialect named by {@code countersign.vault.dialect}.
	 * @param name the setting, or null for Auth0's
	 * @return the dialect
	 * @throws InvalidConfigurationException when it is neither auth0 nor standard
	 */
	public static TokenExchangeDialect dialect(@Nullable String name) {
		if (name == null || name.isBlank()) {
			return TokenExchangeDialect.AUTH0;
		}
		try {
			return TokenExchangeDialect.valueOf(name.trim().toUpperCase(Locale.ROOT));
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidConfigurationException("countersign.vault.dialect",
					"must be auth0 or standard, but was " + name);
		}
	}

}
