package dev.countersign.policy.routing;

import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The contract every {@link RoutingStore} keeps. A store module extends this class and
 * returns a fresh, empty store from {@link #createStore()}.
 */
public abstract class AbstractRoutingStoreTests {

	private static final String USER = "auth0|ada";

	private static final String OTHER = "auth0|grace";

	private RoutingStore store;

	/**
	 * A fresh, empty store; called before each test.
	 * @return the store under test
	 */
	protected abstract RoutingStore createStore();

	@BeforeEach
	void createStoreUnderTest() {
		this.store = createStore();
	}

	@Test
	void findWhenNewUserThenDefaultsAtVersionZero() {
		StepVerifier.create(this.store.find(USER))
			.expectNext(new StoredRouting(RoutingSettings.defaults(), 0))
			.verifyComplete();
	}

	@Test
	void replaceWhenVersionMatchesThenStoredAtNextVersion() {
		RoutingSettings tighter = RoutingSettings.defaults()
			.withThresholds(new Thresholds(0.95, 0.6))
			.withOwnDomains(List.of("analytical.example"))
			.withToolOverride("email_send", new Thresholds(0.99, 0.8));
		StepVerifier.create(this.store.replace(USER, 0, tighter))
			.expectNext(new StoredRouting(tighter, 1))
			.verifyComplete();
		StepVerifier.create(this.store.find(USER)).expectNext(new StoredRouting(tighter, 1)).verifyComplete();
	}

	@Test
	void replaceWhenVersionMovedThenEmptyAndNothingChanges() {
		RoutingSettings first = RoutingSettings.defaults().withThresholds(new Thresholds(0.9, 0.5));
		RoutingSettings second = RoutingSettings.defaults().withThresholds(new Thresholds(0.8, 0.3));
		this.store.replace(USER, 0, first).block();
		StepVerifier.create(this.store.replace(USER, 0, second)).verifyComplete();
		assertThat(this.store.find(USER).block()).isEqualTo(new StoredRouting(first, 1));
	}

	@Test
	void replaceWhenOneUserThenAnotherKeepsDefaults() {
		this.store.replace(USER, 0, RoutingSettings.defaults().withThresholds(new Thresholds(0.9, 0.5))).block();
		StepVerifier.create(this.store.find(OTHER))
			.expectNext(new StoredRouting(RoutingSettings.defaults(), 0))
			.verifyComplete();
	}

}
