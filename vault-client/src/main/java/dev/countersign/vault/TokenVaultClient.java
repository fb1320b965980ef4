package dev.countersign.vault;

/**
 * Exchanges a user's token for a short-lived provider token: Auth0 Token Vault or
 * standard RFC 8693 token exchange, per {@link TokenVaultOptions#dialect()}.
 *
 * <pre>{@code
 * TokenVaultClient vault = TokenVaultClient.create(TokenVaultOptions
 *     .builder(URI.create("https://tenant.eu.auth0.com/oauth/token"), "custom-api-client-id")
 *     .clientSecret(secret)
 *     .build());
 * ProviderToken github = vault.exchange(TokenExchangeRequest.of(callerAccessToken, "github"));
 * }</pre>
 *
 * <p>
 * {@link #exchange(TokenExchangeRequest)} blocks for up to the connect plus read timeout.
 * Callers on an event loop wrap it once, at their adapter, e.g.
 * {@code Mono.fromCallable(() -> vault.exchange(request)).subscribeOn(Schedulers.boundedElastic())}.
 * The client never retries: a token exchange is cheap to repeat, but whether to repeat it
 * is the caller's decision. Implementations are thread-safe; share one instance.
 */
public interface TokenVaultClient {

	/**
	 * Create a client that talks to the token endpoint over HTTP with Nimbus OAuth 2.0
	 * SDK.
	 * @param options the options
	 * @return a thread-safe client
	 */
	static TokenVaultClient create(TokenVaultOptions options) {
		return new NimbusTokenVaultClient(options);
	}

	/**
	 * Exchange the request's subject token for a provider token. Sends no {@code scope}.
	 * @param request the exchange; its fields must suit the client's dialect (see
	 * {@link TokenExchangeRequest})
	 * @return the provider token; {@link ProviderToken#connection()} is the request's
	 * connection
	 * @throws IllegalArgumentException if the request sets a field the dialect does not
	 * send
	 * @throws ConnectionNotLinkedException if the user has not connected the account
	 * @throws ReauthorizationRequiredException if the user must re-authorize the
	 * connection
	 * @throws SubjectTokenRejectedException if the subject token was refused
	 * ({@code invalid_grant})
	 * @throws UpstreamUnavailableException on a 5xx or 429 status, a time-out, a network
	 * failure or an unreadable body
	 * @throws TokenVaultException on any other OAuth error
	 */
	ProviderToken exchange(TokenExchangeRequest request);

}
