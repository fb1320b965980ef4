package dev.countersign.ciba;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;

import org.jspecify.annotations.Nullable;

/**
 * The authorization server could not be used right now, and the caller's state is
 * unchanged: try again later.
 * <ul>
 * <li>From {@link CibaClient#start}: nothing was started (connection refused, 429 or 503
 * until the tries ran out, a {@code Retry-After} longer than the client may wait,
 * discovery failed).</li>
 * <li>From {@link CibaClient#pollOnce}: a 5xx, a time-out or an unreadable answer. The
 * {@code auth_req_id} is still worth polling; this is never a verdict on the
 * request.</li>
 * </ul>
 */
public final class CibaUnavailableException extends CibaException {

	// Not OptionalInt: exception fields must be serializable.
	private final @Nullable Integer httpStatus;

	private final @Nullable Duration retryAfter;

	/**
	 * Create an exception.
	 * @param message what happened
	 * @param httpStatus the HTTP status when an answer arrived, or empty
	 * @param retryAfter the delay the server asked for, or {@code null}
	 * @param cause the cause, or {@code null}
	 */
	public CibaUnavailableException(String message, OptionalInt httpStatus, @Nullable Duration retryAfter,
			@Nullable Throwable cause) {
		super(message, cause);
		this.httpStatus = httpStatus.isPresent() ? httpStatus.getAsInt() : null;
		this.retryAfter = retryAfter;
	}

	/**
	 * The HTTP status of the answer, when one arrived.
	 * @return the status, or empty when no answer arrived
	 */
	public OptionalInt httpStatus() {
		return (this.httpStatus != null) ? OptionalInt.of(this.httpStatus) : OptionalInt.empty();
	}

	/**
	 * The delay the server asked for with {@code Retry-After}.
	 * @return the delay, or empty when the server gave none
	 */
	public Optional<Duration> retryAfter() {
		return Optional.ofNullable(this.retryAfter);
	}

}
