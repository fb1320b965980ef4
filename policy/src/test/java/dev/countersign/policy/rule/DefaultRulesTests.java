package dev.countersign.policy.rule;

import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.countersign.policy.tool.Risk;
import dev.countersign.policy.tool.ToolDescriptor;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each of the {@link DefaultRules}: the first rule that matches is the expected one.
 */
class DefaultRulesTests {

	private static final Set<String> OWN = Set.of("analytical.example");

	private static final ToolDescriptor DEAL_CREATE = ToolDescriptor.write("deal_create", ToolDescriptor.DEALS,
			Risk.LOW);

	private static final ToolDescriptor DEAL_UPDATE = ToolDescriptor.write("deal_update", ToolDescriptor.DEALS,
			Risk.MEDIUM);

	private static final ToolDescriptor EMAIL_SEND = ToolDescriptor.destructiveWrite("email_send",
			ToolDescriptor.GOOGLE, Risk.HIGH);

	private static final ToolDescriptor EMAIL_DRAFT = ToolDescriptor.write("email_create_draft", ToolDescriptor.GOOGLE,
			Risk.LOW);

	private static final ToolDescriptor MERGE = ToolDescriptor.destructiveWrite("github_merge_pull_request",
			ToolDescriptor.GITHUB, Risk.HIGH);

	private static final ToolDescriptor COMMENT = ToolDescriptor.write("github_comment", ToolDescriptor.GITHUB,
			Risk.LOW);

	private static String firstMatch(ToolDescriptor tool, Map<String, ?> args) {
		return DefaultRules.RULES.stream()
			.filter((rule) -> rule.matches(tool, tool.baseRisk(), "claude", args, OWN))
			.map(Rule::id)
			.findFirst()
			.orElse("none");
	}

	@Test
	void defaultsAreFourRulesInOrder() {
		assertThat(DefaultRules.RULES).extracting(Rule::id)
			.containsExactly(DefaultRules.DEAL_AMOUNT, DefaultRules.DEAL_CLOSING, DefaultRules.EMAIL_OUTSIDE,
					DefaultRules.GITHUB_MERGE);
		assertThat(DefaultRules.RULES).extracting(Rule::effect)
			.containsExactly(Effect.REVIEW_NOW, Effect.REVIEW_NOW, Effect.BATCH, Effect.REVIEW_NOW);
	}

	@Test
	void dealAmountWhenAbove50000ThenReviewNow() {
		assertThat(firstMatch(DEAL_CREATE, Map.of("amount", 50001L, "stage", "lead")))
			.isEqualTo(DefaultRules.DEAL_AMOUNT);
		assertThat(firstMatch(DEAL_UPDATE, Map.of("deal_id", "d1", "amount", 75000L)))
			.isEqualTo(DefaultRules.DEAL_AMOUNT);
		assertThat(firstMatch(DEAL_UPDATE, Map.of("deal_id", "d1", "amount", 50000L))).isEqualTo("none");
	}

	@Test
	void dealClosingWhenStageBecomesClosedThenReviewNow() {
		assertThat(firstMatch(DEAL_UPDATE, Map.of("deal_id", "d1", "stage", "closed_won")))
			.isEqualTo(DefaultRules.DEAL_CLOSING);
		assertThat(firstMatch(DEAL_UPDATE, Map.of("deal_id", "d1", "stage", "closed_lost")))
			.isEqualTo(DefaultRules.DEAL_CLOSING);
		assertThat(firstMatch(DEAL_CREATE, Map.of("amount", 10L, "stage", "closed_won")))
			.isEqualTo(DefaultRules.DEAL_CLOSING);
		assertThat(firstMatch(DEAL_UPDATE, Map.of("deal_id", "d1", "stage", "negotiation"))).isEqualTo("none");
		assertThat(firstMatch(DEAL_UPDATE, Map.of("deal_id", "d1", "name", "Renamed"))).isEqualTo("none");
	}

	@Test
	void emailOutsideWhenAnyRecipientOutsideThenBatch() {
		assertThat(firstMatch(EMAIL_SEND, Map.of("to", List.of("eve@elsewhere.example"))))
			.isEqualTo(DefaultRules.EMAIL_OUTSIDE);
		assertThat(firstMatch(EMAIL_DRAFT,
				Map.of("to", List.of("grace@analytical.example"), "cc", List.of("eve@elsewhere.example"))))
			.isEqualTo(DefaultRules.EMAIL_OUTSIDE);
		assertThat(firstMatch(EMAIL_DRAFT,
				Map.of("to", List.of("grace@analytical.example"), "bcc", List.of("eve@elsewhere.example"))))
			.isEqualTo(DefaultRules.EMAIL_OUTSIDE);
		assertThat(firstMatch(EMAIL_SEND, Map.of("to", List.of("grace@analytical.example")))).isEqualTo("none");
	}

	@Test
	void githubMergeWhenAnyMergeThenReviewNow() {
		assertThat(firstMatch(MERGE, Map.of("repo", "ada/engine", "number", 7L))).isEqualTo(DefaultRules.GITHUB_MERGE);
		assertThat(firstMatch(COMMENT, Map.of("repo", "ada/engine", "number", 7L, "body", "ok"))).isEqualTo("none");
	}

}
