package dev.countersign.policy.action;

/**
 * The {@link ActionStore} contract for {@link InMemoryActionStore}.
 */
class InMemoryActionStoreTests extends AbstractActionStoreTests {

	@Override
	protected ActionStore createStore() {
		return new InMemoryActionStore();
	}

}
