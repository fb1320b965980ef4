package dev.countersign.policy.trust;

/**
 * A pinned level above the user's ceiling for that agent was refused (DESIGN §6). Names
 * the field, {@value #FIELD}.
 */
public class PinAboveCeilingException extends IllegalArgumentException {

	private static final long serialVersionUID = 1L;

	/** The settings field that was wrong. */
	public static final String FIELD = "pinned_level";

	private final TrustLevel pinned;

	private final TrustLevel ceiling;

	/**
	 * Creates the exception.
	 * @param pinned the level asked for
	 * @param ceiling the ceiling it exceeds
	 */
	public PinAboveCeilingException(TrustLevel pinned, TrustLevel ceiling) {
		super(FIELD + " must not be above the ceiling " + ceiling + ", but was " + pinned
				+ "; raise the ceiling first");
		this.pinned = pinned;
		this.ceiling = ceiling;
	}

	/**
	 * The settings field that was wrong.
	 * @return {@value #FIELD}
	 */
	public String field() {
		return FIELD;
	}

	/**
	 * The level asked for.
	 * @return the pinned level
	 */
	public TrustLevel pinned() {
		return this.pinned;
	}

	/**
	 * The ceiling it exceeds.
	 * @return the ceiling
	 */
	public TrustLevel ceiling() {
		return this.ceiling;
	}

}
