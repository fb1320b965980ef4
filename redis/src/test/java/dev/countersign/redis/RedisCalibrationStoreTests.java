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
import dev.countersign.policy.calibration.AbstractCalibrationStoreTests;
import dev.countersign.policy.calibration.OutcomeCounts;
import dev.countersign.policy.calibration.Suggestion;
import dev.countersign.policy.calibration.SuggestionStatus;
import dev.countersign.policy.calibration.CalibrationStore;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@link CalibrationStore} contract for {@link RedisCalibrationStore}, against a real
 * {@code redis-server}, plus counts, offers and decisions racing from two replicas.
 */
class RedisCalibrationStoreTests extends AbstractCalibrationStoreTests {

	@RegisterExtension
	static final RedisConnection redis = new RedisConnection();

	@Override
	protected CalibrationStore createStore() {
		redis.connection().sync().flushdb();
		return new RedisCalibrationStore(redis.connection());
	}

	@Test
	void countOfferAndDecideWhenTwoReplicasRaceThenNothingIsLostAndOneDecisionWins() throws Exception {
		CalibrationStore first = createStore();
		RedisClient otherClient = RedisClient.create(redis.server().uri());
		try (StatefulRedisConnection<String, String> other = otherClient.connect()) {
			List<CalibrationStore> replicas = List.of(first, new RedisCalibrationStore(other));
			ExecutorService pool = Executors.newFixedThreadPool(4);
			try {
				CountDownLatch go = new CountDownLatch(1);
				List<Future<Object>> futures = new ArrayList<>();
				for (int t = 0; t < 4; t++) {
					CalibrationStore replica = replicas.get(t % 2);
					String id = "sug_" + t;
					Callable<Object> task = () -> {
						go.await();
						for (int n = 0; n < 50; n++) {
							replica.count("auth0|ada", "claude", "email_send", n % 5 != 0).block();
							replica
								.offer(new Suggestion(id, "auth0|ada", "claude", "email_send", new OutcomeCounts(n, 0),
										SuggestionStatus.OPEN, MutableClock.START, MutableClock.START.plusSeconds(n)))
								.block();
						}
						return null;
					};
					futures.add(pool.submit(task));
				}
				go.countDown();
				for (Future<Object> future : futures) {
					future.get(30, TimeUnit.SECONDS);
				}
				assertThat(first.findCounts("auth0|ada", "claude", "email_send").block())
					.isEqualTo(new OutcomeCounts(160, 40));
				List<Suggestion> suggestions = first.findByUser("auth0|ada").collectList().block();
				assertThat(suggestions).hasSize(1);
				String id = suggestions.get(0).id();
				List<Future<Suggestion>> decisions = new ArrayList<>();
				CountDownLatch decide = new CountDownLatch(1);
				for (int t = 0; t < 4; t++) {
					CalibrationStore replica = replicas.get(t % 2);
					SuggestionStatus status = (t % 2 == 0) ? SuggestionStatus.ACCEPTED : SuggestionStatus.DISMISSED;
					Callable<Suggestion> task = () -> {
						decide.await();
						return replica.decide("auth0|ada", id, status, MutableClock.START).block();
					};
					decisions.add(pool.submit(task));
				}
				decide.countDown();
				List<Suggestion> winners = new ArrayList<>();
				for (Future<Suggestion> decision : decisions) {
					Suggestion won = decision.get(30, TimeUnit.SECONDS);
					if (won != null) {
						winners.add(won);
					}
				}
				assertThat(winners).hasSize(1);
				assertThat(first.find("auth0|ada", id).block()).isEqualTo(winners.get(0));
			}
			finally {
				pool.shutdownNow();
			}
		}
		finally {
			otherClient.shutdown();
		}
	}

}
