package dev.countersign.ciba;

/**
 * How the client authenticates to the authorization server (RFC 6749 §2.3.1).
 */
public enum ClientAuthentication {

	/**
	 * {@code client_id} and {@code client_secret} in the form body (what Auth0 expects).
	 */
	CLIENT_SECRET_POST,

	/** HTTP Basic with the form-encoded {@code client_id} and {@code client_secret}. */
	CLIENT_SECRET_BASIC

}
