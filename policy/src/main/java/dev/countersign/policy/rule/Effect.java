package dev.countersign.policy.rule;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * What a matching rule does to a write (DESIGN §6). The wire name is lower snake case
 * ({@code review_now}).
 *
 * <p>
 * Strictness orders effects by how much approval they demand: {@code deny} &gt;
 * {@code review_now} &gt; {@code batch} &gt; no rule at all (confidence routing, which
 * may auto-approve) &gt; {@code auto}. {@link #NO_RULE_STRICTNESS} is the place of "no
 * rule" in that order.
 */
public enum Effect {

	/** Auto-approve, whatever the agent's trust level, unless the confidence is low. */
	AUTO(0),

	/** Needs approval in the next batch. */
	BATCH(2),

	/** Needs approval in a batch of its own, pushed at once. */
	REVIEW_NOW(3),

	/** Refused; for reads too. */
	DENY(4);

	/**
	 * The strictness of a write no rule matched: between {@code auto} and {@code batch}.
	 */
	public static final int NO_RULE_STRICTNESS = 1;

	private final int strictness;

	Effect(int strictness) {
		this.strictness = strictness;
	}

	/**
	 * How much approval the effect demands; higher is stricter.
	 * @return 0 ({@code auto}) to 4 ({@code deny})
	 */
	public int strictness() {
		return this.strictness;
	}

	/**
	 * The wire name.
	 * @return for example {@code review_now}
	 */
	public String wireName() {
		return name().toLowerCase(Locale.ROOT);
	}

	/**
	 * Finds an effect by its wire name.
	 * @param wireName for example {@code batch}
	 * @return the effect, or empty when no effect has that name
	 */
	public static Optional<Effect> fromWireName(String wireName) {
		return Arrays.stream(values()).filter((effect) -> effect.wireName().equals(wireName)).findFirst();
	}

}
