package dev.countersign.policy.trust;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import dev.countersign.policy.MutableClock;
import dev.countersign.policy.tool.Risk;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The contract every {@link TrustStore} keeps. A store module extends this class and
 * returns a fresh, empty store from {@link #createStore()}.
 */
public abstract class AbstractTrustStoreTests {

	private static final Instant T0 = MutableClock.START;

	private static final String USER = "auth0|ada";

	private static final String OTHER = "auth0|grace";

	private TrustStore store;

	/**
	 * A fresh, empty store; called before each test.
	 * @return the store under test
	 */
	protected abstract TrustStore createStore();

	@BeforeEach
	void createStoreUnderTest() {
		this.store = createStore();
	}

	private AgentTrust fresh(String user, String agent) {
		return AgentTrust.newAgent(user, agent, TrustLevel.L1, T0);
	}

	@Test
	void findWhenUnknownThenEmpty() {
		StepVerifier.create(this.store.find(USER, "claude")).verifyComplete();
		StepVerifier.create(this.store.findByUser(USER)).verifyComplete();
	}

	@Test
	void updateWhenNewThenFunctionSeesNullAndVersionIsOne() {
		List<Boolean> sawNull = new ArrayList<>();
		AgentTrust stored = this.store.update(USER, "claude", (current) -> {
			sawNull.add(current == null);
			return fresh(USER, "claude").record(TrustOutcome.AUTO_RUN_SUCCEEDED, Risk.LOW, T0, TrustFigures.defaults());
		}).block();
		assertThat(sawNull).containsExactly(true);
		assertThat(stored.version()).isEqualTo(1);
		assertThat(stored.score()).isEqualTo(1.0);
		StepVerifier.create(this.store.find(USER, "claude")).expectNext(stored).verifyComplete();
	}

	@Test
	void updateWhenExistingThenFunctionSeesCurrentAndVersionIncrements() {
		this.store.update(USER, "claude", (current) -> fresh(USER, "claude").withCeiling(TrustLevel.L2)).block();
		AgentTrust second = this.store.update(USER, "claude", (current) -> current.withPinned(TrustLevel.L2)).block();
		assertThat(second.version()).isEqualTo(2);
		assertThat(second.ceiling()).isEqualTo(TrustLevel.L2);
		assertThat(second.pinned()).isEqualTo(TrustLevel.L2);
	}

	@Test
	void updateWhenFunctionThrowsThenNothingIsStored() {
		this.store.update(USER, "claude", (current) -> fresh(USER, "claude")).block();
		StepVerifier.create(this.store.update(USER, "claude", (current) -> current.withPinned(TrustLevel.L3)))
			.expectError(PinAboveCeilingException.class)
			.verify();
		assertThat(this.store.find(USER, "claude").block().pinned()).isNull();
		assertThat(this.store.find(USER, "claude").block().version()).isEqualTo(1);
	}

	@Test
	void updateWhenFunctionChangesTheKeyThenRefused() {
		StepVerifier.create(this.store.update(USER, "claude", (current) -> fresh(USER, "gpt")))
			.expectError(IllegalStateException.class)
			.verify();
		StepVerifier.create(this.store.find(USER, "claude")).verifyComplete();
		StepVerifier.create(this.store.find(USER, "gpt")).verifyComplete();
	}

	@Test
	void findWhenAnotherUsersAgentThenEmpty() {
		this.store.update(USER, "claude", (current) -> fresh(USER, "claude")).block();
		StepVerifier.create(this.store.find(OTHER, "claude")).verifyComplete();
		StepVerifier.create(this.store.findByUser(OTHER)).verifyComplete();
	}

	@Test
	void findByUserWhenSeveralAgentsThenByAgentId() {
		this.store.update(USER, "zeta", (current) -> fresh(USER, "zeta")).block();
		this.store.update(USER, "alpha", (current) -> fresh(USER, "alpha")).block();
		this.store.update(OTHER, "beta", (current) -> fresh(OTHER, "beta")).block();
		assertThat(this.store.findByUser(USER).map(AgentTrust::agent).collectList().block()).containsExactly("alpha",
				"zeta");
	}

	@Test
	void updateWhenConcurrentThenNoUpdateIsLost() throws Exception {
		this.store.update(USER, "claude", (current) -> fresh(USER, "claude")).block();
		int threads = 8;
		int perThread = 25;
		ExecutorService pool = Executors.newFixedThreadPool(threads);
		try {
			List<Future<Object>> futures = new ArrayList<>();
			for (int t = 0; t < threads; t++) {
				Callable<Object> task = () -> {
					for (int i = 0; i < perThread; i++) {
						this.store
							.update(USER, "claude",
									(current) -> new AgentTrust(current.user(), current.agent(), current.score() + 1,
											current.scoredAt(), current.earnDay(), current.earnedOnDay(),
											current.ceiling(), current.pinned(), current.revoked(), current.version()))
							.block();
					}
					return null;
				};
				futures.add(pool.submit(task));
			}
			for (Future<Object> future : futures) {
				future.get();
			}
		}
		finally {
			pool.shutdownNow();
		}
		AgentTrust end = this.store.find(USER, "claude").block();
		assertThat(end.score()).isEqualTo(threads * perThread);
		assertThat(end.version()).isEqualTo(1 + threads * perThread);
	}

	@Test
	void credentialEpochWhenNeverAdvancedThenZero() {
		StepVerifier.create(this.store.credentialEpoch(USER)).expectNext(0L).verifyComplete();
	}

	@Test
	void advanceCredentialEpochThenNextReadSeesItAndOtherUsersDoNot() {
		StepVerifier.create(this.store.advanceCredentialEpoch(USER)).expectNext(1L).verifyComplete();
		StepVerifier.create(this.store.advanceCredentialEpoch(USER)).expectNext(2L).verifyComplete();
		StepVerifier.create(this.store.credentialEpoch(USER)).expectNext(2L).verifyComplete();
		StepVerifier.create(this.store.credentialEpoch(OTHER)).expectNext(0L).verifyComplete();
	}

	@Test
	void advanceCredentialEpochWhenConcurrentThenNoAdvanceIsLost() throws Exception {
		int threads = 8;
		int each = 25;
		ExecutorService pool = Executors.newFixedThreadPool(threads);
		try {
			List<Future<?>> done = new ArrayList<>();
			for (int t = 0; t < threads; t++) {
				done.add(pool.submit(() -> {
					for (int i = 0; i < each; i++) {
						this.store.advanceCredentialEpoch(USER).block();
					}
				}));
			}
			for (Future<?> future : done) {
				future.get();
			}
		}
		finally {
			pool.shutdownNow();
		}
		StepVerifier.create(this.store.credentialEpoch(USER)).expectNext((long) threads * each).verifyComplete();
	}

}
