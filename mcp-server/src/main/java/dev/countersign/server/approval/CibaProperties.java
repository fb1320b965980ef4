package dev.countersign.server.approval;

import java.net.URI;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;

import dev.countersign.server.auth.InvalidConfigurationException;

/**
 * Spring binding for {@code countersign.ciba.*}: the client Countersign asks users'
 * phones with (DESIGN §4 step 4). {@link #toString()} never shows the secret.
 *
 * @param clientId Countersign's CIBA client; required
 * @param clientSecret its secret; required
 * @param baseUrl the tenant's base URL ({@code /bc-authorize} and {@code /oauth/token}
 * are under it); defaults to {@code countersign.auth.issuer}
 */
@ConfigurationProperties("countersign.ciba")
public record CibaProperties(@Nullable String clientId, @Nullable String clientSecret, @Nullable URI baseUrl) {

	/**
	 * The client id, required.
	 * @return the client id
	 * @throws InvalidConfigurationException when it is not set
	 */
	public String requireClientId() {
		if (this.clientId == null || this.clientId.isBlank()) {
			throw new InvalidConfigurationException("countersign.ciba.client-id",
					"the CIBA client that asks users to approve writes is not set (environment variable COUNTERSIGN_CIBA_CLIENT_ID)");
		}
		return this.clientId;
	}

	/**
	 * The client secret, required.
	 * @return the secret
	 * @throws InvalidConfigurationException when it is not set
	 */
	public String requireClientSecret() {
		if (this.clientSecret == null || this.clientSecret.isBlank()) {
			throw new InvalidConfigurationException("countersign.ciba.client-secret",
					"the CIBA client's secret is not set (environment variable COUNTERSIGN_CIBA_CLIENT_SECRET)");
		}
		return this.clientSecret;
	}

	/**
	 * The tenant base URL.
	 * @param issuer the auth issuer, used when no base URL is set
	 * @return the base URL
	 */
	public URI effectiveBaseUrl(URI issuer) {
		return (this.baseUrl != null) ? this.baseUrl : issuer;
	}

	@Override
	public String toString() {
		return "CibaProperties[clientId=" + this.clientId + ", clientSecret=[redacted], baseUrl=" + this.baseUrl + "]";
	}

}
