package dev.countersign.policy.trust;

import java.util.Arrays;
import java.util.Optional;

import dev.countersign.policy.tool.Risk;

/**
 * How far an agent is trusted to act without the user's approval (DESIGN §6). The wire
 * name is the constant's name ({@code L1}).
 */
public enum TrustLevel {

	/** Probation: every write needs approval. New agents start here. */
	L0(Risk.NONE),

	/** LOW-risk writes may auto-run. */
	L1(Risk.LOW),

	/** LOW- and MEDIUM-risk writes may auto-run. */
	L2(Risk.MEDIUM),

	/** Every risk may auto-run (rule-forced reviews still apply). */
	L3(Risk.HIGH);

	private final Risk highestAllowed;

	TrustLevel(Risk highestAllowed) {
		this.highestAllowed = highestAllowed;
	}

	/**
	 * Whether a write of this risk may auto-run at this level.
	 * @param risk the write's effective risk
	 * @return true when the risk is at most what this level allows; {@link Risk#NONE} (a
	 * read) is always allowed
	 */
	public boolean allows(Risk risk) {
		return risk == Risk.NONE || risk.weight() <= this.highestAllowed.weight();
	}

	/**
	 * The lower of two levels.
	 * @param a one level
	 * @param b the other
	 * @return the lower one
	 */
	public static TrustLevel min(TrustLevel a, TrustLevel b) {
		return (a.ordinal() <= b.ordinal()) ? a : b;
	}

	/**
	 * Whether this level is above another.
	 * @param other the other level
	 * @return true when this one is strictly higher
	 */
	public boolean isAbove(TrustLevel other) {
		return ordinal() > other.ordinal();
	}

	/**
	 * Finds a level by its wire name.
	 * @param name {@code L0} to {@code L3}
	 * @return the level, or empty when no level has that name
	 */
	public static Optional<TrustLevel> fromWireName(String name) {
		return Arrays.stream(values()).filter((level) -> level.name().equals(name)).findFirst();
	}

}
