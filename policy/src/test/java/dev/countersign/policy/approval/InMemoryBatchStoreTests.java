package dev.countersign.policy.approval;

/**
 * The {@link BatchStore} contract for {@link InMemoryBatchStore}.
 */
class InMemoryBatchStoreTests extends AbstractBatchStoreTests {

	@Override
	protected BatchStore createStore() {
		return new InMemoryBatchStore();
	}

}
