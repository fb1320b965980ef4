package dev.countersign.policy.rule;

/**
 * A rule list would hold two rules with one id. Names the field, {@code id}.
 */
public class DuplicateRuleException extends InvalidRuleException {

	private static final long serialVersionUID = 1L;

	/**
	 * Creates the exception.
	 * @param ruleId the id that is taken
	 */
	public DuplicateRuleException(String ruleId) {
		super("id", "must be unique, but a rule with id " + ruleId + " already exists");
	}

}
