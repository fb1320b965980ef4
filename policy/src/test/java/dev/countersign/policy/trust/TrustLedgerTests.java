package dev.countersign.policy.trust;

import java.time.Duration;
import java.time.Instant;

import dev.countersign.policy.MutableClock;
import dev.countersign.policy.tool.Risk;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.within;

/**
 * Tests for {@link TrustLedger} and {@link AgentTrust} on a mutable clock: points, the
 * daily cap, penalties and floor, decay, levels, ceiling and pin.
 */
class TrustLedgerTests {

	private static final String USER = "auth0|ada";

	private static final String AGENT = "claude";

	private final MutableClock clock = MutableClock.start();

	private final TrustFigures figures = TrustFigures.defaults();

	private final TrustLedger ledger = new TrustLedger(new InMemoryTrustStore(), this.figures, this.clock);

	private double score() {
		return this.ledger.view(USER, AGENT).block().score();
	}

	private void record(Risk risk, TrustOutcome outcome, int times) {
		for (int i = 0; i < times; i++) {
			this.ledger.record(USER, AGENT, risk, outcome).block();
		}
	}

	@Test
	void figuresWhenDefaultsThenTheDesignValues() {
		assertThat(this.figures.weight(Risk.LOW)).isEqualTo(1);
		assertThat(this.figures.weight(Risk.MEDIUM)).isEqualTo(2);
		assertThat(this.figures.weight(Risk.HIGH)).isEqualTo(3);
		assertThat(this.figures.points(TrustOutcome.AUTO_RUN_SUCCEEDED, Risk.HIGH)).isEqualTo(3);
		assertThat(this.figures.points(TrustOutcome.APPROVED_SUCCEEDED, Risk.HIGH)).isEqualTo(1.5);
		assertThat(this.figures.points(TrustOutcome.DENIED, Risk.MEDIUM)).isEqualTo(-10);
		assertThat(this.figures.points(TrustOutcome.FAILED, Risk.MEDIUM)).isEqualTo(-4);
		assertThat(this.figures.points(TrustOutcome.UNKNOWN, Risk.MEDIUM)).isEqualTo(-2);
		assertThat(this.figures.halfLife()).isEqualTo(Duration.ofSeconds(604800));
		assertThat(this.figures.defaultCeiling()).isEqualTo(TrustLevel.L1);
	}

	@Test
	void viewWhenNewAgentThenL0WithDefaultCeiling() {
		TrustView view = this.ledger.view(USER, AGENT).block();
		assertThat(view.score()).isZero();
		assertThat(view.earnedLevel()).isEqualTo(TrustLevel.L0);
		assertThat(view.effectiveLevel()).isEqualTo(TrustLevel.L0);
		assertThat(view.ceiling()).isEqualTo(TrustLevel.L1);
		assertThat(view.pinned()).isNull();
	}

	@Test
	void recordWhenApprovedThenHalfAndWhenAutoRunThenFull() {
		record(Risk.MEDIUM, TrustOutcome.APPROVED_SUCCEEDED, 1);
		assertThat(score()).isEqualTo(1.0);
		record(Risk.HIGH, TrustOutcome.AUTO_RUN_SUCCEEDED, 1);
		assertThat(score()).isEqualTo(4.0);
	}

	@Test
	void recordWhenMoreThanTenInOneUtcDayThenCapped() {
		this.clock.set(Instant.parse("2026-11-23T00:00:00Z"));
		record(Risk.HIGH, TrustOutcome.AUTO_RUN_SUCCEEDED, 3); // 9
		record(Risk.MEDIUM, TrustOutcome.AUTO_RUN_SUCCEEDED, 1); // 11 -> capped at 10
		assertThat(score()).isEqualTo(10.0);
		this.clock.set(Instant.parse("2026-11-23T23:59:59Z"));
		record(Risk.LOW, TrustOutcome.AUTO_RUN_SUCCEEDED, 1);
		assertThat(score()).isCloseTo(10.0 * Math.pow(0.5, 86399.0 / 604800), within(1e-9));
		// a new UTC day earns again
		this.clock.set(Instant.parse("2026-11-24T00:00:00Z"));
		double before = score();
		record(Risk.LOW, TrustOutcome.AUTO_RUN_SUCCEEDED, 1);
		assertThat(score()).isCloseTo(before + 1, within(1e-9));
	}

	@Test
	void recordWhenPenaltyThenNotCappedAndNeverBelowZero() {
		this.clock.set(Instant.parse("2026-11-23T00:00:00Z"));
		record(Risk.HIGH, TrustOutcome.AUTO_RUN_SUCCEEDED, 4); // capped at 10
		record(Risk.LOW, TrustOutcome.UNKNOWN, 1);
		assertThat(score()).isEqualTo(9.0);
		record(Risk.LOW, TrustOutcome.FAILED, 1);
		assertThat(score()).isEqualTo(7.0);
		record(Risk.LOW, TrustOutcome.DENIED, 1);
		assertThat(score()).isEqualTo(2.0);
		record(Risk.HIGH, TrustOutcome.DENIED, 1);
		assertThat(score()).isZero();
		// penalties do not give back room under the daily cap
		record(Risk.LOW, TrustOutcome.AUTO_RUN_SUCCEEDED, 1);
		assertThat(score()).isZero();
	}

	@Test
	void scoreWhenTimePassesThenHalvesEverySevenDays() {
		record(Risk.HIGH, TrustOutcome.AUTO_RUN_SUCCEEDED, 3);
		assertThat(score()).isEqualTo(9.0);
		this.clock.advance(Duration.ofDays(7));
		assertThat(score()).isCloseTo(4.5, within(1e-9));
		this.clock.advance(Duration.ofDays(7));
		assertThat(score()).isCloseTo(2.25, within(1e-9));
		this.clock.advance(Duration.ofHours(12));
		assertThat(score()).isCloseTo(9.0 * Math.pow(0.5, (14 * 86400.0 + 43200) / 604800), within(1e-9));
	}

	@Test
	void levelWhenThresholdsReachedThenEarnedLevelRisesButCeilingCaps() {
		this.ledger.setCeiling(USER, AGENT, TrustLevel.L3).block();
		Instant day = Instant.parse("2026-11-23T12:00:00Z");
		this.clock.set(day);
		record(Risk.HIGH, TrustOutcome.AUTO_RUN_SUCCEEDED, 3); // 9
		assertThat(this.ledger.view(USER, AGENT).block().earnedLevel()).isEqualTo(TrustLevel.L0);
		record(Risk.LOW, TrustOutcome.AUTO_RUN_SUCCEEDED, 1); // 10
		assertThat(this.ledger.effectiveLevel(USER, AGENT).block()).isEqualTo(TrustLevel.L1);
		AgentTrust trust = AgentTrust.newAgent(USER, AGENT, TrustLevel.L3, day);
		assertThat(withScore(trust, 29.99).earnedLevel(day, this.figures)).isEqualTo(TrustLevel.L1);
		assertThat(withScore(trust, 30).earnedLevel(day, this.figures)).isEqualTo(TrustLevel.L2);
		assertThat(withScore(trust, 59.99).earnedLevel(day, this.figures)).isEqualTo(TrustLevel.L2);
		assertThat(withScore(trust, 60).earnedLevel(day, this.figures)).isEqualTo(TrustLevel.L3);
		assertThat(withScore(trust, 60).withCeiling(TrustLevel.L1).effectiveLevel(day, this.figures))
			.isEqualTo(TrustLevel.L1);
		// L3 decays back to L2 after a week: 60 -> 30
		assertThat(withScore(trust, 60).earnedLevel(day.plus(Duration.ofDays(7)), this.figures))
			.isEqualTo(TrustLevel.L2);
	}

	@Test
	void pinWhenAboveCeilingThenRefusedAndNothingStored() {
		assertThatExceptionOfType(PinAboveCeilingException.class)
			.isThrownBy(() -> this.ledger.pin(USER, AGENT, TrustLevel.L2).block())
			.satisfies((ex) -> {
				assertThat(ex.field()).isEqualTo("pinned_level");
				assertThat(ex.getMessage()).contains("ceiling L1").contains("L2");
			});
		assertThat(this.ledger.view(USER, AGENT).block().pinned()).isNull();
	}

	@Test
	void pinWhenAtOrBelowCeilingThenEffectiveIsThePin() {
		this.ledger.pin(USER, AGENT, TrustLevel.L1).block();
		assertThat(this.ledger.effectiveLevel(USER, AGENT).block()).isEqualTo(TrustLevel.L1);
		this.ledger.setCeiling(USER, AGENT, TrustLevel.L3).block();
		this.ledger.pin(USER, AGENT, TrustLevel.L3).block();
		assertThat(this.ledger.effectiveLevel(USER, AGENT).block()).isEqualTo(TrustLevel.L3);
		// lowering the ceiling lowers the pin with it
		this.ledger.setCeiling(USER, AGENT, TrustLevel.L1).block();
		TrustView view = this.ledger.view(USER, AGENT).block();
		assertThat(view.pinned()).isEqualTo(TrustLevel.L1);
		assertThat(view.effectiveLevel()).isEqualTo(TrustLevel.L1);
		this.ledger.pin(USER, AGENT, null).block();
		assertThat(this.ledger.effectiveLevel(USER, AGENT).block()).isEqualTo(TrustLevel.L0);
	}

	@Test
	void effectiveLevelWhenRevokedThenL0UntilRestored() {
		this.ledger.pin(USER, AGENT, TrustLevel.L1).block();
		this.ledger.revoke(USER, AGENT).block();
		assertThat(this.ledger.view(USER, AGENT).block().revoked()).isTrue();
		assertThat(this.ledger.effectiveLevel(USER, AGENT).block()).isEqualTo(TrustLevel.L0);
		this.ledger.restore(USER, AGENT).block();
		assertThat(this.ledger.effectiveLevel(USER, AGENT).block()).isEqualTo(TrustLevel.L1);
	}

	@Test
	void allowsWhenLevelThenCapsRisk() {
		assertThat(TrustLevel.L0.allows(Risk.LOW)).isFalse();
		assertThat(TrustLevel.L1.allows(Risk.LOW)).isTrue();
		assertThat(TrustLevel.L1.allows(Risk.MEDIUM)).isFalse();
		assertThat(TrustLevel.L2.allows(Risk.MEDIUM)).isTrue();
		assertThat(TrustLevel.L2.allows(Risk.HIGH)).isFalse();
		assertThat(TrustLevel.L3.allows(Risk.HIGH)).isTrue();
	}

	private static AgentTrust withScore(AgentTrust trust, double score) {
		return new AgentTrust(trust.user(), trust.agent(), score, trust.scoredAt(), trust.earnDay(), 0, trust.ceiling(),
				trust.pinned(), trust.revoked(), trust.version());
	}

}
