package dev.countersign.policy.tool;

/**
 * How much harm a write can do if it is not what the user wanted. Reads carry
 * {@link #NONE}.
 */
public enum Risk {

	NONE(0), LOW(1), MEDIUM(2), HIGH(3);

	private final int weight;

	Risk(int weight) {
		this.weight = weight;
	}

	/**
	 * The weight used by the trust ledger: LOW 1, MEDIUM 2, HIGH 3.
	 * @return the weight, 0 for {@link #NONE}
	 */
	public int weight() {
		return this.weight;
	}

}
