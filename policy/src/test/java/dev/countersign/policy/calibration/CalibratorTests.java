package dev.countersign.policy.calibration;

import java.time.Duration;

import dev.countersign.policy.MutableClock;
import dev.countersign.policy.action.IdGenerator;
import dev.countersign.policy.rule.Effect;
import dev.countersign.policy.rule.Rule;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link Calibrator} and {@link OutcomeCounts#qualifies()}: the 5-approval and
 * 80 % thresholds, what is counted, and dismissed suggestions staying away.
 */
class CalibratorTests {

	private static final String USER = "auth0|ada";

	private static final String AGENT = "claude";

	private static final String TOOL = "email_create_draft";

	private final MutableClock clock = MutableClock.start();

	private final CalibrationStore store = new InMemoryCalibrationStore();

	private final Calibrator calibrator = new Calibrator(this.store, IdGenerator.ulid(this.clock), this.clock);

	private Suggestion answer(double confidence, boolean approved) {
		return this.calibrator.recordAnswer(USER, AGENT, TOOL, confidence, 0.85, approved).block();
	}

	@Test
	void qualifiesWhenFourVersusFiveApprovals() {
		assertThat(new OutcomeCounts(4, 0).qualifies()).isFalse();
		assertThat(new OutcomeCounts(5, 0).qualifies()).isTrue();
	}

	@Test
	void qualifiesWhenSeventyNineVersusEightyPercent() {
		assertThat(new OutcomeCounts(15, 4).qualifies()).as("15 of 19 = 78.9 %").isFalse();
		assertThat(new OutcomeCounts(79, 21).qualifies()).as("79 %").isFalse();
		assertThat(new OutcomeCounts(80, 20).qualifies()).as("80 %").isTrue();
		assertThat(new OutcomeCounts(16, 4).qualifies()).as("16 of 20 = 80 %").isTrue();
	}

	@Test
	void recordAnswerWhenFifthApprovalThenSuggestionOpens() {
		for (int i = 0; i < 4; i++) {
			assertThat(answer(0.9, true)).isNull();
		}
		Suggestion suggestion = answer(0.9, true);
		assertThat(suggestion).isNotNull();
		assertThat(suggestion.id()).startsWith(Suggestion.ID_PREFIX);
		assertThat(suggestion.agent()).isEqualTo(AGENT);
		assertThat(suggestion.tool()).isEqualTo(TOOL);
		assertThat(suggestion.counts()).isEqualTo(new OutcomeCounts(5, 0));
		assertThat(suggestion.status()).isEqualTo(SuggestionStatus.OPEN);
		assertThat(suggestion.text())
			.isEqualTo("auto-approve email_create_draft for agent claude? You approved 5 of 5 such writes.");
	}

	@Test
	void recordAnswerWhenBelowAutoApproveAtThenNotCounted() {
		for (int i = 0; i < 10; i++) {
			assertThat(answer(0.84, true)).isNull();
		}
		assertThat(this.store.findCounts(USER, AGENT, TOOL).block()).isEqualTo(OutcomeCounts.NONE);
		assertThat(this.calibrator.recordAnswer(USER, AGENT, TOOL, null, 0.85, true).block()).isNull();
		assertThat(this.store.findCounts(USER, AGENT, TOOL).block()).isEqualTo(OutcomeCounts.NONE);
	}

	@Test
	void recordAnswerWhenDenialsPushBelowEightyPercentThenNoSuggestion() {
		answer(0.9, false);
		answer(0.9, false);
		for (int i = 0; i < 7; i++) {
			assertThat(answer(0.9, true)).as("%d of %d", i + 1, i + 3).isNull();
		}
		// 8 approved of 10 = 80 %
		assertThat(answer(0.9, true)).isNotNull();
	}

	@Test
	void recordAnswerWhenOpenThenSameSuggestionWithNewCounts() {
		for (int i = 0; i < 4; i++) {
			answer(0.9, true);
		}
		Suggestion first = answer(0.9, true);
		this.clock.advance(Duration.ofMinutes(5));
		Suggestion second = answer(0.95, true);
		assertThat(second.id()).isEqualTo(first.id());
		assertThat(second.counts()).isEqualTo(new OutcomeCounts(6, 0));
		assertThat(this.calibrator.suggestions(USER).collectList().block()).containsExactly(second);
	}

	@Test
	void dismissWhenDismissedThenDoesNotComeBackForTheSameAgentAndTool() {
		for (int i = 0; i < 4; i++) {
			answer(0.9, true);
		}
		Suggestion open = answer(0.9, true);
		Suggestion dismissed = this.calibrator.dismiss(USER, open.id()).block();
		assertThat(dismissed.status()).isEqualTo(SuggestionStatus.DISMISSED);
		for (int i = 0; i < 10; i++) {
			assertThat(answer(0.9, true)).isNull();
		}
		assertThat(this.calibrator.suggestions(USER).collectList().block()).containsExactly(dismissed);
		StepVerifier.create(this.calibrator.accept(USER, open.id())).verifyComplete();
		// another tool of the same agent is still suggested
		for (int i = 0; i < 5; i++) {
			this.calibrator.recordAnswer(USER, AGENT, "calendar_create_event", 0.9, 0.85, true).block();
		}
		assertThat(this.calibrator.suggestions(USER).collectList().block()).hasSize(2);
	}

	@Test
	void acceptWhenOpenThenAcceptedAndRuleAutoApprovesOnlyThatAgentAndTool() {
		for (int i = 0; i < 4; i++) {
			answer(0.9, true);
		}
		Suggestion open = answer(0.9, true);
		Suggestion accepted = this.calibrator.accept(USER, open.id()).block();
		assertThat(accepted.status()).isEqualTo(SuggestionStatus.ACCEPTED);
		Rule rule = accepted.toRule();
		assertThat(rule.effect()).isEqualTo(Effect.AUTO);
		assertThat(rule.tools()).containsExactly(TOOL);
		assertThat(rule.agents()).containsExactly(AGENT);
		StepVerifier.create(this.calibrator.dismiss(USER, open.id())).verifyComplete();
	}

	@Test
	void acceptWhenAnotherUsersSuggestionThenEmpty() {
		for (int i = 0; i < 5; i++) {
			answer(0.9, true);
		}
		String id = this.calibrator.suggestions(USER).blockFirst().id();
		StepVerifier.create(this.calibrator.accept("auth0|grace", id)).verifyComplete();
		assertThat(this.store.find(USER, id).block().status()).isEqualTo(SuggestionStatus.OPEN);
	}

}
