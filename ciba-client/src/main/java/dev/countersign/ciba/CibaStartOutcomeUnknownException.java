package dev.countersign.ciba;

import java.util.OptionalInt;

import org.jspecify.annotations.Nullable;

/**
 * A backchannel authentication request was sent, but its answer was lost (read time-out,
 * connection reset, a 5xx without {@code Retry-After}, an unreadable success). The server
 * may have started the request and pushed it to the user's phone. The client does NOT
 * retry: a retry would be a second push. Send a fresh request later (for Countersign, at
 * the next batch window); a stale request the user might still approve does nothing,
 * because only a recorded {@code auth_req_id} counts.
 */
public final class CibaStartOutcomeUnknownException extends CibaException {

	// Not OptionalInt: exception fields must be serializable.
	private final @Nullable Integer httpStatus;

	/**
	 * Create an exception.
	 * @param message what happened
	 * @param httpStatus the HTTP status when an answer arrived, or empty
	 * @param cause the cause, or {@code null}
	 */
	public CibaStartOutcomeUnknownException(String message, OptionalInt httpStatus, @Nullable Throwable cause) {
		super(message, cause);
		this.httpStatus = httpStatus.isPresent() ? httpStatus.getAsInt() : null;
	}

	/**
	 * The HTTP status of the answer, when one arrived.
	 * @return the status, or empty when no answer arrived
	 */
	public OptionalInt httpStatus() {
		return (this.httpStatus != null) ? OptionalInt.of(this.httpStatus) : OptionalInt.empty();
	}

}
