package dev.countersign.policy.rule;

import java.util.Objects;

/**
 * A rule was refused. {@link #field()} names the field as the JSON spells it, with its
 * path ({@code rules[0].when[1].op}); the message starts with it.
 */
public class InvalidRuleException extends IllegalArgumentException {

	private static final long serialVersionUID = 1L;

	private final String field;

	private final String detail;

	/**
	 * Creates the exception.
	 * @param field the field path
	 * @param detail what is wrong, for example {@code must be one of eq, ne, ...}
	 */
	public InvalidRuleException(String field, String detail) {
		super(field + " " + detail);
		this.field = Objects.requireNonNull(field, "field must not be null");
		this.detail = Objects.requireNonNull(detail, "detail must not be null");
	}

	/**
	 * The field that was wrong.
	 * @return the field path
	 */
	public String field() {
		return this.field;
	}

	/**
	 * What is wrong with it.
	 * @return the detail, without the field
	 */
	public String detail() {
		return this.detail;
	}

	/**
	 * The same error inside an enclosing object.
	 * @param prefix the enclosing path, such as {@code rules[0]}; empty for none
	 * @return the exception with the field prefixed
	 */
	public InvalidRuleException within(String prefix) {
		return prefix.isEmpty() ? this : new InvalidRuleException(prefix + "." + this.field, this.detail);
	}

}
