package dev.countersign.policy.decision;

import java.math.BigDecimal;
import java.util.List;
import java.util.Set;

import dev.countersign.policy.routing.Thresholds;
import dev.countersign.policy.rule.Effect;
import dev.countersign.policy.rule.Rule;
import dev.countersign.policy.tool.Risk;
import dev.countersign.policy.tool.ToolDescriptor;
import org.jspecify.annotations.Nullable;

/**
 * Decides tool calls (DESIGN §6). Stateless and thread-safe; pure (no I/O, no clock).
 *
 * <p>
 * A write, in this order:
 * <ol>
 * <li><b>Rules</b>, in the user's order; the first rule that matches decides:
 * {@code deny} → {@link Decision.Deny}; {@code review_now} → {@link Decision.ReviewNow};
 * {@code batch} → {@link Decision.Batch}; {@code auto} → {@link Decision.AutoApprove}
 * whatever the trust level (the user chose it). An {@code auto} rule does not apply to a
 * write whose confidence is at or below {@code review_below}: it is skipped as if it had
 * not matched and evaluation continues with the next rule, so a later {@code deny} or
 * {@code review_now} still applies (the stricter reading; the reason says the rule was
 * skipped).</li>
 * <li>Otherwise <b>confidence</b> (missing = 0) against the thresholds that apply to the
 * tool ({@link dev.countersign.policy.routing.RoutingSettings#thresholdsFor}): at or
 * above {@code auto_approve_at} and the trust level allows the risk (L0 none, L1 LOW, L2
 * LOW and MEDIUM, L3 all) → {@link Decision.AutoApprove}; otherwise →
 * {@link Decision.Batch}.</li>
 * </ol>
 * A write at or below {@code review_below} always needs approval, and its
 * {@code Batch}/{@code ReviewNow} is flagged low-confidence.
 *
 * <p>
 * A read: rules where only {@code deny} means anything. Any matching {@code deny} rule
 * denies it (other effects are skipped for reads, so they never shadow a deny); otherwise
 * {@link Decision.PassThrough}. Governance tools (connection
 * {@value ToolDescriptor#GOVERNANCE}) always pass.
 *
 * <pre>{@code
 * PolicyEngine engine = new PolicyEngine();
 * Decision decision = engine.decideWrite(new WriteContext(user, email, agent, tool, Risk.LOW,
 *         arguments, 0.91, TrustLevel.L1, rules.rules(), routing.settings()));
 * decision.reason(); // "confidence 0.91 ≥ 0.85 and trust L1 allows LOW risk"
 * }</pre>
 */
public final class PolicyEngine {

	/**
	 * Decides a write.
	 * @param context the write and what policy knows about it
	 * @return {@link Decision.AutoApprove}, {@link Decision.Batch},
	 * {@link Decision.ReviewNow} or {@link Decision.Deny}
	 */
	public Decision decideWrite(WriteContext context) {
		Thresholds thresholds = context.routing().thresholdsFor(context.tool());
		double confidence = context.effectiveConfidence();
		boolean low = thresholds.isLow(confidence);
		Set<String> ownDomains = context.routing().ownDomainsWith(context.userEmail());
		String skipped = "";
		List<Rule> rules = context.rules();
		for (int i = 0; i < rules.size(); i++) {
			Rule rule = rules.get(i);
			if (!rule.matches(context.tool(), context.risk(), context.agent(), context.arguments(), ownDomains)) {
				continue;
			}
			String because = ruleReason(i, rule);
			switch (rule.effect()) {
				case DENY:
					return new Decision.Deny(because, rule.id());
				case REVIEW_NOW:
					return new Decision.ReviewNow(because + lowSuffix(low, context, thresholds), low, rule.id());
				case BATCH:
					return new Decision.Batch(because + lowSuffix(low, context, thresholds), low, rule.id());
				case AUTO:
					if (!low) {
						return new Decision.AutoApprove(because, rule.id());
					}
					// DESIGN §6: an auto rule does not apply at or below review_below.
					skipped = skipped + "; " + ruleTag(i, rule) + " does not apply at or below review_below";
					break;
				default:
					throw new IllegalStateException("unexpected effect " + rule.effect());
			}
		}
		return byConfidence(context, thresholds, confidence, low, skipped);
	}

	/**
	 * Decides a read.
	 * @param context the read and what policy knows about it
	 * @return {@link Decision.PassThrough} or {@link Decision.Deny}
	 */
	public Decision decideRead(ReadContext context) {
		if (ToolDescriptor.GOVERNANCE.equals(context.tool().connection())) {
			return new Decision.PassThrough("governance tool: the caller's own actions");
		}
		Set<String> ownDomains = context.routing().ownDomainsWith(context.userEmail());
		List<Rule> rules = context.rules();
		for (int i = 0; i < rules.size(); i++) {
			Rule rule = rules.get(i);
			if (rule.effect() == Effect.DENY
					&& rule.matches(context.tool(), Risk.NONE, context.agent(), context.arguments(), ownDomains)) {
				return new Decision.Deny(ruleReason(i, rule), rule.id());
			}
		}
		return new Decision.PassThrough("read: no deny rule matches");
	}

	private static Decision byConfidence(WriteContext context, Thresholds thresholds, double confidence, boolean low,
			String skipped) {
		String stated = confidenceText(context.confidence());
		if (low) {
			return new Decision.Batch(
					stated + " ≤ review_below " + number(thresholds.reviewBelow()) + ": needs approval" + skipped, true,
					null);
		}
		if (!thresholds.isHigh(confidence)) {
			return new Decision.Batch(
					stated + " < auto_approve_at " + number(thresholds.autoApproveAt()) + ": needs approval" + skipped,
					false, null);
		}
		String level = "trust " + context.trustLevel().name();
		if (context.trustLevel().allows(context.risk())) {
			return new Decision.AutoApprove(stated + " ≥ " + number(thresholds.autoApproveAt()) + " and " + level
					+ " allows " + context.risk().name() + " risk" + skipped, null);
		}
		return new Decision.Batch(stated + " ≥ " + number(thresholds.autoApproveAt()) + " but " + level
				+ " does not allow " + context.risk().name() + " risk: needs approval" + skipped, false, null);
	}

	private static String lowSuffix(boolean low, WriteContext context, Thresholds thresholds) {
		return low ? "; " + confidenceText(context.confidence()) + " ≤ review_below " + number(thresholds.reviewBelow())
				+ ": low confidence" : "";
	}

	private static String ruleReason(int index, Rule rule) {
		return ruleTag(index, rule) + ": " + rule.describe();
	}

	private static String ruleTag(int index, Rule rule) {
		return "rule #" + (index + 1) + " (" + rule.effect().wireName() + ")";
	}

	private static String confidenceText(@Nullable Double confidence) {
		return (confidence != null) ? "confidence " + number(confidence) : "no confidence given (counts as 0)";
	}

	/** Two decimals at least, more only when the value has them: 0.50, 0.855. */
	static String number(double value) {
		BigDecimal decimal = BigDecimal.valueOf(value).stripTrailingZeros();
		return (decimal.scale() <= 2) ? decimal.setScale(2).toPlainString() : decimal.toPlainString();
	}

	@Override
	public String toString() {
		return "PolicyEngine";
	}

}
