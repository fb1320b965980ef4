package dev.countersign.policy.routing;

import java.util.Objects;

/**
 * Routing settings were refused. {@link #field()} names the field as the config API
 * spells it ({@code review_below}, {@code own_domains[2]},
 * {@code tool_overrides.email_send.auto_approve_at}); the message starts with it.
 */
public class InvalidRoutingException extends IllegalArgumentException {

	private static final long serialVersionUID = 1L;

	private final String field;

	private final String detail;

	/**
	 * Creates the exception.
	 * @param field the field path
	 * @param detail what is wrong, for example {@code must be between 0 and 1, but was 2}
	 */
	public InvalidRoutingException(String field, String detail) {
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
	 * @param prefix the enclosing path, such as {@code tool_overrides.email_send}
	 * @return the exception with the field prefixed
	 */
	public InvalidRoutingException within(String prefix) {
		return new InvalidRoutingException(prefix + "." + this.field, this.detail);
	}

}
