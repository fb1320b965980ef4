package dev.countersign.vault;

/**
 * How the client authenticates to the token endpoint with its secret (RFC 6749 §2.3.1).
 *
 * @see TokenVaultOptions.Builder#clientAuthenticationMethod(ClientAuthenticationMethod)
 */
public enum ClientAuthenticationMethod {

	/**
	 * {@code client_id} and {@code client_secret} in the form body, as Auth0 expects by
	 * default.
	 */
	CLIENT_SECRET_POST,

	/**
	 * HTTP Basic {@code Authorization} header; the body carries no client credentials.
	 */
	CLIENT_SECRET_BASIC

}
