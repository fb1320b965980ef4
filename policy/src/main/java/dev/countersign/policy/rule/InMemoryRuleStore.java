package dev.countersign.policy.rule;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import reactor.core.publisher.Mono;

/**
 * A {@link RuleStore} in memory: the embedded default. Nothing survives a restart.
 *
 * <pre>{@code
 * RuleStore store = new InMemoryRuleStore(); // new users start with DefaultRules.RULES
 * }</pre>
 */
public final class InMemoryRuleStore implements RuleStore {

	private final RuleSet initial;

	private final ConcurrentMap<String, RuleSet> users = new ConcurrentHashMap<>();

	/**
	 * A store whose new users start with {@link DefaultRules#RULES}.
	 */
	public InMemoryRuleStore() {
		this(DefaultRules.RULES);
	}

	/**
	 * A store whose new users start with the given rules.
	 * @param defaults the rules of a new user
	 */
	public InMemoryRuleStore(List<Rule> defaults) {
		this.initial = new RuleSet(defaults, 0);
	}

	@Override
	public Mono<RuleSet> find(String user) {
		Objects.requireNonNull(user, "user must not be null");
		return Mono.fromSupplier(() -> this.users.getOrDefault(user, this.initial));
	}

	@Override
	public Mono<RuleSet> replaceAll(String user, long expectedVersion, List<Rule> rules) {
		Objects.requireNonNull(user, "user must not be null");
		return Mono.fromCallable(() -> new RuleSet(rules, expectedVersion + 1))
			.flatMap((next) -> Mono.fromSupplier(() -> {
				RuleSet stored = this.users.compute(user, (key, current) -> {
					long version = (current != null) ? current.version() : 0;
					return (version == expectedVersion) ? next : current;
				});
				return (stored == next) ? next : null;
			}));
	}

	@Override
	public String toString() {
		return "InMemoryRuleStore[users=" + this.users.size() + "]";
	}

}
