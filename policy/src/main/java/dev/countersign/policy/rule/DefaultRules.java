package dev.countersign.policy.rule;

import java.util.List;

import dev.countersign.policy.deal.DealStage;

/**
 * The rules a new user starts with (DESIGN §6, DealFlow's defaults), in this order:
 * <ol>
 * <li>{@value #DEAL_AMOUNT}: a deal created or updated with {@code amount} above
 * {@value #LARGE_DEAL} → {@code review_now};</li>
 * <li>{@value #DEAL_CLOSING}: a deal created or updated with {@code stage}
 * {@code closed_won} or {@code closed_lost} → {@code review_now} ({@code deal_update}
 * freezes the new stage as its {@code stage} argument, so this is the deal becoming
 * closed);</li>
 * <li>{@value #EMAIL_OUTSIDE}: {@code email_send} or {@code email_create_draft} with a
 * recipient (to, cc or bcc) outside the user's domains → {@code batch}, so never
 * auto-approved by confidence;</li>
 * <li>{@value #GITHUB_MERGE}: {@code github_merge_pull_request} →
 * {@code review_now}.</li>
 * </ol>
 * They are ordinary rules: the user may edit or delete them (a loosening, so approved on
 * the phone).
 */
public final class DefaultRules {

	/** The id of the large-deal rule. */
	public static final String DEAL_AMOUNT = "default-deal-amount";

	/** The id of the closing-deal rule. */
	public static final String DEAL_CLOSING = "default-deal-closing";

	/** The id of the external-email rule. */
	public static final String EMAIL_OUTSIDE = "default-email-outside";

	/** The id of the merge rule. */
	public static final String GITHUB_MERGE = "default-github-merge";

	/** Deals above this amount need a review of their own. */
	public static final long LARGE_DEAL = 50_000;

	/** The default rules, in order. */
	public static final List<Rule> RULES = List.of(
			Rule.builder(DEAL_AMOUNT, Effect.REVIEW_NOW)
				.description("Deals above " + LARGE_DEAL + " get a push of their own")
				.tools("deal_create", "deal_update")
				.when(Condition.of("amount", Op.GT, LARGE_DEAL))
				.build(),
			Rule.builder(DEAL_CLOSING, Effect.REVIEW_NOW)
				.description("Closing a deal, won or lost, gets a push of its own")
				.tools("deal_create", "deal_update")
				.when(Condition.of("stage", Op.IN,
						List.of(DealStage.CLOSED_WON.wireName(), DealStage.CLOSED_LOST.wireName())))
				.build(),
			Rule.builder(EMAIL_OUTSIDE, Effect.BATCH)
				.description("Email to anyone outside your domains always needs your approval")
				.tools("email_send", "email_create_draft")
				.when(Condition.recipientsOutside(true))
				.build(),
			Rule.builder(GITHUB_MERGE, Effect.REVIEW_NOW)
				.description("Merging a pull request gets a push of its own")
				.tools("github_merge_pull_request")
				.build());

	private DefaultRules() {
	}

}
