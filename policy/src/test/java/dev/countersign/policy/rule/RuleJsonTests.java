package dev.countersign.policy.rule;

import java.util.List;
import java.util.stream.Stream;

import dev.countersign.policy.tool.Risk;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link RuleJson}: the closed grammar, and rejections that name the field.
 */
class RuleJsonTests {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static JsonNode json(String text) {
		return JSON.readTree(text.replace('\'', '"'));
	}

	@Test
	void readRuleWhenEveryFieldIsSetThenRuleHoldsThem() {
		Rule rule = RuleJson.readRule(json("{'id':'big','description':'Large deals','tools':['deal_*'],"
				+ "'connections':['deals'],'agents':['claude-*'],'risk':['HIGH','MEDIUM'],"
				+ "'when':[{'arg':'amount','op':'gt','value':50000},{'op':'recipients_outside'}],"
				+ "'effect':'review_now'}"), "", null);
		assertThat(rule.id()).isEqualTo("big");
		assertThat(rule.description()).isEqualTo("Large deals");
		assertThat(rule.tools()).containsExactly("deal_*");
		assertThat(rule.connections()).containsExactly("deals");
		assertThat(rule.agents()).containsExactly("claude-*");
		assertThat(rule.risks()).containsExactly(Risk.MEDIUM, Risk.HIGH);
		assertThat(rule.when()).containsExactly(Condition.of("amount", Op.GT, 50000L),
				Condition.recipientsOutside(true));
		assertThat(rule.effect()).isEqualTo(Effect.REVIEW_NOW);
	}

	@Test
	void writeRuleThenReadRuleGivesAnEqualRule() {
		for (Rule rule : DefaultRules.RULES) {
			assertThat(RuleJson.readRule(RuleJson.writeRule(rule), "", null)).isEqualTo(rule);
		}
		Rule mixed = Rule.builder("mixed", Effect.DENY)
			.agents("x")
			.risks(Risk.LOW)
			.when(Condition.of("ratio", Op.LE, 0.25), Condition.of("label", Op.NOT_IN, List.of("a", 3L, true)),
					Condition.of("to", Op.MATCHES_GLOB, "*@rival.example"), Condition.recipientsOutside(false))
			.build();
		assertThat(RuleJson.readRules(RuleJson.writeRules(List.of(mixed)))).containsExactly(mixed);
	}

	@Test
	void readRuleWhenIdIsMissingThenUsesTheGivenIdOrRefuses() {
		assertThat(RuleJson.readRule(json("{'effect':'batch'}"), "", "r-1").id()).isEqualTo("r-1");
		assertThatExceptionOfType(InvalidRuleException.class)
			.isThrownBy(() -> RuleJson.readRule(json("{'effect':'batch'}"), "rules[3]", null))
			.satisfies((ex) -> assertThat(ex.field()).isEqualTo("rules[3].id"));
	}

	static Stream<Arguments> rejections() {
		return Stream.of(Arguments.of("[{'id':'a','effect':'batch','colour':'red'}]", "rules[0].colour"),
				Arguments.of("[{'id':'a','effect':'allow'}]", "rules[0].effect"),
				Arguments.of("[{'id':'a'}]", "rules[0].effect"),
				Arguments.of(
						"[{'id':'a','effect':'batch'},{'id':'b','effect':'batch',"
								+ "'when':[{'arg':'x','op':'eq','value':1},{'arg':'x','op':'like','value':'y'}]}]",
						"rules[1].when[1].op"),
				Arguments.of("[{'id':'a','effect':'batch','when':[{'arg':'x','op':'gt','value':'big'}]}]",
						"rules[0].when[0].value"),
				Arguments.of("[{'id':'a','effect':'batch','when':[{'arg':'x','op':'in','value':5}]}]",
						"rules[0].when[0].value"),
				Arguments.of("[{'id':'a','effect':'batch','when':[{'arg':'x','op':'in','value':[1,{'a':1}]}]}]",
						"rules[0].when[0].value[1]"),
				Arguments.of("[{'id':'a','effect':'batch','when':[{'arg':'x','op':'eq'}]}]", "rules[0].when[0].value"),
				Arguments.of("[{'id':'a','effect':'batch','when':[{'op':'eq','value':1}]}]", "rules[0].when[0].arg"),
				Arguments.of("[{'id':'a','effect':'batch','when':[{'arg':'x','op':'eq','value':1,'not':true}]}]",
						"rules[0].when[0].not"),
				Arguments.of("[{'id':'a','effect':'batch','when':[{'arg':'to','op':'recipients_outside'}]}]",
						"rules[0].when[0].arg"),
				Arguments.of("[{'id':'a','effect':'batch','when':[{'op':'recipients_outside','value':'yes'}]}]",
						"rules[0].when[0].value"),
				Arguments.of("[{'id':'a','effect':'batch','when':[{'arg':'x','op':'matches_glob','value':7}]}]",
						"rules[0].when[0].value"),
				Arguments.of("[{'id':'a','effect':'batch','when':[]}]", "rules[0].when"),
				Arguments.of("[{'id':'a','effect':'batch','tools':[]}]", "rules[0].tools"),
				Arguments.of("[{'id':'a','effect':'batch','tools':['email_send',3]}]", "rules[0].tools[1]"),
				Arguments.of("[{'id':'a','effect':'batch','agents':['bad agent']}]", "rules[0].agents[0]"),
				Arguments.of("[{'id':'a','effect':'batch','risk':['NONE']}]", "rules[0].risk[0]"),
				Arguments.of("[{'id':'a','effect':'batch','risk':['high']}]", "rules[0].risk[0]"),
				Arguments.of("[{'id':'has space','effect':'batch'}]", "rules[0].id"),
				Arguments.of("[{'id':7,'effect':'batch'}]", "rules[0].id"),
				Arguments.of("[{'id':'a','effect':'batch','description':'a\\u0000b'}]", "rules[0].description"),
				Arguments.of("[{'id':'a','effect':'batch'},'b']", "rules[1]"),
				Arguments.of("{'id':'a','effect':'batch'}", "rules"));
	}

	@ParameterizedTest(name = "{1}")
	@MethodSource("rejections")
	void readRulesWhenInvalidThenExceptionNamesTheField(String document, String field) {
		assertThatExceptionOfType(InvalidRuleException.class).isThrownBy(() -> RuleJson.readRules(json(document)))
			.satisfies((ex) -> {
				assertThat(ex.field()).isEqualTo(field);
				assertThat(ex.getMessage()).startsWith(field + " ");
			});
	}

	@Test
	void readRulesWhenTwoRulesShareAnIdThenRefused() {
		assertThatExceptionOfType(InvalidRuleException.class)
			.isThrownBy(() -> new RuleSet(
					RuleJson.readRules(json("[{'id':'a','effect':'batch'},{'id':'a','effect':'deny'}]")), 0))
			.withMessageContaining("already exists");
	}

	@Test
	void readRuleWhenValueLooksLikeAnExpressionThenItIsOnlyCompared() {
		Rule rule = RuleJson.readRule(
				json("{'id':'a','effect':'deny','when':[{'arg':'x','op':'eq','value':'#{T(java.lang.Runtime)}'}]}"), "",
				null);
		assertThat(rule.when().get(0).matches(java.util.Map.of("x", "#{T(java.lang.Runtime)}"), java.util.Set.of()))
			.isTrue();
		assertThat(rule.when().get(0).matches(java.util.Map.of("x", "anything else"), java.util.Set.of())).isFalse();
	}

}
