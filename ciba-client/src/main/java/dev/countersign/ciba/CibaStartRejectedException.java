package dev.countersign.ciba;

import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * The authorization server refused a backchannel authentication request with an OAuth
 * error (CIBA Core §13): nothing was started and no push was sent. Retrying the same
 * request gets the same answer. Auth0 answers {@code invalid_request} for a user with no
 * Guardian enrolment; {@link #error()} carries the code, so callers never parse the
 * message.
 */
public final class CibaStartRejectedException extends CibaException {

	private final String error;

	private final @Nullable String errorDescription;

	private final int httpStatus;

	/**
	 * Create an exception.
	 * @param error the OAuth error code, such as {@code invalid_request}
	 * @param errorDescription the server's {@code error_description}, or {@code null}
	 * @param httpStatus the HTTP status of the answer
	 */
	public CibaStartRejectedException(String error, @Nullable String errorDescription, int httpStatus) {
		super("backchannel authentication request rejected: " + Objects.requireNonNull(error, "error must not be null")
				+ ((errorDescription != null) ? " (" + errorDescription + ")" : "") + ", HTTP " + httpStatus);
		this.error = error;
		this.errorDescription = errorDescription;
		this.httpStatus = httpStatus;
	}

	/**
	 * The OAuth error code.
	 * @return the code, such as {@code invalid_request}, {@code unknown_user_id},
	 * {@code invalid_binding_message} or {@code unauthorized_client}
	 */
	public String error() {
		return this.error;
	}

	/**
	 * The server's description.
	 * @return the {@code error_description}, or {@code null} when absent
	 */
	public @Nullable String errorDescription() {
		return this.errorDescription;
	}

	/**
	 * The HTTP status of the answer.
	 * @return the status, typically 400, 401 or 403
	 */
	public int httpStatus() {
		return this.httpStatus;
	}

}
