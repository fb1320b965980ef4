package dev.countersign.vault;

import org.jspecify.annotations.Nullable;

/**
 * The token endpoint could not answer usefully: a 5xx or 429 status, a time-out, a
 * refused connection, or a body that is not the JSON the spec describes. The exchange may
 * succeed later; nothing was obtained.
 */
public final class UpstreamUnavailableException extends TokenVaultException {

	/**
	 * Create an exception.
	 * @param reason what went wrong, e.g. "the token endpoint did not answer in time";
	 * MUST NOT contain a token or secret
	 * @param connection the connection the exchange was for
	 * @param errorCode the OAuth {@code error} code if the response had one, else
	 * {@code null}
	 * @param httpStatus the HTTP status, or {@code 0} when no response was received
	 * @param errorDescription the {@code error_description}, or {@code null}
	 * @param cause the cause, or {@code null}
	 */
	public UpstreamUnavailableException(String reason, String connection, @Nullable String errorCode, int httpStatus,
			@Nullable String errorDescription, @Nullable Throwable cause) {
		super("Token exchange for connection '" + connection + "' is unavailable: " + reason, connection, errorCode,
				httpStatus, errorDescription, cause);
	}

}
