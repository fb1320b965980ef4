package dev.countersign.redis;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.countersign.policy.MutableClock;
import dev.countersign.policy.trust.AbstractTrustStoreTests;
import dev.countersign.policy.trust.AgentTrust;
import dev.countersign.policy.trust.TrustLevel;
import dev.countersign.policy.trust.TrustStore;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@link TrustStore} contract for {@link RedisTrustStore}, against a real
 * {@code redis-server}, plus updaters racing on two connections (two replicas).
 */
class RedisTrustStoreTests extends AbstractTrustStoreTests {

	@RegisterExtension
	static final RedisConnection redis = new RedisConnection();

	@Override
	protected TrustStore createStore() {
		redis.connection().sync().flushdb();
		return new RedisTrustStore(redis.connection());
	}

	private static AgentTrust plusOne(AgentTrust current) {
		return new AgentTrust(current.user(), current.agent(), current.score() + 1, current.scoredAt(),
				current.earnDay(), current.earnedOnDay(), current.ceiling(), current.pinned(), current.revoked(),
				current.version());
	}

	@Test
	void updateWhenTwoReplicasRaceOnTwoConnectionsThenBothUpdatesLandEveryTime() throws Exception {
		TrustStore first = createStore();
		RedisClient otherClient = RedisClient.create(redis.server().uri());
		try (StatefulRedisConnection<String, String> other = otherClient.connect()) {
			TrustStore second = new RedisTrustStore(other);
			first
				.update("auth0|ada", "claude",
						(current) -> AgentTrust.newAgent("auth0|ada", "claude", TrustLevel.L1, MutableClock.START))
				.block();
			int rounds = 100;
			ExecutorService pool = Executors.newFixedThreadPool(2);
			try {
				for (int round = 0; round < rounds; round++) {
					CountDownLatch go = new CountDownLatch(1);
					List<Future<AgentTrust>> updates = new ArrayList<>();
					for (TrustStore replica : List.of(first, second)) {
						Callable<AgentTrust> update = () -> {
							go.await();
							return replica.update("auth0|ada", "claude", RedisTrustStoreTests::plusOne).block();
						};
						updates.add(pool.submit(update));
					}
					go.countDown();
					List<Long> versions = new ArrayList<>();
					for (Future<AgentTrust> update : updates) {
						versions.add(update.get(10, TimeUnit.SECONDS).version());
					}
					// both landed, one after the other
					assertThat(versions).containsExactlyInAnyOrder(2L + 2 * round, 3L + 2 * round);
				}
			}
			finally {
				pool.shutdownNow();
			}
			AgentTrust end = second.find("auth0|ada", "claude").block();
			assertThat(end.score()).isEqualTo(2.0 * rounds);
			assertThat(end.version()).isEqualTo(1 + 2L * rounds);
		}
		finally {
			otherClient.shutdown();
		}
	}

	@Test
	void storedRecordIsOneHashFieldPerAgentUnderTheUsersTag() {
		TrustStore store = createStore();
		AgentTrust stored = store
			.update("auth0|ada", "claude",
					(current) -> AgentTrust.newAgent("auth0|ada", "claude", TrustLevel.L2, MutableClock.START)
						.withPinned(TrustLevel.L1))
			.block();
		assertThat(redis.connection().sync().keys("*")).containsExactly("cs:{u:auth0|ada}:trust");
		assertThat(redis.connection().sync().hkeys("cs:{u:auth0|ada}:trust")).containsExactly("claude");
		assertThat(store.find("auth0|ada", "claude").block()).isEqualTo(stored);
	}

}
