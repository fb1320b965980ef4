package dev.countersign.policy.rule;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * One {@code {arg, op, value}} condition of a rule. Validated when built; an error names
 * {@code arg}, {@code op} or {@code value} (the parser adds the path).
 *
 * <p>
 * Values are JSON scalars ({@link String}, {@link Long}, {@link Double}, {@link Boolean})
 * or, for {@code in} and {@code not_in}, a list of them. What each operator takes:
 * {@code eq}/{@code ne} a scalar; {@code gt}/{@code ge}/{@code lt}/{@code le} a number;
 * {@code in}/{@code not_in} 1 to {@value #MAX_LIST} scalars; {@code matches_glob} a glob;
 * {@code recipients_outside} a boolean and no {@code arg}.
 *
 * <p>
 * Matching, against the write's normalised arguments:
 * <ul>
 * <li>A condition on an argument the write does not carry (absent or {@code null}) never
 * matches, whatever the operator.</li>
 * <li>Numbers compare by value (50000 equals 50000.0); a number never equals a string; an
 * ordering operator on a non-number does not match. Strings compare exactly, except
 * {@code matches_glob}, which ignores case.</li>
 * <li>On a list argument (such as {@code to} or {@code labels}), {@code eq}, the ordering
 * operators, {@code in} and {@code matches_glob} match when any element does; {@code ne}
 * and {@code not_in} match when no element is equal (they are always the negation of
 * {@code eq} and {@code in} on a present argument).</li>
 * <li>{@code recipients_outside} collects {@code to}, {@code cc} and {@code bcc} (a
 * string or a list of strings each). With {@code true} it matches when at least one
 * recipient's domain is not one of the user's own (exact match, case ignored; an address
 * without {@code @} counts as outside); with {@code false} when there are recipients and
 * all are inside. A write without recipients matches neither.</li>
 * </ul>
 *
 * @param arg the top-level argument name; {@code null} for {@code recipients_outside}
 * @param op the operator
 * @param value the value to compare with
 */
public record Condition(@Nullable String arg, Op op, Object value) {

	/** The most values an {@code in} or {@code not_in} list may hold. */
	public static final int MAX_LIST = 100;

	/** The longest string value or glob. */
	public static final int MAX_STRING = 200;

	/** The arguments {@code recipients_outside} reads. */
	public static final List<String> RECIPIENT_FIELDS = List.of("to", "cc", "bcc");

	private static final int NOT_COMPARABLE = Integer.MIN_VALUE;

	private static final Pattern ARG = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,63}");

	public Condition {
		if (op == null) {
			throw new InvalidRuleException("op", "is required");
		}
		if (op == Op.RECIPIENTS_OUTSIDE) {
			if (arg != null) {
				throw new InvalidRuleException("arg",
						"must be left out for recipients_outside, which always checks to, cc and bcc");
			}
			if (!(value instanceof Boolean)) {
				throw new InvalidRuleException("value", "must be true or false for recipients_outside");
			}
		}
		else {
			if (arg == null || !ARG.matcher(arg).matches()) {
				throw new InvalidRuleException("arg", "must be an argument name such as amount, but was "
						+ ((arg != null) ? "\"" + shorten(arg) + "\"" : "missing"));
			}
			value = requireValue(op, value);
		}
	}

	/**
	 * A condition on an argument.
	 * @param arg the argument name
	 * @param op the operator (not {@code recipients_outside})
	 * @param value the value
	 * @return the condition
	 */
	public static Condition of(String arg, Op op, Object value) {
		return new Condition(arg, op, value);
	}

	/**
	 * The {@code recipients_outside} condition.
	 * @param outside true to match recipients outside the user's domains
	 * @return the condition
	 */
	public static Condition recipientsOutside(boolean outside) {
		return new Condition(null, Op.RECIPIENTS_OUTSIDE, outside);
	}

	/**
	 * Whether a write's arguments satisfy the condition.
	 * @param arguments the normalised arguments
	 * @param ownDomains the user's own domains, lower case
	 * @return true when it matches
	 */
	public boolean matches(Map<String, ? extends @Nullable Object> arguments, Set<String> ownDomains) {
		if (this.op == Op.RECIPIENTS_OUTSIDE) {
			List<String> recipients = recipients(arguments);
			if (recipients.isEmpty()) {
				return false;
			}
			boolean outside = recipients.stream().anyMatch((recipient) -> !inside(recipient, ownDomains));
			return outside == (Boolean) this.value;
		}
		Object actual = arguments.get(this.arg);
		if (actual == null) {
			return false;
		}
		boolean any = false;
		for (Object element : (actual instanceof Collection<?> list) ? list : List.of(actual)) {
			if (element != null && positive(element)) {
				any = true;
				break;
			}
		}
		return this.op.negative() != any;
	}

	/**
	 * A person-readable form, for decision reasons: {@code amount gt 50000}.
	 * @return the description
	 */
	public String describe() {
		if (this.op == Op.RECIPIENTS_OUTSIDE) {
			return ((Boolean) this.value) ? "recipients outside the user's domains"
					: "all recipients inside the user's domains";
		}
		return this.arg + " " + this.op.wireName() + " " + render(this.value);
	}

	private boolean positive(Object actual) {
		return switch (this.op) {
			case EQ, NE -> jsonEquals(actual, this.value);
			case GT -> compare(actual) > 0;
			case GE -> compare(actual) >= 0 && compare(actual) != NOT_COMPARABLE;
			case LT -> compare(actual) < 0 && compare(actual) != NOT_COMPARABLE;
			case LE -> compare(actual) <= 0 && compare(actual) != NOT_COMPARABLE;
			case IN, NOT_IN -> ((List<?>) this.value).stream().anyMatch((candidate) -> jsonEquals(actual, candidate));
			case MATCHES_GLOB -> actual instanceof String text && Glob.matches((String) this.value, text, true);
			case RECIPIENTS_OUTSIDE -> false;
		};
	}

	private int compare(Object actual) {
		if (!(actual instanceof Number number)) {
			return NOT_COMPARABLE;
		}
		BigDecimal left = decimal(number);
		if (left == null) {
			return NOT_COMPARABLE;
		}
		return Integer.signum(left.compareTo(decimal((Number) this.value)));
	}

	private static boolean jsonEquals(Object actual, Object expected) {
		if (actual instanceof Number a && expected instanceof Number b) {
			BigDecimal left = decimal(a);
			BigDecimal right = decimal(b);
			return left != null && right != null && left.compareTo(right) == 0;
		}
		if (actual instanceof Number || expected instanceof Number) {
			return false;
		}
		return actual.equals(expected);
	}

	private static @Nullable BigDecimal decimal(Number number) {
		if (number instanceof Double || number instanceof Float) {
			double d = number.doubleValue();
			return Double.isFinite(d) ? BigDecimal.valueOf(d) : null;
		}
		if (number instanceof BigDecimal big) {
			return big;
		}
		try {
			return new BigDecimal(number.toString());
		}
		catch (NumberFormatException ex) {
			return null;
		}
	}

	private static List<String> recipients(Map<String, ? extends @Nullable Object> arguments) {
		List<String> recipients = new ArrayList<>();
		for (String field : RECIPIENT_FIELDS) {
			Object value = arguments.get(field);
			if (value instanceof String text) {
				recipients.add(text);
			}
			else if (value instanceof Collection<?> list) {
				for (Object element : list) {
					if (element instanceof String text) {
						recipients.add(text);
					}
				}
			}
		}
		return recipients;
	}

	private static boolean inside(String recipient, Set<String> ownDomains) {
		int at = recipient.lastIndexOf('@');
		if (at < 0) {
			return false;
		}
		String domain = recipient.substring(at + 1).strip().toLowerCase(Locale.ROOT);
		if (domain.endsWith(">")) {
			domain = domain.substring(0, domain.length() - 1);
		}
		return ownDomains.contains(domain);
	}

	private static Object requireValue(Op op, @Nullable Object value) {
		switch (op) {
			case EQ, NE -> {
				return scalar("value", value);
			}
			case GT, GE, LT, LE -> {
				Object number = (value instanceof Boolean || value instanceof String) ? null : value;
				if (!(number instanceof Number)) {
					throw new InvalidRuleException("value", "must be a number for " + op.wireName());
				}
				return scalar("value", number);
			}
			case IN, NOT_IN -> {
				if (!(value instanceof List<?> list) || list.isEmpty() || list.size() > MAX_LIST) {
					throw new InvalidRuleException("value",
							"must be a list of 1 to " + MAX_LIST + " values for " + op.wireName());
				}
				List<Object> values = new ArrayList<>();
				for (int i = 0; i < list.size(); i++) {
					values.add(scalar("value[" + i + "]", list.get(i)));
				}
				return List.copyOf(values);
			}
			case MATCHES_GLOB -> {
				if (!(value instanceof String glob) || glob.isEmpty() || glob.length() > MAX_STRING) {
					throw new InvalidRuleException("value",
							"must be a glob of 1 to " + MAX_STRING + " characters for matches_glob");
				}
				return glob;
			}
			default -> throw new IllegalStateException("unexpected op " + op);
		}
	}

	private static Object scalar(String field, @Nullable Object value) {
		if (value instanceof String text) {
			if (text.length() > MAX_STRING) {
				throw new InvalidRuleException(field, "must be at most " + MAX_STRING + " characters");
			}
			return text;
		}
		if (value instanceof Boolean) {
			return value;
		}
		if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
			return ((Number) value).longValue();
		}
		if (value instanceof Double || value instanceof Float) {
			double d = ((Number) value).doubleValue();
			if (!Double.isFinite(d)) {
				throw new InvalidRuleException(field, "must be a finite number");
			}
			return (d == Math.rint(d) && Math.abs(d) < 1e15) ? (Object) (long) d : (Object) d;
		}
		if (value instanceof BigDecimal || value instanceof BigInteger) {
			return scalar(field, ((Number) value).doubleValue());
		}
		throw new InvalidRuleException(field, "must be a string, a number or a boolean");
	}

	private static String render(Object value) {
		if (value instanceof List<?> list) {
			List<String> parts = new ArrayList<>();
			list.forEach((element) -> parts.add(String.valueOf(element)));
			return "[" + String.join(", ", parts) + "]";
		}
		return String.valueOf(value);
	}

	static String shorten(String text) {
		return (text.length() <= 64) ? text : text.substring(0, 64) + "…";
	}

}
