package dev.countersign.policy.rule;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A user's rules in order (first match wins) with the version a compare-and-set expects.
 * The {@code with…} methods make the next list; they do not store anything.
 *
 * @param rules the rules, at most {@value #MAX_RULES}, ids unique
 * @param version 0 for a user who never changed their rules (the defaults), then
 * incremented by every stored change
 */
public record RuleSet(List<Rule> rules, long version) {

	/** The most rules a user may have. */
	public static final int MAX_RULES = 100;

	public RuleSet {
		rules = List.copyOf(Objects.requireNonNull(rules, "rules must not be null"));
		if (rules.size() > MAX_RULES) {
			throw new InvalidRuleException("rules",
					"must hold at most " + MAX_RULES + " rules, but held " + rules.size());
		}
		Set<String> ids = new HashSet<>();
		for (Rule rule : rules) {
			if (!ids.add(rule.id())) {
				throw new DuplicateRuleException(rule.id());
			}
		}
		if (version < 0) {
			throw new IllegalArgumentException("version must not be negative, but was " + version);
		}
	}

	/**
	 * Finds a rule.
	 * @param id the rule id
	 * @return the rule, or empty
	 */
	public Optional<Rule> find(String id) {
		return this.rules.stream().filter((rule) -> rule.id().equals(id)).findFirst();
	}

	/**
	 * Gets a rule.
	 * @param id the rule id
	 * @return the rule
	 * @throws RuleNotFoundException when there is none
	 */
	public Rule require(String id) {
		return find(id).orElseThrow(() -> new RuleNotFoundException(id));
	}

	/**
	 * The position of a rule.
	 * @param id the rule id
	 * @return its index, or -1
	 */
	public int indexOf(String id) {
		for (int i = 0; i < this.rules.size(); i++) {
			if (this.rules.get(i).id().equals(id)) {
				return i;
			}
		}
		return -1;
	}

	/**
	 * The rules with one more.
	 * @param position where it goes, 0 to {@code size}; {@code size} appends
	 * @param rule the new rule
	 * @return the new list
	 * @throws DuplicateRuleException when the id is taken
	 * @throws IndexOutOfBoundsException when the position is outside 0 to {@code size}
	 */
	public List<Rule> withInserted(int position, Rule rule) {
		Objects.requireNonNull(rule, "rule must not be null");
		if (find(rule.id()).isPresent()) {
			throw new DuplicateRuleException(rule.id());
		}
		List<Rule> next = new ArrayList<>(this.rules);
		next.add(Objects.checkIndex(position, next.size() + 1), rule);
		return next;
	}

	/**
	 * The rules with one replaced in place (same id, same position).
	 * @param rule the new version of the rule
	 * @return the new list
	 * @throws RuleNotFoundException when there is no rule with its id
	 */
	public List<Rule> withReplaced(Rule rule) {
		int index = indexOf(rule.id());
		if (index < 0) {
			throw new RuleNotFoundException(rule.id());
		}
		List<Rule> next = new ArrayList<>(this.rules);
		next.set(index, rule);
		return next;
	}

	/**
	 * The rules without one.
	 * @param id the rule id
	 * @return the new list
	 * @throws RuleNotFoundException when there is no rule with that id
	 */
	public List<Rule> without(String id) {
		int index = indexOf(id);
		if (index < 0) {
			throw new RuleNotFoundException(id);
		}
		List<Rule> next = new ArrayList<>(this.rules);
		next.remove(index);
		return next;
	}

}
