package dev.countersign.policy.trust;

/**
 * What became of an agent's write, as the trust ledger counts it (DESIGN §6).
 */
public enum TrustOutcome {

	/** It ran without asking the user and succeeded: full points. */
	AUTO_RUN_SUCCEEDED,

	/** The user approved it and it succeeded: half points. */
	APPROVED_SUCCEEDED,

	/** The user denied it: minus 5 × weight. */
	DENIED,

	/** It ran and failed: minus 2 × weight. */
	FAILED,

	/** It ran and nobody knows whether it took effect: minus 1 × weight. */
	UNKNOWN;

	/**
	 * Whether the outcome earns points (rather than costing them).
	 * @return true for the two successes
	 */
	public boolean earns() {
		return this == AUTO_RUN_SUCCEEDED || this == APPROVED_SUCCEEDED;
	}

}
