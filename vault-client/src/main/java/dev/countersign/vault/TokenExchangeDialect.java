package dev.countersign.vault;

/**
 * The wire format of a token exchange.
 *
 * @see TokenVaultOptions.Builder#dialect(TokenExchangeDialect)
 */
public enum TokenExchangeDialect {

	/**
	 * Auth0 Token Vault ("Token Vault token exchange"): grant type
	 * {@code urn:auth0:params:oauth:grant-type:token-exchange:federated-connection-access-token},
	 * the fixed requested token type
	 * {@code http://auth0.com/oauth/token-type/federated-connection-access-token}, the
	 * {@code connection} and an optional {@code login_hint}. No {@code scope}, no
	 * {@code audience}, no {@code resource}.
	 */
	AUTH0,

	/**
	 * OAuth 2.0 Token Exchange (RFC 8693): grant type
	 * {@code urn:ietf:params:oauth:grant-type:token-exchange} with optional
	 * {@code requested_token_type}, {@code audience} and {@code resource}. The connection
	 * is not sent; it only names the result.
	 */
	STANDARD

}
