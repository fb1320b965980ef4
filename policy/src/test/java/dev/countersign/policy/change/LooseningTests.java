package dev.countersign.policy.change;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import dev.countersign.policy.MutableClock;
import dev.countersign.policy.calibration.OutcomeCounts;
import dev.countersign.policy.calibration.Suggestion;
import dev.countersign.policy.calibration.SuggestionStatus;
import dev.countersign.policy.routing.RoutingSettings;
import dev.countersign.policy.routing.Thresholds;
import dev.countersign.policy.rule.Condition;
import dev.countersign.policy.rule.DefaultRules;
import dev.countersign.policy.rule.Effect;
import dev.countersign.policy.rule.Op;
import dev.countersign.policy.rule.Rule;
import dev.countersign.policy.tool.ToolDescriptor;
import dev.countersign.policy.trust.AgentTrust;
import dev.countersign.policy.trust.TrustLevel;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link Loosening}: each kind of change, loosening or not.
 */
class LooseningTests {

	private static final Instant T0 = MutableClock.START;

	@Nested
	class Routing {

		private final RoutingSettings defaults = RoutingSettings.defaults();

		@Test
		void whenUnchangedOrTightenedThenNotLoosening() {
			assertThat(Loosening.routing(this.defaults, this.defaults)).isEmpty();
			assertThat(Loosening.routing(this.defaults, this.defaults.withThresholds(new Thresholds(0.9, 0.6))))
				.isEmpty();
		}

		@Test
		void whenAutoApproveAtLoweredThenLoosening() {
			assertThat(Loosening.routing(this.defaults, this.defaults.withThresholds(new Thresholds(0.8, 0.5))))
				.containsExactly("auto_approve_at lowered from 0.85 to 0.80");
		}

		@Test
		void whenReviewBelowLoweredThenLoosening() {
			assertThat(Loosening.routing(this.defaults, this.defaults.withThresholds(new Thresholds(0.9, 0.3))))
				.containsExactly("review_below lowered from 0.50 to 0.30");
		}

		@Test
		void whenOwnDomainAddedThenLooseningAndWhenRemovedThenNot() {
			RoutingSettings one = this.defaults.withOwnDomains(List.of("analytical.example"));
			assertThat(Loosening.routing(this.defaults, one)).singleElement()
				.asString()
				.contains("own domain analytical.example added");
			assertThat(Loosening.routing(one, this.defaults)).isEmpty();
		}

		@Test
		void whenToolOverrideAddedStricterThenNotLooseningAndLooserThenLoosening() {
			assertThat(Loosening.routing(this.defaults,
					this.defaults.withToolOverride("email_send", new Thresholds(0.95, 0.7))))
				.isEmpty();
			assertThat(Loosening.routing(this.defaults,
					this.defaults.withToolOverride("email_send", new Thresholds(0.8, 0.5))))
				.containsExactly("auto_approve_at for tool email_send lowered from 0.85 to 0.80");
		}

		@Test
		void whenStricterOverrideRemovedThenLoosening() {
			RoutingSettings strict = this.defaults.withToolOverride("email_send", new Thresholds(0.95, 0.7));
			assertThat(Loosening.routing(strict, this.defaults)).contains(
					"auto_approve_at for tool email_send lowered from 0.95 to 0.85",
					"review_below for tool email_send lowered from 0.70 to 0.50");
			RoutingSettings loose = this.defaults.withToolOverride("email_send", new Thresholds(0.8, 0.4));
			assertThat(Loosening.routing(loose, this.defaults)).isEmpty();
		}

		@Test
		void whenToolOverrideIsLooserThanAConnectionOverrideThenLoosening() {
			RoutingSettings google = this.defaults.withConnectionOverride(ToolDescriptor.GOOGLE,
					new Thresholds(0.95, 0.6));
			// stricter than the global values, but email_send may be a Google tool
			RoutingSettings after = google.withToolOverride("email_send", new Thresholds(0.9, 0.6));
			assertThat(Loosening.routing(google, after)).containsExactly(
					"auto_approve_at for tool email_send on connection google-oauth2 lowered from 0.95 to 0.90");
		}

		@Test
		void whenConnectionOverrideLowerThenLooseningEvenIfGlobalRaised() {
			RoutingSettings after = this.defaults.withThresholds(new Thresholds(0.9, 0.5))
				.withConnectionOverride(ToolDescriptor.GITHUB, new Thresholds(0.8, 0.5));
			assertThat(Loosening.routing(this.defaults, after))
				.containsExactly("auto_approve_at for connection github lowered from 0.85 to 0.80");
		}

	}

	@Nested
	class Rules {

		private final List<Rule> defaults = DefaultRules.RULES;

		private final Rule denySend = Rule.builder("no-send", Effect.DENY).tools("email_send").build();

		private final Rule autoDraft = Rule.builder("auto-draft", Effect.AUTO).tools("email_create_draft").build();

		private final Rule batchAll = Rule.builder("batch-all", Effect.BATCH).build();

		@Test
		void insertWhenDenyAnywhereThenNotLoosening() {
			assertThat(Loosening.ruleInsert(this.defaults, 0, this.denySend)).isEmpty();
			assertThat(Loosening.ruleInsert(this.defaults, 4, this.denySend)).isEmpty();
		}

		@Test
		void insertWhenAutoThenLoosening() {
			assertThat(Loosening.ruleInsert(this.defaults, 4, this.autoDraft)).singleElement()
				.asString()
				.contains("auto-draft (auto)");
		}

		@Test
		void insertWhenBatchBeforeStricterRulesThenLooseningAndAfterThemThenNot() {
			assertThat(Loosening.ruleInsert(this.defaults, 0, this.batchAll)).hasSize(3)
				.allSatisfy((reason) -> assertThat(reason).contains("can take writes away"));
			assertThat(Loosening.ruleInsert(this.defaults, 4, this.batchAll)).isEmpty();
		}

		@Test
		void insertWhenReviewNowBeforeDenyThenLoosening() {
			Rule review = Rule.builder("review-send", Effect.REVIEW_NOW).tools("email_send").build();
			assertThat(Loosening.ruleInsert(List.of(this.denySend), 0, review)).singleElement()
				.asString()
				.contains("before rule no-send (deny)");
			assertThat(Loosening.ruleInsert(List.of(this.denySend), 1, review)).isEmpty();
		}

		@Test
		void deleteWhenAutoThenNotLooseningAndOtherwiseLoosening() {
			List<Rule> rules = List.of(this.autoDraft, this.denySend);
			assertThat(Loosening.ruleDelete(rules, "auto-draft")).isEmpty();
			assertThat(Loosening.ruleDelete(rules, "no-send")).singleElement()
				.asString()
				.contains("removing rule no-send");
			assertThat(Loosening.ruleDelete(this.defaults, DefaultRules.EMAIL_OUTSIDE)).hasSize(1);
		}

		@Test
		void replaceWhenOnlyDescriptionChangesThenNotLoosening() {
			Rule described = Rule.builder(DefaultRules.GITHUB_MERGE, Effect.REVIEW_NOW)
				.description("Merges: always look")
				.tools("github_merge_pull_request")
				.build();
			assertThat(Loosening.ruleReplace(this.defaults, described)).isEmpty();
		}

		@Test
		void replaceWhenEffectWeakensThenLoosening() {
			Rule weaker = Rule.builder(DefaultRules.GITHUB_MERGE, Effect.BATCH)
				.tools("github_merge_pull_request")
				.build();
			assertThat(Loosening.ruleReplace(this.defaults, weaker))
				.contains("rule default-github-merge changed from review_now to batch");
		}

		@Test
		void replaceWhenEffectStrengthensOnSameScopeThenNotLoosening() {
			Rule stricter = Rule.builder(DefaultRules.GITHUB_MERGE, Effect.DENY)
				.tools("github_merge_pull_request")
				.build();
			assertThat(Loosening.ruleReplace(this.defaults, stricter)).isEmpty();
		}

		@Test
		void replaceWhenScopeNarrowsThenLoosening() {
			Rule narrower = Rule.builder(DefaultRules.DEAL_AMOUNT, Effect.REVIEW_NOW)
				.tools("deal_create", "deal_update")
				.when(Condition.of("amount", Op.GT, 50000), Condition.of("currency", Op.EQ, "USD"))
				.build();
			assertThat(Loosening.ruleReplace(this.defaults, narrower)).singleElement()
				.asString()
				.contains("may no longer match");
		}

		@Test
		void replaceWhenDenyScopeWidensThenNotLoosening() {
			Rule wider = Rule.builder("no-send", Effect.DENY).tools("email_send", "email_create_draft").build();
			assertThat(Loosening.ruleReplace(List.of(this.denySend, this.batchAll), wider)).isEmpty();
		}

		@Test
		void replaceWhenScopeWidensBeforeAStricterRuleThenLoosening() {
			Rule batchSend = Rule.builder("batch-send", Effect.BATCH).tools("email_send").build();
			Rule batchMore = Rule.builder("batch-send", Effect.BATCH).tools("email_*").build();
			assertThat(Loosening.ruleReplace(List.of(batchSend, this.denySend), batchMore)).singleElement()
				.asString()
				.contains("may now match writes");
		}

		@Test
		void rulesWhenListUnchangedThenNotLoosening() {
			assertThat(Loosening.rules(this.defaults, this.defaults)).isEmpty();
		}

		@Test
		void rulesWhenReorderedThenLoosening() {
			List<Rule> reordered = new ArrayList<>(this.defaults);
			reordered.add(0, reordered.remove(3));
			assertThat(Loosening.rules(this.defaults, reordered)).singleElement()
				.asString()
				.startsWith("rules reordered");
		}

		@Test
		void rulesWhenAutoRemovedAndDenyAddedThenNotLoosening() {
			List<Rule> before = new ArrayList<>(this.defaults);
			before.add(this.autoDraft);
			List<Rule> after = new ArrayList<>(this.defaults);
			after.add(0, this.denySend);
			assertThat(Loosening.rules(before, after)).isEmpty();
		}

		@Test
		void rulesWhenDefaultRemovedAndAutoAddedThenBothReasons() {
			List<Rule> after = new ArrayList<>(this.defaults.subList(0, 3));
			after.add(this.autoDraft);
			assertThat(Loosening.rules(this.defaults, after)).hasSize(2);
		}

	}

	@Nested
	class Trust {

		private final AgentTrust fresh = AgentTrust.newAgent("auth0|ada", "claude", TrustLevel.L1, T0);

		@Test
		void whenCeilingRaisedThenLooseningAndLoweredThenNot() {
			assertThat(Loosening.trust(this.fresh, this.fresh.withCeiling(TrustLevel.L2)))
				.containsExactly("ceiling of agent claude raised from L1 to L2");
			assertThat(Loosening.trust(this.fresh, this.fresh.withCeiling(TrustLevel.L0))).isEmpty();
		}

		@Test
		void whenPinSetAboveWhatCouldBeEarnedThenLoosening() {
			assertThat(Loosening.trust(this.fresh, this.fresh.withPinned(TrustLevel.L1)))
				.containsExactly("pinned level of agent claude changed from none (earned level) to L1");
			assertThat(Loosening.trust(this.fresh, this.fresh.withPinned(TrustLevel.L0))).isEmpty();
		}

		@Test
		void whenPinRemovedThenLooseningUnlessItWasAtTheCeiling() {
			assertThat(Loosening.trust(this.fresh.withPinned(TrustLevel.L0), this.fresh)).hasSize(1);
			assertThat(Loosening.trust(this.fresh.withPinned(TrustLevel.L1), this.fresh)).isEmpty();
		}

		@Test
		void whenRestoredThenLooseningAndWhenRevokedThenNot() {
			AgentTrust revoked = this.fresh.withRevoked(true);
			assertThat(Loosening.trust(revoked, this.fresh)).containsExactly("restoring revoked agent claude");
			assertThat(Loosening.restore(revoked)).containsExactly("restoring revoked agent claude");
			assertThat(Loosening.restore(this.fresh)).isEmpty();
			assertThat(Loosening.trust(this.fresh, revoked)).isEmpty();
		}

		@Test
		void whenSuggestionAcceptedThenAlwaysLoosening() {
			Suggestion suggestion = new Suggestion("sug_1", "auth0|ada", "claude", "email_create_draft",
					new OutcomeCounts(5, 0), SuggestionStatus.OPEN, T0, T0);
			assertThat(Loosening.acceptSuggestion(suggestion))
				.containsExactly("accepting a suggestion: auto-approve email_create_draft for agent claude");
		}

	}

}
