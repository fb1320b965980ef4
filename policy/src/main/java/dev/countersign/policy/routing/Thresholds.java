package dev.countersign.policy.routing;

/**
 * The two confidence thresholds of routing (DESIGN §6): a write whose confidence is at or
 * above {@code autoApproveAt} may auto-run (if the agent's trust allows its risk); one at
 * or below {@code reviewBelow} always needs approval and is flagged low-confidence.
 *
 * @param autoApproveAt {@code auto_approve_at}, 0 to 1
 * @param reviewBelow {@code review_below}, 0 to 1, below {@code autoApproveAt}
 * @throws InvalidRoutingException naming {@code auto_approve_at} or {@code review_below}
 */
public record Thresholds(double autoApproveAt, double reviewBelow) {

	/** By default a confidence of 0.85 or more may auto-run. */
	public static final double DEFAULT_AUTO_APPROVE_AT = 0.85;

	/** By default a confidence of 0.50 or less is low. */
	public static final double DEFAULT_REVIEW_BELOW = 0.50;

	/** The defaults, 0.85 and 0.50. */
	public static final Thresholds DEFAULTS = new Thresholds(DEFAULT_AUTO_APPROVE_AT, DEFAULT_REVIEW_BELOW);

	public Thresholds {
		requireUnit("auto_approve_at", autoApproveAt);
		requireUnit("review_below", reviewBelow);
		if (!(reviewBelow < autoApproveAt)) {
			throw new InvalidRoutingException("review_below",
					"must be below auto_approve_at " + autoApproveAt + ", but was " + reviewBelow);
		}
	}

	/**
	 * Whether a confidence is low.
	 * @param confidence the confidence, 0 when the agent gave none
	 * @return true at or below {@link #reviewBelow()}
	 */
	public boolean isLow(double confidence) {
		return confidence <= this.reviewBelow;
	}

	/**
	 * Whether a confidence is high enough to auto-run.
	 * @param confidence the confidence, 0 when the agent gave none
	 * @return true at or above {@link #autoApproveAt()}
	 */
	public boolean isHigh(double confidence) {
		return confidence >= this.autoApproveAt;
	}

	private static void requireUnit(String field, double value) {
		if (!(value >= 0.0 && value <= 1.0)) {
			throw new InvalidRoutingException(field, "must be between 0 and 1, but was " + value);
		}
	}

}
