package dev.countersign.policy.rule;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * The operators of a rule condition (DESIGN §6). The wire name is lower snake case.
 */
public enum Op {

	/** Equal: same string, same boolean, or numerically equal. */
	EQ(false),

	/** Not equal: the negation of {@link #EQ}. */
	NE(true),

	/** Greater than a number. */
	GT(false),

	/** Greater than or equal to a number. */
	GE(false),

	/** Less than a number. */
	LT(false),

	/** Less than or equal to a number. */
	LE(false),

	/** Equal to one of a list of values. */
	IN(false),

	/** Equal to none of a list of values: the negation of {@link #IN}. */
	NOT_IN(true),

	/**
	 * A string matching a glob ({@code *} any run, {@code ?} one character), ignoring
	 * case.
	 */
	MATCHES_GLOB(false),

	/**
	 * Email recipients ({@code to}, {@code cc}, {@code bcc}) outside the user's own
	 * domains; takes no {@code arg}.
	 */
	RECIPIENTS_OUTSIDE(false);

	private final boolean negative;

	Op(boolean negative) {
		this.negative = negative;
	}

	/**
	 * Whether the operator is the negation of another ({@code ne}, {@code not_in}).
	 * @return true for the negative operators
	 */
	public boolean negative() {
		return this.negative;
	}

	/**
	 * The wire name.
	 * @return for example {@code not_in}
	 */
	public String wireName() {
		return name().toLowerCase(Locale.ROOT);
	}

	/**
	 * Finds an operator by its wire name.
	 * @param wireName for example {@code gt}
	 * @return the operator, or empty when none has that name
	 */
	public static Optional<Op> fromWireName(String wireName) {
		return Arrays.stream(values()).filter((op) -> op.wireName().equals(wireName)).findFirst();
	}

}
