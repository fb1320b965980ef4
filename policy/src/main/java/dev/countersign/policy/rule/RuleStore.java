package dev.countersign.policy.rule;

import java.util.List;

import reactor.core.publisher.Mono;

/**
 * Each user's ordered rules. A user who never changed them has {@link DefaultRules#RULES}
 * at version 0. Every change is a compare-and-set on the version, so two concurrent edits
 * produce one winner; another user's rule ids are simply not found. Implementations are
 * thread-safe; the shared contract is tested by {@code AbstractRuleStoreTests} in
 * policy's test-jar.
 *
 * <p>
 * Implementations provide {@link #find(String)} and
 * {@link #replaceAll(String, long, List)}; create, replace and delete are built on them.
 *
 * <pre>{@code
 * RuleSet current = store.find(user).block();
 * store.create(user, current.version(), current.rules().size(), rule).block(); // append
 * }</pre>
 */
public interface RuleStore {

	/**
	 * A user's rules.
	 * @param user the user id
	 * @return the rules in order with their version; the defaults at version 0 for a new
	 * user
	 */
	Mono<RuleSet> find(String user);

	/**
	 * Replaces a user's whole list if, and only if, it is still at the expected version.
	 * @param user the user id
	 * @param expectedVersion the version the caller read
	 * @param rules the new list (validated as a {@link RuleSet})
	 * @return the stored list at {@code expectedVersion + 1}; empty when the version
	 * moved on (the race was lost: never an error)
	 */
	Mono<RuleSet> replaceAll(String user, long expectedVersion, List<Rule> rules);

	/**
	 * Adds a rule.
	 * @param user the user id
	 * @param expectedVersion the version the caller read
	 * @param position where the rule goes, 0 (first) to the list's size (last)
	 * @param rule the new rule
	 * @return the stored list; empty when the version moved on; an error
	 * {@link DuplicateRuleException} when the id is taken, or
	 * {@link IndexOutOfBoundsException} for a bad position
	 */
	default Mono<RuleSet> create(String user, long expectedVersion, int position, Rule rule) {
		return find(user).flatMap((current) -> (current.version() != expectedVersion) ? Mono.empty()
				: replaceAll(user, expectedVersion, current.withInserted(position, rule)));
	}

	/**
	 * Replaces one rule in place, found by its id.
	 * @param user the user id
	 * @param expectedVersion the version the caller read
	 * @param rule the new version of the rule
	 * @return the stored list; empty when the version moved on; an error
	 * {@link RuleNotFoundException} when the user has no rule with that id
	 */
	default Mono<RuleSet> replace(String user, long expectedVersion, Rule rule) {
		return find(user).flatMap((current) -> (current.version() != expectedVersion) ? Mono.empty()
				: replaceAll(user, expectedVersion, current.withReplaced(rule)));
	}

	/**
	 * Deletes one rule.
	 * @param user the user id
	 * @param expectedVersion the version the caller read
	 * @param id the rule id
	 * @return the stored list; empty when the version moved on; an error
	 * {@link RuleNotFoundException} when the user has no rule with that id
	 */
	default Mono<RuleSet> delete(String user, long expectedVersion, String id) {
		return find(user).flatMap((current) -> (current.version() != expectedVersion) ? Mono.empty()
				: replaceAll(user, expectedVersion, current.without(id)));
	}

}
