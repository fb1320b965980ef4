package dev.countersign.policy.change;

/**
 * The {@link ChangeStore} contract for {@link InMemoryChangeStore}.
 */
class InMemoryChangeStoreTests extends AbstractChangeStoreTests {

	@Override
	protected ChangeStore createStore() {
		return new InMemoryChangeStore();
	}

}
