package dev.countersign.redis;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;

import dev.countersign.policy.MutableClock;
import dev.countersign.policy.action.TestActions;
import dev.countersign.policy.approval.AbstractBatchStoreTests;
import dev.countersign.policy.approval.Batch;
import dev.countersign.policy.approval.BatchStatus;
import dev.countersign.policy.approval.BatchStore;
import dev.countersign.policy.approval.TestBatches;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@link BatchStore} contract for {@link RedisBatchStore}, against a real
 * {@code redis-server}, plus its TTLs and round trip.
 */
class RedisBatchStoreTests extends AbstractBatchStoreTests {

	@RegisterExtension
	static final RedisConnection redis = new RedisConnection();

	@Override
	protected BatchStore createStore() {
		redis.connection().sync().flushdb();
		return new RedisBatchStore(redis.connection());
	}

	@Test
	void transitionToClosedThenExpiresAndOpenDoesNot() {
		BatchStore store = new RedisBatchStore(redis.connection(),
				new RedisStoreOptions(RedisStoreOptions.DEFAULT_TERMINAL_ACTION_TTL, Duration.ofMinutes(10),
						RedisStoreOptions.DEFAULT_DECIDED_CHANGE_TTL));
		Batch open = store.insert(TestBatches.open()).block();
		Batch closed = store.insert(TestBatches.open()).block();
		store
			.transition(TestActions.USER, closed.id(), BatchStatus.OPEN, 0,
					(current) -> current.withStatus(BatchStatus.FAILED))
			.block();
		assertThat(redis.connection().sync().ttl("cs:{u:auth0|ada}:batch:" + open.id())).isEqualTo(-1L);
		assertThat(redis.connection().sync().ttl("cs:{u:auth0|ada}:batch:" + closed.id())).isBetween(590L, 600L);
	}

	@Test
	void findByUserWhenABatchExpiredThenDroppedFromItsStatusSet() {
		Batch kept = store().insert(TestBatches.open()).block();
		Batch gone = store().insert(TestBatches.open()).block();
		redis.connection().sync().del("cs:{u:auth0|ada}:batch:" + gone.id());
		StepVerifier.create(store().findByUser(TestActions.USER, EnumSet.of(BatchStatus.OPEN)))
			.expectNext(kept)
			.verifyComplete();
		assertThat(redis.connection().sync().smembers("cs:{u:auth0|ada}:batches:OPEN")).containsExactly(kept.id());
	}

	@Test
	void countRequestsSinceWhenSubMillisecondInstantsThenInclusive() {
		Batch batch = store().insert(TestBatches.open()).block();
		Instant at = MutableClock.START.plusNanos(123_456_789);
		store()
			.transition(TestActions.USER, batch.id(), BatchStatus.OPEN, 0,
					(current) -> TestBatches.requested(current, "req-1", at))
			.block();
		StepVerifier.create(store().countRequestsSince(TestActions.USER, at)).expectNext(1L).verifyComplete();
		StepVerifier.create(store().countRequestsSince(TestActions.USER, at.plusMillis(1)))
			.expectNext(0L)
			.verifyComplete();
		StepVerifier.create(store().find(TestActions.USER, batch.id()))
			.assertNext((found) -> assertThat(found.requestedAt()).isEqualTo(at))
			.verifyComplete();
	}

}
