package dev.countersign.policy.trust;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Objects;

import dev.countersign.policy.tool.Risk;
import org.jspecify.annotations.Nullable;

/**
 * One user's trust in one agent, as stored: the score when it was last written, what was
 * earned on that UTC day, and the user's settings (ceiling, pin, revoked). Immutable; the
 * methods return changed copies and never look at a clock themselves.
 *
 * <p>
 * Effective level = min(ceiling, pinned level if set, else earned level); a revoked
 * agent's effective level is L0 (the server refuses its calls before policy is asked).
 *
 * <pre>{@code
 * AgentTrust trust = AgentTrust.newAgent("auth0|ada", "claude", figures.defaultCeiling(), now);
 * trust = trust.record(TrustOutcome.AUTO_RUN_SUCCEEDED, Risk.LOW, now, figures);
 * TrustLevel level = trust.effectiveLevel(now, figures);
 * }</pre>
 *
 * @param user the user ({@code sub})
 * @param agent the agent (its client id)
 * @param score the score at {@code scoredAt}, at least 0, before decay since then
 * @param scoredAt when the score was last written
 * @param earnDay the UTC day {@code earnedOnDay} counts for
 * @param earnedOnDay the points earned on {@code earnDay}, before decay
 * @param ceiling the highest level the user allows this agent
 * @param pinned the level the user pinned, or {@code null} to use the earned level; never
 * above the ceiling
 * @param revoked whether the user revoked the agent
 * @param version incremented by every stored change
 */
public record AgentTrust(String user, String agent, double score, Instant scoredAt, LocalDate earnDay,
		double earnedOnDay, TrustLevel ceiling, @Nullable TrustLevel pinned, boolean revoked, long version) {

	public AgentTrust {
		Objects.requireNonNull(user, "user must not be null");
		Objects.requireNonNull(agent, "agent must not be null");
		Objects.requireNonNull(scoredAt, "scoredAt must not be null");
		Objects.requireNonNull(earnDay, "earnDay must not be null");
		Objects.requireNonNull(ceiling, "ceiling must not be null");
		if (!(score >= 0 && Double.isFinite(score))) {
			throw new IllegalArgumentException("score must be a finite number of at least 0, but was " + score);
		}
		if (!(earnedOnDay >= 0 && Double.isFinite(earnedOnDay))) {
			throw new IllegalArgumentException(
					"earnedOnDay must be a finite number of at least 0, but was " + earnedOnDay);
		}
		if (pinned != null && pinned.isAbove(ceiling)) {
			throw new PinAboveCeilingException(pinned, ceiling);
		}
		if (version < 0) {
			throw new IllegalArgumentException("version must not be negative, but was " + version);
		}
	}

	/**
	 * A new agent: score 0 (so L0, probation), no pin, not revoked, version 0.
	 * @param user the user
	 * @param agent the agent
	 * @param ceiling the user's default ceiling ({@link TrustFigures#defaultCeiling()})
	 * @param now the current time
	 * @return the new record
	 */
	public static AgentTrust newAgent(String user, String agent, TrustLevel ceiling, Instant now) {
		return new AgentTrust(user, agent, 0, now, day(now), 0, ceiling, null, false, 0);
	}

	/**
	 * The score now, decayed since it was written.
	 * @param now the current time
	 * @param figures the trust figures
	 * @return the decayed score
	 */
	public double scoreAt(Instant now, TrustFigures figures) {
		return figures.decay(this.score, Duration.between(this.scoredAt, now));
	}

	/**
	 * The level the decayed score earns now.
	 * @param now the current time
	 * @param figures the trust figures
	 * @return L0 to L3, whatever the ceiling
	 */
	public TrustLevel earnedLevel(Instant now, TrustFigures figures) {
		return figures.levelFor(scoreAt(now, figures));
	}

	/**
	 * The level policy uses now: min(ceiling, pinned level if set, else earned level); L0
	 * when revoked.
	 * @param now the current time
	 * @param figures the trust figures
	 * @return the effective level
	 */
	public TrustLevel effectiveLevel(Instant now, TrustFigures figures) {
		if (this.revoked) {
			return TrustLevel.L0;
		}
		TrustLevel base = (this.pinned != null) ? this.pinned : earnedLevel(now, figures);
		return TrustLevel.min(this.ceiling, base);
	}

	/**
	 * Records the outcome of one write: the score is decayed to {@code now}, then a
	 * success adds its points up to what is left of the day's cap, and a penalty
	 * subtracts its points down to 0.
	 * @param outcome what became of the write
	 * @param risk the write's risk (not {@link Risk#NONE})
	 * @param now when the outcome is recorded
	 * @param figures the trust figures
	 * @return the changed copy, scored at {@code now}
	 */
	public AgentTrust record(TrustOutcome outcome, Risk risk, Instant now, TrustFigures figures) {
		double points = figures.points(outcome, risk);
		double decayed = scoreAt(now, figures);
		LocalDate today = day(now);
		double earnedToday = today.equals(this.earnDay) ? this.earnedOnDay : 0;
		if (outcome.earns()) {
			double granted = Math.min(points, Math.max(0, figures.dailyEarnCap() - earnedToday));
			return new AgentTrust(this.user, this.agent, decayed + granted, now, today, earnedToday + granted,
					this.ceiling, this.pinned, this.revoked, this.version);
		}
		return new AgentTrust(this.user, this.agent, Math.max(0, decayed + points), now, today, earnedToday,
				this.ceiling, this.pinned, this.revoked, this.version);
	}

	/**
	 * This record with another ceiling. Lowering the ceiling under the pin lowers the pin
	 * to the new ceiling (both are tightening; the stored pin never exceeds the ceiling).
	 * @param newCeiling the new ceiling
	 * @return the changed copy
	 */
	public AgentTrust withCeiling(TrustLevel newCeiling) {
		Objects.requireNonNull(newCeiling, "ceiling must not be null");
		TrustLevel pin = (this.pinned != null) ? TrustLevel.min(this.pinned, newCeiling) : null;
		return new AgentTrust(this.user, this.agent, this.score, this.scoredAt, this.earnDay, this.earnedOnDay,
				newCeiling, pin, this.revoked, this.version);
	}

	/**
	 * This record with another pinned level.
	 * @param level the level to pin, or {@code null} to use the earned level again
	 * @return the changed copy
	 * @throws PinAboveCeilingException when the level is above the ceiling
	 */
	public AgentTrust withPinned(@Nullable TrustLevel level) {
		return new AgentTrust(this.user, this.agent, this.score, this.scoredAt, this.earnDay, this.earnedOnDay,
				this.ceiling, level, this.revoked, this.version);
	}

	/**
	 * This record revoked or restored.
	 * @param revoke true to revoke, false to restore
	 * @return the changed copy
	 */
	public AgentTrust withRevoked(boolean revoke) {
		return new AgentTrust(this.user, this.agent, this.score, this.scoredAt, this.earnDay, this.earnedOnDay,
				this.ceiling, this.pinned, revoke, this.version);
	}

	/**
	 * This record at another version; stores use it.
	 * @param newVersion the version
	 * @return the changed copy
	 */
	public AgentTrust withVersion(long newVersion) {
		return new AgentTrust(this.user, this.agent, this.score, this.scoredAt, this.earnDay, this.earnedOnDay,
				this.ceiling, this.pinned, this.revoked, newVersion);
	}

	private static LocalDate day(Instant instant) {
		return LocalDate.ofInstant(instant, ZoneOffset.UTC);
	}

}
