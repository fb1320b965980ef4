package dev.countersign.server.provider;

import reactor.core.publisher.Mono;

import dev.countersign.server.auth.Caller;
import dev.countersign.server.tool.ToolFailure;

/**
 * Provider tokens for reads, obtained for the calling user from Token Vault and never
 * shown to the agent.
 *
 * <p>
 * Errors are {@link dev.countersign.server.tool.ToolFailure}s whose message the agent can
 * act on: the account is not connected (naming the connection), must be re-authorized,
 * the user must sign in again, or Token Vault is unavailable. A read token is never used
 * for a write: {@link #forWrite(Caller, String)} exchanges afresh every time.
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
	 * A provider access token for one write that policy auto-approved (DESIGN §4 step 1,
	 * {@code AutoApprove}): a new Token Vault exchange whose subject token is the
	 * caller's access token, made for this write only. It is NEVER taken from nor put
	 * into the read-token cache (DESIGN §3: read tokens are never used for a write). The
	 * default refuses, so an implementation that cannot exchange without its cache fails
	 * closed.
	 * @param caller the caller, whose access token is the exchange's subject token
	 * @param connection the connection, {@code google-oauth2} or {@code github}
	 * @return the provider access token value, to be used once and dropped
	 */
	default Mono<String> forWrite(Caller caller, String connection) {
		return Mono.error(new ToolFailure("Countersign cannot obtain a token for an auto-approved write to '"
				+ connection + "' in this build. Nothing was done."));
	}

	/**
	 * Drops every cached token of a user, for example after a provider answered 401.
	 * @param user the user id
	 * @param connection the connection
	 */
	void invalidate(String user, String connection);

}
