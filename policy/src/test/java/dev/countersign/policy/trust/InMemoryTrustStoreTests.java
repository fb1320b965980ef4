package dev.countersign.policy.trust;

/**
 * The {@link TrustStore} contract for {@link InMemoryTrustStore}.
 */
class InMemoryTrustStoreTests extends AbstractTrustStoreTests {

	@Override
	protected TrustStore createStore() {
		return new InMemoryTrustStore();
	}

}
