package dev.countersign.policy.rule;

import java.util.NoSuchElementException;

/**
 * The user has no rule with the given id (another user's rule is not found either).
 */
public class RuleNotFoundException extends NoSuchElementException {

	private static final long serialVersionUID = 1L;

	private final String ruleId;

	/**
	 * Creates the exception.
	 * @param ruleId the id asked for
	 */
	public RuleNotFoundException(String ruleId) {
		super("No rule with id " + ruleId);
		this.ruleId = ruleId;
	}

	/**
	 * The id asked for.
	 * @return the rule id
	 */
	public String ruleId() {
		return this.ruleId;
	}

}
