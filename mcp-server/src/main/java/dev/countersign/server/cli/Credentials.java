package dev.countersign.server.cli;

import java.net.URI;

/**
 * What {@code countersign login} keeps: the tenant it signed in to and the user's refresh
 * token. Never an access token, a client secret or a provider token.
 *
 * @param issuer the authorization server's issuer
 * @param tokenEndpoint where refresh tokens are redeemed
 * @param clientId the public desktop client
 * @param audience the Countersign API identifier the tokens are for
 * @param refreshToken the user's refresh token
 */
record Credentials(URI issuer, URI tokenEndpoint, String clientId, String audience, String refreshToken) {

	Credentials {
		require(issuer, "issuer");
		require(tokenEndpoint, "tokenEndpoint");
		require(clientId, "clientId");
		require(audience, "audience");
		require(refreshToken, "refreshToken");
		if (refreshToken.isBlank()) {
			throw new IllegalArgumentException("refreshToken must not be blank");
		}
	}

	private static void require(Object value, String name) {
		if (value == null) {
			throw new IllegalArgumentException(name + " must not be null");
		}
	}

	/**
	 * The same credentials with a rotated refresh token.
	 * @param rotated the new refresh token
	 * @return the credentials
	 */
	Credentials withRefreshToken(String rotated) {
		return new Credentials(this.issuer, this.tokenEndpoint, this.clientId, this.audience, rotated);
	}

	@Override
	public String toString() {
		return "Credentials[issuer=" + this.issuer + ", clientId=" + this.clientId + ", audience=" + this.audience
				+ ", refreshToken=[redacted]]";
	}

}
