package dev.countersign.redis;

import java.time.Duration;

import dev.countersign.policy.MutableClock;
import dev.countersign.policy.change.AbstractChangeStoreTests;
import dev.countersign.policy.change.ChangeKind;
import dev.countersign.policy.change.ChangeStatus;
import dev.countersign.policy.change.PendingChange;
import dev.countersign.policy.change.ChangeStore;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@link ChangeStore} contract for {@link RedisChangeStore}, against a real
 * {@code redis-server}, plus the round trip of every field, the key layout and TTLs.
 */
class RedisChangeStoreTests extends AbstractChangeStoreTests {

	@RegisterExtension
	static final RedisConnection redis = new RedisConnection();

	@Override
	protected ChangeStore createStore() {
		redis.connection().sync().flushdb();
		return new RedisChangeStore(redis.connection());
	}

	@Test
	void transitionToDecidedThenExpiresAndPendingDoesNot() {
		ChangeStore store = new RedisChangeStore(redis.connection(),
				new RedisStoreOptions(RedisStoreOptions.DEFAULT_TERMINAL_ACTION_TTL,
						RedisStoreOptions.DEFAULT_CLOSED_BATCH_TTL, Duration.ofMinutes(10)));
		redis.connection().sync().flushdb();
		store
			.insert(PendingChange.pending("chg_open", "auth0|ada", ChangeKind.AGENT_RESTORE, "claude", "{}",
					MutableClock.START))
			.block();
		store
			.insert(PendingChange.pending("chg_done", "auth0|ada", ChangeKind.AGENT_RESTORE, "claude", "{}",
					MutableClock.START))
			.block();
		PendingChange asked = store
			.transition("auth0|ada", "chg_done", ChangeStatus.PENDING_APPROVAL, 0,
					(current) -> current.withAuthReqId("areq-1"))
			.block();
		assertThat(redis.connection().sync().ttl("cs:{u:auth0|ada}:change:chg_done")).isEqualTo(-1L);
		PendingChange denied = store
			.transition("auth0|ada", "chg_done", ChangeStatus.PENDING_APPROVAL, 1,
					(current) -> current.decide(ChangeStatus.DENIED, MutableClock.START.plusSeconds(5)))
			.block();
		assertThat(redis.connection().sync().ttl("cs:{u:auth0|ada}:change:chg_open")).isEqualTo(-1L);
		assertThat(redis.connection().sync().ttl("cs:{u:auth0|ada}:change:chg_done")).isBetween(590L, 600L);
		assertThat(redis.connection().sync().smembers("cs:{u:auth0|ada}:changes:PENDING_APPROVAL"))
			.containsExactly("chg_open");
		assertThat(redis.connection().sync().smembers("cs:{u:auth0|ada}:changes:DENIED")).containsExactly("chg_done");
		assertThat(store.find("auth0|ada", "chg_done").block()).isEqualTo(denied)
			.satisfies((found) -> assertThat(found.authReqId()).isEqualTo(asked.authReqId()))
			.satisfies((found) -> assertThat(found.target()).isEqualTo("claude"));
	}

	@Test
	void findByUserWhenIndexedChangeExpiredThenDroppedFromTheIndex() {
		ChangeStore store = createStore();
		store.insert(PendingChange.pending("chg_1", "auth0|ada", ChangeKind.ROUTING, null, "{}", MutableClock.START))
			.block();
		redis.connection().sync().del("cs:{u:auth0|ada}:change:chg_1");
		assertThat(store.findByUser("auth0|ada", java.util.Set.of(ChangeStatus.PENDING_APPROVAL)).collectList().block())
			.isEmpty();
		assertThat(redis.connection().sync().smembers("cs:{u:auth0|ada}:changes:PENDING_APPROVAL")).isEmpty();
	}

}
