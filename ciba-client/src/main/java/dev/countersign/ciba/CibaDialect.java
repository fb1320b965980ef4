package dev.countersign.ciba;

/**
 * How an authorization server speaks CIBA.
 */
public enum CibaDialect {

	/**
	 * Auth0: {@code POST {tenant}/bc-authorize} and {@code POST {tenant}/oauth/token};
	 * {@code login_hint} is the JSON string
	 * {@code {"format":"iss_sub","iss":"https://{tenant}/","sub":"<user>"}};
	 * {@code requested_expiry} at most 300 s (above that Guardian switches from push to
	 * email).
	 */
	AUTH0,

	/**
	 * Standard OIDC CIBA Core 1.0: endpoints from discovery
	 * ({@code backchannel_authentication_endpoint}, {@code token_endpoint});
	 * {@code login_hint} is the user's identifier as it is.
	 */
	STANDARD

}
