package dev.countersign.policy.deal;

/**
 * Thrown (as an error signal) by {@link DealStore#create(String, Deal)} when the user
 * already has a deal with that id; nothing was written.
 */
public class DealAlreadyExistsException extends IllegalStateException {

	private final String dealId;

	/**
	 * Creates the exception.
	 * @param dealId the id that is taken
	 */
	public DealAlreadyExistsException(String dealId) {
		super("A deal with id " + dealId + " already exists");
		this.dealId = dealId;
	}

	/**
	 * The id that is taken.
	 * @return the deal id
	 */
	public String dealId() {
		return this.dealId;
	}

}
