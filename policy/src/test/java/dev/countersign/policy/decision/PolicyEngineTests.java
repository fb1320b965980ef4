package dev.countersign.policy.decision;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import dev.countersign.policy.routing.RoutingSettings;
import dev.countersign.policy.routing.Thresholds;
import dev.countersign.policy.rule.DefaultRules;
import dev.countersign.policy.rule.Effect;
import dev.countersign.policy.rule.Rule;
import dev.countersign.policy.tool.Risk;
import dev.countersign.policy.tool.ToolDescriptor;
import dev.countersign.policy.trust.TrustLevel;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Table-driven tests of {@link PolicyEngine}: tool × risk × trust × confidence × rules →
 * decision and reason.
 */
class PolicyEngineTests {

	static final String USER = "auth0|ada";

	static final String EMAIL = "ada@analytical.example";

	static final String AGENT = "claude";

	static final ToolDescriptor CALENDAR_CREATE = ToolDescriptor.write("calendar_create_event", ToolDescriptor.GOOGLE,
			Risk.LOW);

	static final ToolDescriptor EMAIL_DRAFT = ToolDescriptor.write("email_create_draft", ToolDescriptor.GOOGLE,
			Risk.LOW);

	static final ToolDescriptor EMAIL_SEND = ToolDescriptor.destructiveWrite("email_send", ToolDescriptor.GOOGLE,
			Risk.HIGH);

	static final ToolDescriptor DEAL_CREATE = ToolDescriptor.write("deal_create", ToolDescriptor.DEALS, Risk.LOW);

	static final ToolDescriptor DEAL_UPDATE = ToolDescriptor.write("deal_update", ToolDescriptor.DEALS, Risk.MEDIUM);

	static final ToolDescriptor MERGE = ToolDescriptor.destructiveWrite("github_merge_pull_request",
			ToolDescriptor.GITHUB, Risk.HIGH);

	static final ToolDescriptor CALENDAR_LIST = ToolDescriptor.read("calendar_list_events", ToolDescriptor.GOOGLE);

	static final Map<String, Object> EVENT = Map.of("summary", "Design review", "start", "2026-12-01T15:00:00Z", "end",
			"2026-12-01T16:00:00Z");

	static final Rule AUTO_CALENDAR = Rule.builder("auto-calendar", Effect.AUTO)
		.tools("calendar_create_event")
		.agents(AGENT)
		.build();

	static final Rule DENY_CALENDAR = Rule.builder("no-calendar", Effect.DENY).tools("calendar_*").build();

	static final Rule BATCH_CALENDAR = Rule.builder("batch-calendar", Effect.BATCH).tools("calendar_*").build();

	static final Rule DENY_HIGH = Rule.builder("no-high", Effect.DENY).risks(Risk.HIGH).build();

	private final PolicyEngine engine = new PolicyEngine();

	static Stream<Arguments> writes() {
		RoutingSettings calendarOverride = RoutingSettings.defaults()
			.withToolOverride("calendar_create_event", new Thresholds(0.95, 0.60));
		List<Rule> defaults = DefaultRules.RULES;
		return Stream.of(
				// confidence and trust, no rules
				row("LOW at 0.91, L1", CALENDAR_CREATE, Risk.LOW, TrustLevel.L1, 0.91, List.of(), EVENT, "auto_approve",
						false, "confidence 0.91 ≥ 0.85 and trust L1 allows LOW risk"),
				row("exactly auto_approve_at", CALENDAR_CREATE, Risk.LOW, TrustLevel.L1, 0.85, List.of(), EVENT,
						"auto_approve", false, "confidence 0.85 ≥ 0.85 and trust L1 allows LOW risk"),
				row("just below auto_approve_at", CALENDAR_CREATE, Risk.LOW, TrustLevel.L3, 0.84, List.of(), EVENT,
						"batch", false, "confidence 0.84 < auto_approve_at 0.85: needs approval"),
				row("exactly review_below", CALENDAR_CREATE, Risk.LOW, TrustLevel.L3, 0.50, List.of(), EVENT, "batch",
						true, "confidence 0.50 ≤ review_below 0.50: needs approval"),
				row("just above review_below", CALENDAR_CREATE, Risk.LOW, TrustLevel.L3, 0.51, List.of(), EVENT,
						"batch", false, "confidence 0.51 < auto_approve_at 0.85: needs approval"),
				row("missing confidence", CALENDAR_CREATE, Risk.LOW, TrustLevel.L3, null, List.of(), EVENT, "batch",
						true, "no confidence given (counts as 0) ≤ review_below 0.50: needs approval"),
				row("new agent L0", CALENDAR_CREATE, Risk.LOW, TrustLevel.L0, 0.99, List.of(), EVENT, "batch", false,
						"confidence 0.99 ≥ 0.85 but trust L0 does not allow LOW risk: needs approval"),
				row("MEDIUM at L1", DEAL_UPDATE, Risk.MEDIUM, TrustLevel.L1, 0.95, defaults,
						Map.of("deal_id", "d1", "amount", 1000), "batch", false,
						"confidence 0.95 ≥ 0.85 but trust L1 does not allow MEDIUM risk: needs approval"),
				row("MEDIUM at L2", DEAL_UPDATE, Risk.MEDIUM, TrustLevel.L2, 0.95, defaults,
						Map.of("deal_id", "d1", "amount", 1000), "auto_approve", false,
						"confidence 0.95 ≥ 0.85 and trust L2 allows MEDIUM risk"),
				row("raised risk MEDIUM at L1", CALENDAR_CREATE, Risk.MEDIUM, TrustLevel.L1, 0.95, List.of(), EVENT,
						"batch", false,
						"confidence 0.95 ≥ 0.85 but trust L1 does not allow MEDIUM risk: needs approval"),
				row("HIGH at L2", EMAIL_SEND, Risk.HIGH, TrustLevel.L2, 0.99, defaults, inside(), "batch", false,
						"confidence 0.99 ≥ 0.85 but trust L2 does not allow HIGH risk: needs approval"),
				row("HIGH at L3, recipients inside", EMAIL_SEND, Risk.HIGH, TrustLevel.L3, 0.99, defaults, inside(),
						"auto_approve", false, "confidence 0.99 ≥ 0.85 and trust L3 allows HIGH risk"),
				// default rules
				row("deal to closed_won at 0.99", DEAL_UPDATE, Risk.MEDIUM, TrustLevel.L3, 0.99, defaults,
						Map.of("deal_id", "d1", "stage", "closed_won"), "review_now", false,
						"rule #2 (review_now): stage in [closed_won, closed_lost]"),
				row("deal amount above 50000", DEAL_CREATE, Risk.LOW, TrustLevel.L3, 0.99, defaults,
						Map.of("name", "Big", "company", "Northwind", "amount", 60000, "stage", "lead"), "review_now",
						false, "rule #1 (review_now): amount gt 50000"),
				row("deal amount exactly 50000", DEAL_UPDATE, Risk.MEDIUM, TrustLevel.L1, 0.99, defaults,
						Map.of("deal_id", "d1", "amount", 50000), "batch", false,
						"confidence 0.99 ≥ 0.85 but trust L1 does not allow MEDIUM risk: needs approval"),
				row("merge at 0.99, L3", MERGE, Risk.HIGH, TrustLevel.L3, 0.99, defaults,
						Map.of("repo", "ada/engine", "number", 7), "review_now", false,
						"rule #4 (review_now): tools github_merge_pull_request"),
				row("merge at low confidence", MERGE, Risk.HIGH, TrustLevel.L3, 0.20, defaults,
						Map.of("repo", "ada/engine", "number", 7), "review_now", true,
						"rule #4 (review_now): tools github_merge_pull_request; confidence 0.20 ≤ review_below 0.50: low confidence"),
				row("draft to an outside cc at 0.99, L3", EMAIL_DRAFT, Risk.LOW, TrustLevel.L3, 0.99, defaults,
						email(List.of("grace@analytical.example"), List.of("eve@elsewhere.example"), null), "batch",
						false, "rule #3 (batch): recipients outside the user's domains"),
				// user rules
				row("auto rule overrides trust", CALENDAR_CREATE, Risk.LOW, TrustLevel.L0, 0.70, List.of(AUTO_CALENDAR),
						EVENT, "auto_approve", false, "rule #1 (auto): tools calendar_create_event; agents claude"),
				row("auto rule at low confidence is skipped", CALENDAR_CREATE, Risk.LOW, TrustLevel.L3, 0.40,
						List.of(AUTO_CALENDAR), EVENT, "batch", true,
						"confidence 0.40 ≤ review_below 0.50: needs approval; rule #1 (auto) does not apply at or below review_below"),
				row("auto rule at exactly review_below is skipped", CALENDAR_CREATE, Risk.LOW, TrustLevel.L3, 0.50,
						List.of(AUTO_CALENDAR), EVENT, "batch", true,
						"confidence 0.50 ≤ review_below 0.50: needs approval; rule #1 (auto) does not apply at or below review_below"),
				row("skipped auto rule lets a later deny apply", CALENDAR_CREATE, Risk.LOW, TrustLevel.L3, 0.40,
						List.of(AUTO_CALENDAR, DENY_CALENDAR), EVENT, "deny", false,
						"rule #2 (deny): tools calendar_*"),
				row("first match wins", CALENDAR_CREATE, Risk.LOW, TrustLevel.L3, 0.99,
						List.of(BATCH_CALENDAR, DENY_CALENDAR), EVENT, "batch", false,
						"rule #1 (batch): tools calendar_*"),
				row("risk rule does not match LOW", CALENDAR_CREATE, Risk.LOW, TrustLevel.L1, 0.90, List.of(DENY_HIGH),
						EVENT, "auto_approve", false, "confidence 0.90 ≥ 0.85 and trust L1 allows LOW risk"),
				row("risk rule matches HIGH", EMAIL_SEND, Risk.HIGH, TrustLevel.L3, 0.90, List.of(DENY_HIGH), inside(),
						"deny", false, "rule #1 (deny): risk HIGH"),
				// per-tool override
				row("tool override raises auto_approve_at", CALENDAR_CREATE, Risk.LOW, TrustLevel.L3, 0.90, List.of(),
						EVENT, "batch", false, "confidence 0.90 < auto_approve_at 0.95: needs approval",
						calendarOverride),
				row("tool override raises review_below", CALENDAR_CREATE, Risk.LOW, TrustLevel.L3, 0.55, List.of(),
						EVENT, "batch", true, "confidence 0.55 ≤ review_below 0.60: needs approval", calendarOverride));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("writes")
	void decideWrite(String name, WriteContext context, String kind, boolean low, String reason) {
		Decision decision = this.engine.decideWrite(context);
		assertThat(decision.kind()).isEqualTo(kind);
		assertThat(decision.reason()).isEqualTo(reason);
		if (decision instanceof Decision.Batch batch) {
			assertThat(batch.lowConfidence()).isEqualTo(low);
		}
		else if (decision instanceof Decision.ReviewNow review) {
			assertThat(review.lowConfidence()).isEqualTo(low);
		}
		else {
			assertThat(low).as("only Batch and ReviewNow carry the low-confidence flag").isFalse();
		}
	}

	@Test
	void decideWriteWhenRuleDecidesThenDecisionNamesTheRule() {
		Decision decision = this.engine.decideWrite(context(MERGE, Risk.HIGH, TrustLevel.L3, 0.99, DefaultRules.RULES,
				Map.of("repo", "ada/engine", "number", 7), RoutingSettings.defaults()));
		assertThat(decision).isInstanceOf(Decision.ReviewNow.class);
		assertThat(decision.ruleId()).isEqualTo(DefaultRules.GITHUB_MERGE);
		assertThat(decision.needsApproval()).isTrue();
	}

	@Test
	void decideWriteWhenConfidenceDecidesThenNoRuleIsNamed() {
		Decision decision = this.engine.decideWrite(
				context(CALENDAR_CREATE, Risk.LOW, TrustLevel.L1, 0.9, List.of(), EVENT, RoutingSettings.defaults()));
		assertThat(decision).isInstanceOf(Decision.AutoApprove.class);
		assertThat(decision.ruleId()).isNull();
		assertThat(decision.needsApproval()).isFalse();
	}

	@Test
	void decideWriteWhenRecipientDomainIsAnOwnDomainThenNotOutside() {
		RoutingSettings routing = RoutingSettings.defaults().withOwnDomains(List.of("elsewhere.example"));
		Decision decision = this.engine.decideWrite(context(EMAIL_DRAFT, Risk.LOW, TrustLevel.L1, 0.9,
				DefaultRules.RULES, email(List.of("eve@elsewhere.example"), null, null), routing));
		assertThat(decision).isInstanceOf(Decision.AutoApprove.class);
	}

	@Test
	void decideWriteWhenUserHasNoEmailClaimThenEveryRecipientIsOutside() {
		WriteContext context = new WriteContext(USER, null, AGENT, EMAIL_DRAFT, Risk.LOW,
				email(List.of("grace@analytical.example"), null, null), 0.9, TrustLevel.L1, DefaultRules.RULES,
				RoutingSettings.defaults());
		assertThat(this.engine.decideWrite(context).ruleId()).isEqualTo(DefaultRules.EMAIL_OUTSIDE);
	}

	@Test
	void writeContextWhenToolIsAReadThenRefused() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> context(CALENDAR_LIST, Risk.NONE, TrustLevel.L1, 0.9, List.of(), Map.of(),
					RoutingSettings.defaults()))
			.withMessageContaining("tool must be a write");
	}

	@Test
	void writeContextWhenRiskBelowBaseRiskThenRefused() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> context(EMAIL_SEND, Risk.LOW, TrustLevel.L1, 0.9, List.of(), Map.of(),
					RoutingSettings.defaults()))
			.withMessageContaining("risk must be at least the base risk HIGH");
	}

	@Test
	void decideReadWhenDenyRuleMatchesThenDeny() {
		Decision decision = this.engine.decideRead(read(CALENDAR_LIST, List.of(DENY_CALENDAR)));
		assertThat(decision).isInstanceOf(Decision.Deny.class);
		assertThat(decision.reason()).isEqualTo("rule #1 (deny): tools calendar_*");
		assertThat(decision.ruleId()).isEqualTo("no-calendar");
	}

	@Test
	void decideReadWhenOtherRulesComeFirstThenDenyStillApplies() {
		Decision decision = this.engine.decideRead(read(CALENDAR_LIST, List.of(BATCH_CALENDAR, DENY_CALENDAR)));
		assertThat(decision).isInstanceOf(Decision.Deny.class);
		assertThat(decision.reason()).isEqualTo("rule #2 (deny): tools calendar_*");
	}

	@Test
	void decideReadWhenNoDenyRuleMatchesThenPassThrough() {
		Decision decision = this.engine.decideRead(read(CALENDAR_LIST, List.of(BATCH_CALENDAR, DENY_HIGH)));
		assertThat(decision).isEqualTo(new Decision.PassThrough("read: no deny rule matches"));
	}

	@Test
	void decideReadWhenDenyRuleNamesAnotherAgentThenPassThrough() {
		Rule denyOther = Rule.builder("no-gpt", Effect.DENY).agents("gpt-*").build();
		assertThat(this.engine.decideRead(read(CALENDAR_LIST, List.of(denyOther))))
			.isInstanceOf(Decision.PassThrough.class);
	}

	@Test
	void decideReadWhenGovernanceToolThenPassThroughWhateverTheRules() {
		Rule denyAll = Rule.builder("no-anything", Effect.DENY).build();
		Decision decision = this.engine
			.decideRead(read(ToolDescriptor.governance("action_status", true), List.of(denyAll)));
		assertThat(decision).isInstanceOf(Decision.PassThrough.class);
		assertThat(this.engine.decideRead(read(CALENDAR_LIST, List.of(denyAll)))).isInstanceOf(Decision.Deny.class);
	}

	private static ReadContext read(ToolDescriptor tool, List<Rule> rules) {
		return new ReadContext(USER, EMAIL, AGENT, tool, Map.of("max_results", 10), rules, RoutingSettings.defaults());
	}

	private static Map<String, Object> inside() {
		return email(List.of("grace@analytical.example"), null, null);
	}

	static Map<String, Object> email(List<String> to, @Nullable List<String> cc, @Nullable List<String> bcc) {
		Map<String, Object> args = new LinkedHashMap<>();
		args.put("to", to);
		if (cc != null) {
			args.put("cc", cc);
		}
		if (bcc != null) {
			args.put("bcc", bcc);
		}
		args.put("subject", "Numbers");
		args.put("body", "Attached.");
		return args;
	}

	private static WriteContext context(ToolDescriptor tool, Risk risk, TrustLevel trust, @Nullable Double confidence,
			List<Rule> rules, Map<String, Object> arguments, RoutingSettings routing) {
		return new WriteContext(USER, EMAIL, AGENT, tool, risk, arguments, confidence, trust, rules, routing);
	}

	private static Arguments row(String name, ToolDescriptor tool, Risk risk, TrustLevel trust,
			@Nullable Double confidence, List<Rule> rules, Map<String, Object> arguments, String kind, boolean low,
			String reason) {
		return row(name, tool, risk, trust, confidence, rules, arguments, kind, low, reason,
				RoutingSettings.defaults());
	}

	private static Arguments row(String name, ToolDescriptor tool, Risk risk, TrustLevel trust,
			@Nullable Double confidence, List<Rule> rules, Map<String, Object> arguments, String kind, boolean low,
			String reason, RoutingSettings routing) {
		return Arguments.of(name, context(tool, risk, trust, confidence, rules, arguments, routing), kind, low, reason);
	}

}
