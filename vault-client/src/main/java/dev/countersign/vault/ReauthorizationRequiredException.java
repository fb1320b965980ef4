package dev.countersign.vault;

import org.jspecify.annotations.Nullable;

/**
 * The connection's stored grant no longer works (revoked, expired or its scopes changed):
 * Auth0 answered {@value #ERROR_CODE}. The user must re-authorize the connection; the
 * message says so, naming the connection.
 */
public final class ReauthorizationRequiredException extends TokenVaultException {

	/**
	 * The Auth0 error code this exception stands for.
	 */
	public static final String ERROR_CODE = "federated_connection_refresh_token_flow_failed";

	/**
	 * Create an exception.
	 * @param connection the connection, e.g. {@code github}
	 * @param httpStatus the HTTP status of the response
	 * @param errorDescription the {@code error_description}, or {@code null}
	 */
	public ReauthorizationRequiredException(String connection, int httpStatus, @Nullable String errorDescription) {
		super("Re-authorize your " + ConnectionAccounts.account(connection)
				+ " in Countersign: its authorization was revoked or has expired", connection, ERROR_CODE, httpStatus,
				errorDescription, null);
	}

}
