package dev.countersign.server.provider;

import java.net.URI;
import java.time.Duration;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Spring binding for {@code countersign.vault.*}: the Token Vault exchange and the
 * read-token cache.
 *
 * @param tokenEndpoint the token endpoint; defaults to {@code ISSUER/oauth/token} (Auth0)
 * @param clientId the client that performs exchanges (Auth0: the Custom API Client of the
 * Countersign API); required
 * @param clientSecret its secret; required
 * @param dialect {@code auth0} (Token Vault) or {@code standard} (RFC 8693); defaults to
 * {@code auth0}
 * @param audience the {@code audience} sent in the standard dialect
 * @param readCache whether provider tokens for reads are cached in memory; defaults to
 * true
 * @param readCacheMaxTtl the longest a read token is cached, whatever its lifetime;
 * defaults to 5 min
 */
@ConfigurationProperties("countersign.vault")
public record VaultProperties(@Nullable URI tokenEndpoint, @Nullable String clientId, @Nullable String clientSecret,
		@Nullable String dialect, @Nullable String audience, @Nullable Boolean readCache,
		@Nullable Duration readCacheMaxTtl) {

	public static final Duration DEFAULT_READ_CACHE_MAX_TTL = Duration.ofMinutes(5);

	@Override
	public String toString() {
		return "VaultProperties[tokenEndpoint=" + this.tokenEndpoint + ", clientId=" + this.clientId
				+ ", clientSecret=[redacted], dialect=" + this.dialect + ", audience=" + this.audience + ", readCache="
				+ this.readCache + ", readCacheMaxTtl=" + this.readCacheMaxTtl + "]";
	}

}
