package dev.countersign.server.provider;

import reactor.core.publisher.Mono;

import dev.countersign.server.auth.Caller;

/**
 * Provider tokens for reads, obtained for the calling user from Token Vault and never
 * shown to the agent.
 *
 * <p>
 * Errors are {@link dev.countersign.server.tool.ToolFailure}s whose message the agent can
 * act on: the account is not connected (naming the connection), must be re-authorized,
 * the user must sign in again, or Token Vault is unavailable. A read token is never used
 * for a write.
 */
public interface ProviderTokens {

	/**
	 * A provider access token for a read on behalf of the caller.
	 * @param caller the caller, whose access token is the exchange's subject token
	 * @param connection the connection, {@code google-oauth2} or {@code github}
	 * @return the provider access token value
	 */
	Mono<String> forRead(Caller caller, String connection);

	/**
	 * Drops every cached token of a user, for example after a provider answered 401.
	 * @param user the user id
	 * @param connection the connection
	 */
	void invalidate(String user, String connection);

}
