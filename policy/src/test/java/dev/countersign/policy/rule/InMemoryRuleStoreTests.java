package dev.countersign.policy.rule;

/**
 * The {@link RuleStore} contract for {@link InMemoryRuleStore}.
 */
class InMemoryRuleStoreTests extends AbstractRuleStoreTests {

	@Override
	protected RuleStore createStore() {
		return new InMemoryRuleStore();
	}

}
