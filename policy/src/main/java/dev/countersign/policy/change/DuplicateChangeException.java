package dev.countersign.policy.change;

/**
 * A pending change with the same id already exists.
 */
public class DuplicateChangeException extends IllegalStateException {

	private static final long serialVersionUID = 1L;

	/**
	 * Creates the exception.
	 * @param changeId the id that is taken
	 */
	public DuplicateChangeException(String changeId) {
		super("Change " + changeId + " already exists");
	}

}
