package dev.countersign.server.approval;

/**
 * A write may have reached the provider but its answer was lost (a time limit after the
 * request was sent, a dropped connection): the action is {@code UNKNOWN}, never re-sent,
 * and the user resolves it after checking the provider. Never holds a token.
 */
public class WriteOutcomeUnknownException extends RuntimeException {

	public WriteOutcomeUnknownException(String reason) {
		super(reason);
	}

}
