package dev.countersign.policy.trust;

import java.time.Duration;
import java.util.Objects;

import dev.countersign.policy.tool.Risk;

/**
 * Every figure of the trust ledger (DESIGN §6), in one place. Each default is a
 * {@code DEFAULT_*} constant below; {@link #defaults()} is what Countersign runs with.
 *
 * <p>
 * How the figures combine:
 * <ul>
 * <li>A write that succeeded earns its risk's weight ({@code lowWeight},
 * {@code mediumWeight}, {@code highWeight}) times {@code autoRunShare} when it auto-ran,
 * or times {@code approvedShare} when the user approved it.</li>
 * <li>At most {@code dailyEarnCap} points are earned per UTC calendar day (00:00 to 24:00
 * UTC), counted before decay; what is beyond the cap is dropped. A calendar day, not a
 * rolling 24 hours: it needs one counter rather than a log of earnings, and it is the
 * same on every replica.</li>
 * <li>A denial costs {@code deniedPenalty} × weight, a failure {@code failedPenalty} ×
 * weight, an {@code UNKNOWN} outcome {@code unknownPenalty} × weight. Penalties are never
 * capped. The score never goes below 0.</li>
 * <li>The score decays on read with a half-life of {@code halfLife}:
 * {@code score · 0.5^(t / halfLife)}, t the time since it was last written.</li>
 * <li>The earned level is L3 from {@code l3At} points, L2 from {@code l2At}, L1 from
 * {@code l1At}, otherwise L0.</li>
 * <li>A user's ceiling for an agent is {@code defaultCeiling} until they change it.</li>
 * </ul>
 *
 * <pre>{@code
 * TrustFigures figures = TrustFigures.defaults();
 * double points = figures.points(TrustOutcome.APPROVED_SUCCEEDED, Risk.MEDIUM); // 1.0
 * }</pre>
 *
 * @param lowWeight the weight of a LOW-risk write
 * @param mediumWeight the weight of a MEDIUM-risk write
 * @param highWeight the weight of a HIGH-risk write
 * @param autoRunShare the share of the weight earned by a successful auto-run write
 * @param approvedShare the share of the weight earned by a successful approved write
 * @param dailyEarnCap the most points earned per UTC day
 * @param deniedPenalty the multiple of the weight lost on a denial
 * @param failedPenalty the multiple of the weight lost on a failure
 * @param unknownPenalty the multiple of the weight lost on an unknown outcome
 * @param halfLife the decay half-life
 * @param l1At the score from which the earned level is L1
 * @param l2At the score from which the earned level is L2
 * @param l3At the score from which the earned level is L3
 * @param defaultCeiling the ceiling a user has for a new agent
 */
public record TrustFigures(double lowWeight, double mediumWeight, double highWeight, double autoRunShare,
		double approvedShare, double dailyEarnCap, double deniedPenalty, double failedPenalty, double unknownPenalty,
		Duration halfLife, double l1At, double l2At, double l3At, TrustLevel defaultCeiling) {

	/** LOW-risk writes weigh 1. */
	public static final double DEFAULT_LOW_WEIGHT = 1;

	/** MEDIUM-risk writes weigh 2. */
	public static final double DEFAULT_MEDIUM_WEIGHT = 2;

	/** HIGH-risk writes weigh 3. */
	public static final double DEFAULT_HIGH_WEIGHT = 3;

	/** A successful auto-run write earns its full weight. */
	public static final double DEFAULT_AUTO_RUN_SHARE = 1.0;

	/** A successful approved write earns half its weight. */
	public static final double DEFAULT_APPROVED_SHARE = 0.5;

	/** At most 10 points are earned per UTC day. */
	public static final double DEFAULT_DAILY_EARN_CAP = 10;

	/** A denial costs 5 × weight. */
	public static final double DEFAULT_DENIED_PENALTY = 5;

	/** A failure costs 2 × weight. */
	public static final double DEFAULT_FAILED_PENALTY = 2;

	/** An unknown outcome costs 1 × weight. */
	public static final double DEFAULT_UNKNOWN_PENALTY = 1;

	/** The score halves every 7 days (604 800 s). */
	public static final Duration DEFAULT_HALF_LIFE = Duration.ofDays(7);

	/** L1 from 10 points. */
	public static final double DEFAULT_L1_AT = 10;

	/** L2 from 30 points. */
	public static final double DEFAULT_L2_AT = 30;

	/** L3 from 60 points. */
	public static final double DEFAULT_L3_AT = 60;

	/** A user's ceiling for an agent is L1 until they raise it. */
	public static final TrustLevel DEFAULT_CEILING = TrustLevel.L1;

	public TrustFigures {
		requireNotNegative("lowWeight", lowWeight);
		requireNotNegative("mediumWeight", mediumWeight);
		requireNotNegative("highWeight", highWeight);
		requireNotNegative("autoRunShare", autoRunShare);
		requireNotNegative("approvedShare", approvedShare);
		requireNotNegative("dailyEarnCap", dailyEarnCap);
		requireNotNegative("deniedPenalty", deniedPenalty);
		requireNotNegative("failedPenalty", failedPenalty);
		requireNotNegative("unknownPenalty", unknownPenalty);
		Objects.requireNonNull(halfLife, "halfLife must not be null");
		Objects.requireNonNull(defaultCeiling, "defaultCeiling must not be null");
		if (halfLife.isNegative() || halfLife.isZero()) {
			throw new IllegalArgumentException("halfLife must be positive, but was " + halfLife);
		}
		requireNotNegative("l1At", l1At);
		if (!(l1At < l2At && l2At < l3At)) {
			throw new IllegalArgumentException(
					"l1At < l2At < l3At must hold, but they were " + l1At + ", " + l2At + ", " + l3At);
		}
	}

	/**
	 * The defaults of DESIGN §6.
	 * @return figures of the {@code DEFAULT_*} values
	 */
	public static TrustFigures defaults() {
		return new TrustFigures(DEFAULT_LOW_WEIGHT, DEFAULT_MEDIUM_WEIGHT, DEFAULT_HIGH_WEIGHT, DEFAULT_AUTO_RUN_SHARE,
				DEFAULT_APPROVED_SHARE, DEFAULT_DAILY_EARN_CAP, DEFAULT_DENIED_PENALTY, DEFAULT_FAILED_PENALTY,
				DEFAULT_UNKNOWN_PENALTY, DEFAULT_HALF_LIFE, DEFAULT_L1_AT, DEFAULT_L2_AT, DEFAULT_L3_AT,
				DEFAULT_CEILING);
	}

	/**
	 * The weight of a risk.
	 * @param risk a write's risk
	 * @return its weight
	 * @throws IllegalArgumentException for {@link Risk#NONE}: reads earn nothing
	 */
	public double weight(Risk risk) {
		return switch (Objects.requireNonNull(risk, "risk must not be null")) {
			case LOW -> this.lowWeight;
			case MEDIUM -> this.mediumWeight;
			case HIGH -> this.highWeight;
			case NONE -> throw new IllegalArgumentException("risk must be that of a write, but was NONE");
		};
	}

	/**
	 * The points an outcome is worth before the daily cap: positive for a success,
	 * negative for a penalty.
	 * @param outcome what became of the write
	 * @param risk the write's risk
	 * @return the signed points
	 */
	public double points(TrustOutcome outcome, Risk risk) {
		double weight = weight(risk);
		return switch (Objects.requireNonNull(outcome, "outcome must not be null")) {
			case AUTO_RUN_SUCCEEDED -> weight * this.autoRunShare;
			case APPROVED_SUCCEEDED -> weight * this.approvedShare;
			case DENIED -> -weight * this.deniedPenalty;
			case FAILED -> -weight * this.failedPenalty;
			case UNKNOWN -> -weight * this.unknownPenalty;
		};
	}

	/**
	 * The level a score earns.
	 * @param score a decayed score
	 * @return L0 to L3
	 */
	public TrustLevel levelFor(double score) {
		if (score >= this.l3At) {
			return TrustLevel.L3;
		}
		if (score >= this.l2At) {
			return TrustLevel.L2;
		}
		return (score >= this.l1At) ? TrustLevel.L1 : TrustLevel.L0;
	}

	/**
	 * A score decayed over some time.
	 * @param score the score when it was written
	 * @param elapsed the time since; a negative time (a clock set back) decays nothing
	 * @return {@code score · 0.5^(elapsed / halfLife)}
	 */
	public double decay(double score, Duration elapsed) {
		if (elapsed.isNegative() || elapsed.isZero()) {
			return score;
		}
		double halfLives = seconds(elapsed) / seconds(this.halfLife);
		return score * Math.pow(0.5, halfLives);
	}

	private static double seconds(Duration duration) {
		return duration.getSeconds() + duration.getNano() / 1e9;
	}

	private static void requireNotNegative(String name, double value) {
		if (!(value >= 0 && Double.isFinite(value))) {
			throw new IllegalArgumentException(name + " must be a finite number of at least 0, but was " + value);
		}
	}

}
