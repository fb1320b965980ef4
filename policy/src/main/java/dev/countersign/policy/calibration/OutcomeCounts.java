package dev.countersign.policy.calibration;

/**
 * How a user answered an agent's high-confidence writes of one tool (confidence at or
 * above the {@code auto_approve_at} in force when each was decided).
 *
 * @param approved how many the user approved
 * @param denied how many the user denied
 */
public record OutcomeCounts(long approved, long denied) {

	/** No answers yet. */
	public static final OutcomeCounts NONE = new OutcomeCounts(0, 0);

	/** A suggestion needs at least this many approvals. */
	public static final long MIN_APPROVALS = 5;

	/** A suggestion needs at least this share of approvals, in percent. */
	public static final long MIN_APPROVED_PERCENT = 80;

	public OutcomeCounts {
		if (approved < 0 || denied < 0) {
			throw new IllegalArgumentException(
					"counts must not be negative, but were approved " + approved + ", denied " + denied);
		}
	}

	/**
	 * The counts with one more answer.
	 * @param approvedOne whether the user approved
	 * @return the changed copy
	 */
	public OutcomeCounts plus(boolean approvedOne) {
		return approvedOne ? new OutcomeCounts(this.approved + 1, this.denied)
				: new OutcomeCounts(this.approved, this.denied + 1);
	}

	/**
	 * Whether the counts call for a suggestion: at least {@value #MIN_APPROVALS}
	 * approvals, and at least {@value #MIN_APPROVED_PERCENT} % of the answers approvals
	 * (exact integer arithmetic: 5 of 6 qualifies, 15 of 19 does not).
	 * @return true when a suggestion is due
	 */
	public boolean qualifies() {
		long total = this.approved + this.denied;
		return this.approved >= MIN_APPROVALS && this.approved * 100 >= MIN_APPROVED_PERCENT * total;
	}

}
