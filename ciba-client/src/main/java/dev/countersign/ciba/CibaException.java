package dev.countersign.ciba;

import org.jspecify.annotations.Nullable;

/**
 * Base of every exception {@link CibaClient} throws. Unchecked. Messages name endpoints,
 * HTTP statuses and OAuth error codes; they never hold a token, a secret or a response
 * body.
 *
 * @see CibaStartRejectedException
 * @see CibaStartOutcomeUnknownException
 * @see CibaUnavailableException
 */
public class CibaException extends RuntimeException {

	/**
	 * Create an exception.
	 * @param message what went wrong
	 */
	public CibaException(String message) {
		super(message);
	}

	/**
	 * Create an exception.
	 * @param message what went wrong
	 * @param cause the cause, or {@code null}
	 */
	public CibaException(String message, @Nullable Throwable cause) {
		super(message, cause);
	}

}
