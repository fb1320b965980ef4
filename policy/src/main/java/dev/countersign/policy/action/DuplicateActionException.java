package dev.countersign.policy.action;

/**
 * Thrown (as an error signal) by {@link ActionStore#insert(Action)} when the id is taken,
 * or when the same agent already has a live action with the same digest for the user.
 */
public class DuplicateActionException extends IllegalStateException {

	private final String actionId;

	/**
	 * Creates the exception.
	 * @param actionId the id of the action that was not inserted
	 * @param message what clashed
	 */
	public DuplicateActionException(String actionId, String message) {
		super(message);
		this.actionId = actionId;
	}

	/**
	 * The id of the action that was not inserted.
	 * @return the action id
	 */
	public String actionId() {
		return this.actionId;
	}

}
