package dev.countersign.policy.decision;

import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * What Countersign does with a tool call (DESIGN §4 step 1, §6). Every decision carries a
 * {@link #reason()} a person can read, for the audit trail, the approval page and the
 * agent; rule-made decisions name the rule.
 *
 * <p>
 * Java 17 has no pattern matching in {@code switch}: dispatch with {@code instanceof} or
 * on {@link #kind()}.
 *
 * <pre>{@code
 * Decision decision = engine.decideWrite(context);
 * if (decision instanceof Decision.Batch batch) {
 *     freezer.submit(request.withLowConfidence(batch.lowConfidence()));
 * }
 * }</pre>
 */
public sealed interface Decision {

	/**
	 * Why, in one line a person can read.
	 * @return for example {@code rule #2 (review_now): amount gt 50000}
	 */
	String reason();

	/**
	 * The low-cardinality name of the decision, for metrics and audit.
	 * @return {@code pass_through}, {@code auto_approve}, {@code batch},
	 * {@code review_now} or {@code deny}
	 */
	String kind();

	/**
	 * The rule that made the decision.
	 * @return its id, or {@code null} when no rule decided
	 */
	@Nullable String ruleId();

	/**
	 * Whether the call waits for the user's approval.
	 * @return true for {@link Batch} and {@link ReviewNow}
	 */
	default boolean needsApproval() {
		return this instanceof Batch || this instanceof ReviewNow;
	}

	/**
	 * A read goes straight through.
	 *
	 * @param reason why
	 */
	record PassThrough(String reason) implements Decision {

		public PassThrough {
			Objects.requireNonNull(reason, "reason must not be null");
		}

		@Override
		public String kind() {
			return "pass_through";
		}

		@Override
		public @Nullable String ruleId() {
			return null;
		}

	}

	/**
	 * A write runs now, without asking the user: by a user's {@code auto} rule, or by
	 * confidence and trust.
	 *
	 * @param reason why
	 * @param ruleId the {@code auto} rule, or {@code null} when confidence and trust
	 * decided
	 */
	record AutoApprove(String reason, @Nullable String ruleId) implements Decision {

		public AutoApprove {
			Objects.requireNonNull(reason, "reason must not be null");
		}

		@Override
		public String kind() {
			return "auto_approve";
		}

	}

	/**
	 * A write waits for the user's approval in the next batch.
	 *
	 * @param reason why
	 * @param lowConfidence whether its confidence is at or below {@code review_below}
	 * (listed first and flagged)
	 * @param ruleId the {@code batch} rule, or {@code null} when confidence and trust
	 * decided
	 */
	record Batch(String reason, boolean lowConfidence, @Nullable String ruleId) implements Decision {

		public Batch {
			Objects.requireNonNull(reason, "reason must not be null");
		}

		@Override
		public String kind() {
			return "batch";
		}

	}

	/**
	 * A write waits for the user's approval in a batch of its own, pushed at once. Only a
	 * rule decides this.
	 *
	 * @param reason why
	 * @param lowConfidence whether its confidence is at or below {@code review_below}
	 * @param ruleId the {@code review_now} rule
	 */
	record ReviewNow(String reason, boolean lowConfidence, String ruleId) implements Decision {

		public ReviewNow {
			Objects.requireNonNull(reason, "reason must not be null");
			Objects.requireNonNull(ruleId, "ruleId must not be null");
		}

		@Override
		public String kind() {
			return "review_now";
		}

	}

	/**
	 * The call is refused. Only a rule decides this.
	 *
	 * @param reason why
	 * @param ruleId the {@code deny} rule
	 */
	record Deny(String reason, String ruleId) implements Decision {

		public Deny {
			Objects.requireNonNull(reason, "reason must not be null");
			Objects.requireNonNull(ruleId, "ruleId must not be null");
		}

		@Override
		public String kind() {
			return "deny";
		}

	}

}
