package dev.countersign.vault;

import org.jspecify.annotations.Nullable;

/**
 * The authorization server refused the subject token ({@code invalid_grant}: expired,
 * revoked or not meant for this client). The user must sign in again.
 */
public final class SubjectTokenRejectedException extends TokenVaultException {

	/**
	 * The OAuth error code this exception stands for (RFC 6749 §5.2).
	 */
	public static final String ERROR_CODE = "invalid_grant";

	/**
	 * Create an exception.
	 * @param connection the connection the exchange was for
	 * @param httpStatus the HTTP status of the response
	 * @param errorDescription the {@code error_description}, or {@code null}
	 */
	public SubjectTokenRejectedException(String connection, int httpStatus, @Nullable String errorDescription) {
		super("Sign in to Countersign again: your session was rejected while getting a token for connection '"
				+ connection + "'", connection, ERROR_CODE, httpStatus, errorDescription, null);
	}

}
