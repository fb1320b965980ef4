package dev.countersign.policy.account;

/**
 * The {@link RefreshTokenStore} contract for {@link InMemoryRefreshTokenStore}.
 */
class InMemoryRefreshTokenStoreTests extends AbstractRefreshTokenStoreTests {

	@Override
	protected RefreshTokenStore createStore() {
		return new InMemoryRefreshTokenStore();
	}

}
