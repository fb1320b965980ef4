package dev.countersign.policy.rule;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link Condition}: the operators, list arguments, missing arguments and
 * {@code recipients_outside}.
 */
class ConditionTests {

	private static final Set<String> OWN = Set.of("analytical.example");

	private static boolean matches(Condition condition, Map<String, ?> args) {
		return condition.matches(args, OWN);
	}

	@Test
	void comparisonsWhenNumbersThenCompareByValue() {
		Map<String, Object> args = Map.of("amount", 50000L, "ratio", 0.5);
		assertThat(matches(Condition.of("amount", Op.GT, 50000), args)).isFalse();
		assertThat(matches(Condition.of("amount", Op.GE, 50000), args)).isTrue();
		assertThat(matches(Condition.of("amount", Op.LT, 50000.5), args)).isTrue();
		assertThat(matches(Condition.of("amount", Op.LE, 49999), args)).isFalse();
		assertThat(matches(Condition.of("amount", Op.EQ, 50000.0), args)).isTrue();
		assertThat(matches(Condition.of("ratio", Op.EQ, 0.5), args)).isTrue();
		assertThat(matches(Condition.of("ratio", Op.NE, 0.5), args)).isFalse();
	}

	@Test
	void comparisonsWhenTypesDifferThenNoMatch() {
		Map<String, Object> args = Map.of("amount", "60000", "flag", true);
		assertThat(matches(Condition.of("amount", Op.GT, 50000), args)).isFalse();
		assertThat(matches(Condition.of("amount", Op.EQ, 60000), args)).isFalse();
		assertThat(matches(Condition.of("flag", Op.EQ, true), args)).isTrue();
		assertThat(matches(Condition.of("flag", Op.EQ, "true"), args)).isFalse();
	}

	@Test
	void anyOperatorWhenArgumentMissingOrNullThenNoMatch() {
		Map<String, Object> args = new LinkedHashMap<>();
		args.put("cleared", null);
		for (Op op : List.of(Op.EQ, Op.NE, Op.IN, Op.NOT_IN)) {
			Object value = (op == Op.IN || op == Op.NOT_IN) ? List.of("x") : "x";
			assertThat(matches(Condition.of("absent", op, value), args)).as(op.wireName()).isFalse();
			assertThat(matches(Condition.of("cleared", op, value), args)).as(op.wireName()).isFalse();
		}
	}

	@Test
	void inAndNotInWhenScalarThenMembership() {
		Condition closing = Condition.of("stage", Op.IN, List.of("closed_won", "closed_lost"));
		Condition open = Condition.of("stage", Op.NOT_IN, List.of("closed_won", "closed_lost"));
		assertThat(matches(closing, Map.of("stage", "closed_lost"))).isTrue();
		assertThat(matches(closing, Map.of("stage", "proposal"))).isFalse();
		assertThat(matches(open, Map.of("stage", "proposal"))).isTrue();
		assertThat(matches(open, Map.of("stage", "closed_won"))).isFalse();
	}

	@Test
	void operatorsWhenArgumentIsAListThenAnyElementForPositiveAndNoneForNegative() {
		Map<String, Object> args = Map.of("labels", List.of("bug", "security"));
		assertThat(matches(Condition.of("labels", Op.EQ, "security"), args)).isTrue();
		assertThat(matches(Condition.of("labels", Op.NE, "security"), args)).isFalse();
		assertThat(matches(Condition.of("labels", Op.NE, "docs"), args)).isTrue();
		assertThat(matches(Condition.of("labels", Op.IN, List.of("docs", "bug")), args)).isTrue();
		assertThat(matches(Condition.of("labels", Op.NOT_IN, List.of("docs", "bug")), args)).isFalse();
	}

	@Test
	void matchesGlobWhenPatternThenIgnoresCaseAndQuotesOtherCharacters() {
		Condition rival = Condition.of("to", Op.MATCHES_GLOB, "*@Rival.example");
		assertThat(matches(rival, Map.of("to", List.of("ada@analytical.example", "eve@rival.example")))).isTrue();
		assertThat(matches(rival, Map.of("to", List.of("eve@rivalXexample")))).isFalse();
		assertThat(matches(Condition.of("repo", Op.MATCHES_GLOB, "ada/?ngine"), Map.of("repo", "ada/engine"))).isTrue();
		assertThat(matches(Condition.of("repo", Op.MATCHES_GLOB, "ada/(.*)"), Map.of("repo", "ada/engine"))).isFalse();
	}

	@Test
	void recipientsOutsideWhenOnlyBccIsOutsideThenMatches() {
		Map<String, Object> args = Map.of("to", List.of("grace@analytical.example"), "bcc",
				List.of("eve@elsewhere.example"));
		assertThat(matches(Condition.recipientsOutside(true), args)).isTrue();
		assertThat(matches(Condition.recipientsOutside(false), args)).isFalse();
	}

	@Test
	void recipientsOutsideWhenOnlyCcIsOutsideThenMatches() {
		Map<String, Object> args = Map.of("to", List.of("grace@analytical.example"), "cc", "eve@elsewhere.example");
		assertThat(matches(Condition.recipientsOutside(true), args)).isTrue();
	}

	@Test
	void recipientsOutsideWhenAllInsideThenFalseMatchesOnly() {
		Map<String, Object> args = Map.of("to", List.of("grace@ANALYTICAL.example"), "cc",
				List.of("alan@analytical.example"));
		assertThat(matches(Condition.recipientsOutside(true), args)).isFalse();
		assertThat(matches(Condition.recipientsOutside(false), args)).isTrue();
	}

	@Test
	void recipientsOutsideWhenSubdomainThenOutside() {
		Map<String, Object> args = Map.of("to", List.of("grace@eu.analytical.example"));
		assertThat(matches(Condition.recipientsOutside(true), args)).isTrue();
	}

	@Test
	void recipientsOutsideWhenNoRecipientsThenNeitherMatches() {
		Map<String, Object> args = Map.of("subject", "hi");
		assertThat(matches(Condition.recipientsOutside(true), args)).isFalse();
		assertThat(matches(Condition.recipientsOutside(false), args)).isFalse();
	}

	@Test
	void describeWhenConditionThenReadable() {
		assertThat(Condition.of("amount", Op.GT, 50000).describe()).isEqualTo("amount gt 50000");
		assertThat(Condition.of("stage", Op.IN, List.of("closed_won", "closed_lost")).describe())
			.isEqualTo("stage in [closed_won, closed_lost]");
		assertThat(Condition.recipientsOutside(true).describe()).isEqualTo("recipients outside the user's domains");
	}

}
