package dev.countersign.vault;

import org.jspecify.annotations.Nullable;

/**
 * The user has not connected the account: Auth0 answered {@value #ERROR_CODE}. The
 * message tells the user to connect it, naming the connection, e.g. "Connect your GitHub
 * account (connection 'github') to Countersign first".
 */
public final class ConnectionNotLinkedException extends TokenVaultException {

	/**
	 * The Auth0 error code this exception stands for.
	 */
	public static final String ERROR_CODE = "federated_connection_refresh_token_not_found";

	/**
	 * Create an exception.
	 * @param connection the connection, e.g. {@code github}
	 * @param httpStatus the HTTP status of the response
	 * @param errorDescription the {@code error_description}, or {@code null}
	 */
	public ConnectionNotLinkedException(String connection, int httpStatus, @Nullable String errorDescription) {
		super("Connect your " + ConnectionAccounts.account(connection) + " to Countersign first", connection,
				ERROR_CODE, httpStatus, errorDescription, null);
	}

}
