package dev.countersign.policy.routing;

/**
 * The {@link RoutingStore} contract for {@link InMemoryRoutingStore}.
 */
class InMemoryRoutingStoreTests extends AbstractRoutingStoreTests {

	@Override
	protected RoutingStore createStore() {
		return new InMemoryRoutingStore();
	}

}
