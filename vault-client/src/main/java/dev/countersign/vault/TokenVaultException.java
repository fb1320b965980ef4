package dev.countersign.vault;

import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * A token exchange failed. The base of this module's unchecked exceptions; the subclasses
 * say what has to happen next:
 * <ul>
 * <li>{@link ConnectionNotLinkedException}: the user must connect the account;</li>
 * <li>{@link ReauthorizationRequiredException}: the user must re-authorize the
 * connection;</li>
 * <li>{@link SubjectTokenRejectedException}: the user must sign in again;</li>
 * <li>{@link UpstreamUnavailableException}: the token endpoint failed or could not be
 * reached; try later.</li>
 * </ul>
 * Any other OAuth error (for example {@code invalid_client}, {@code unauthorized_client})
 * is thrown as this class itself. The {@link #errorCode() error code} is the OAuth
 * {@code error} field of the response, never parsed from a message. Messages never
 * contain a token or the client secret.
 */
public class TokenVaultException extends RuntimeException {

	/** The connection the exchange was for. */
	private final String connection;

	/** The OAuth {@code error} code, or {@code null}. */
	private final @Nullable String errorCode;

	/** The HTTP status, or {@code 0} without a response. */
	private final int httpStatus;

	/** The OAuth {@code error_description}, or {@code null}. */
	private final @Nullable String errorDescription;

	/**
	 * Create an exception.
	 * @param message the message; MUST NOT contain a token or secret
	 * @param connection the connection the exchange was for
	 * @param errorCode the OAuth {@code error} code, or {@code null} when there was none
	 * @param httpStatus the HTTP status, or {@code 0} when no response was received
	 * @param errorDescription the OAuth {@code error_description}, or {@code null}
	 * @param cause the cause, or {@code null}
	 */
	public TokenVaultException(String message, String connection, @Nullable String errorCode, int httpStatus,
			@Nullable String errorDescription, @Nullable Throwable cause) {
		super(Objects.requireNonNull(message, "message must not be null"), cause);
		this.connection = Objects.requireNonNull(connection, "connection must not be null");
		this.errorCode = errorCode;
		this.httpStatus = httpStatus;
		this.errorDescription = errorDescription;
	}

	/**
	 * Return the connection the failed exchange was for.
	 * @return the connection, e.g. {@code github}
	 */
	public String connection() {
		return this.connection;
	}

	/**
	 * Return the OAuth {@code error} code of the response.
	 * @return the code, e.g. {@code invalid_grant}, or {@code null} when the failure had
	 * none (time-out, unreadable body)
	 */
	public @Nullable String errorCode() {
		return this.errorCode;
	}

	/**
	 * Return the HTTP status of the response.
	 * @return the status, or {@code 0} when no response was received
	 */
	public int httpStatus() {
		return this.httpStatus;
	}

	/**
	 * Return the OAuth {@code error_description} of the response.
	 * @return the description, or {@code null} when there was none
	 */
	public @Nullable String errorDescription() {
		return this.errorDescription;
	}

}
