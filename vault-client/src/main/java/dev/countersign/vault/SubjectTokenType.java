package dev.countersign.vault;

/**
 * The kind of token sent as {@code subject_token} (RFC 8693 §3 token type identifiers).
 */
public enum SubjectTokenType {

	/**
	 * {@code urn:ietf:params:oauth:token-type:access_token}: the caller's Auth0 access
	 * token (reads; CIBA-approved writes).
	 */
	ACCESS_TOKEN("urn:ietf:params:oauth:token-type:access_token"),

	/**
	 * {@code urn:ietf:params:oauth:token-type:refresh_token}: the user's Auth0 refresh
	 * token (writes, when {@code countersign.vault.write-subject=refresh-token}).
	 */
	REFRESH_TOKEN("urn:ietf:params:oauth:token-type:refresh_token");

	private final String uri;

	SubjectTokenType(String uri) {
		this.uri = uri;
	}

	/**
	 * Return the token type URI sent as {@code subject_token_type}.
	 * @return the URI, never {@code null}
	 */
	public String uri() {
		return this.uri;
	}

}
