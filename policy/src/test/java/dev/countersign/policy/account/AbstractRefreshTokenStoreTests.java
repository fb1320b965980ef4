package dev.countersign.policy.account;

import java.time.Instant;

import dev.countersign.policy.MutableClock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The contract every {@link RefreshTokenStore} keeps. A store module extends this class
 * and returns a fresh, empty store from {@link #createStore()}.
 */
public abstract class AbstractRefreshTokenStoreTests {

	private static final Instant T0 = MutableClock.START;

	private RefreshTokenStore store;

	/**
	 * A fresh, empty store; called before each test.
	 * @return the store under test
	 */
	protected abstract RefreshTokenStore createStore();

	@BeforeEach
	void createStoreUnderTest() {
		this.store = createStore();
	}

	@Test
	void findWhenNothingStoredThenEmpty() {
		StepVerifier.create(this.store.find("auth0|nobody")).verifyComplete();
	}

	@Test
	void saveThenFindReturnsWhatWasSaved() {
		StoredRefreshToken sealed = new StoredRefreshToken("auth0|ada", "k1", "k1:AAAA", T0);

		StepVerifier.create(this.store.save(sealed)).verifyComplete();

		StepVerifier.create(this.store.find("auth0|ada")).expectNext(sealed).verifyComplete();
	}

	@Test
	void saveWhenOneIsStoredThenReplacesIt() {
		this.store.save(new StoredRefreshToken("auth0|ada", "k1", "k1:AAAA", T0)).block();
		StoredRefreshToken newer = new StoredRefreshToken("auth0|ada", "k2", "k2:BBBB", T0.plusSeconds(60));

		this.store.save(newer).block();

		StepVerifier.create(this.store.find("auth0|ada")).expectNext(newer).verifyComplete();
	}

	@Test
	void findThenOnlyTheUsersOwn() {
		this.store.save(new StoredRefreshToken("auth0|ada", "k1", "k1:AAAA", T0)).block();

		StepVerifier.create(this.store.find("auth0|grace")).verifyComplete();
	}

	@Test
	void deleteWhenStoredThenTrueAndGone() {
		this.store.save(new StoredRefreshToken("auth0|ada", "k1", "k1:AAAA", T0)).block();
		this.store.save(new StoredRefreshToken("auth0|grace", "k1", "k1:CCCC", T0)).block();

		StepVerifier.create(this.store.delete("auth0|ada")).expectNext(true).verifyComplete();

		StepVerifier.create(this.store.find("auth0|ada")).verifyComplete();
		assertThat(this.store.find("auth0|grace").block()).isNotNull();
	}

	@Test
	void deleteWhenNothingStoredThenFalse() {
		StepVerifier.create(this.store.delete("auth0|nobody")).expectNext(false).verifyComplete();
	}

}
