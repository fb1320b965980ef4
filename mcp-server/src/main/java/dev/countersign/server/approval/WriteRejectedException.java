package dev.countersign.server.approval;

/**
 * The provider refused a write, or a precondition no longer held, before anything
 * changed: the action is {@code FAILED} with this message as its reason ("the pull
 * request moved since you approved"). Never holds a token.
 */
public class WriteRejectedException extends RuntimeException {

	public WriteRejectedException(String reason) {
		super(reason);
	}

}
