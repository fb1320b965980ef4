package dev.countersign.redis;

import java.time.Duration;

import dev.countersign.policy.MutableClock;
import dev.countersign.policy.change.AbstractChangeStoreTests;
import dev.countersign.policy.change.ChangeKind;
import dev.countersign.policy.change.ChangeStatus;
import dev.countersign.policy.change.PendingChange;
import dev.countersign.policy.change.ChangeStore;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@link ChangeStore} contract for {@link RedisChangeStore}, against a real
 * {@code redis-server}, plus the round trip of every field, the key layout and TTLs.
 */
class RedisChangeStoreTests extends AbstractChangeStoreTests {

	private static RedisServer server;

	private static RedisClient client;

	private static StatefulRedisConnection<String, String> connection;

	@BeforeAll
	static void startRedis() {
		server = RedisServer.start();
		client = RedisClient.create(server.uri());
		connection = client.connect();
	}

	@AfterAll
	static void stopRedis() {
		connection.close();
		client.shutdown();
		server.close();
	}

	@Override
	protected ChangeStore createStore() {
		connection.sync().flushdb();
		return new RedisChangeStore(connection);
	}

	@Test
	void transitionToDecidedThenExpiresAndPendingDoesNot() {
		ChangeStore store = new RedisChangeStore(connection,
				new RedisStoreOptions(RedisStoreOptions.DEFAULT_TERMINAL_ACTION_TTL,
						RedisStoreOptions.DEFAULT_CLOSED_BATCH_TTL, Duration.ofMinutes(10)));
		connection.sync().flushdb();
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
		assertThat(connection.sync().ttl("cs:{u:auth0|ada}:change:chg_done")).isEqualTo(-1L);
		PendingChange denied = store
			.transition("auth0|ada", "chg_done", ChangeStatus.PENDING_APPROVAL, 1,
					(current) -> current.decide(ChangeStatus.DENIED, MutableClock.START.plusSeconds(5)))
			.block();
		assertThat(connection.sync().ttl("cs:{u:auth0|ada}:change:chg_open")).isEqualTo(-1L);
		assertThat(connection.sync().ttl("cs:{u:auth0|ada}:change:chg_done")).isBetween(590L, 600L);
		assertThat(connection.sync().smembers("cs:{u:auth0|ada}:changes:PENDING_APPROVAL")).containsExactly("chg_open");
		assertThat(connection.sync().smembers("cs:{u:auth0|ada}:changes:DENIED")).containsExactly("chg_done");
		assertThat(store.find("auth0|ada", "chg_done").block()).isEqualTo(denied)
			.satisfies((found) -> assertThat(found.authReqId()).isEqualTo(asked.authReqId()))
			.satisfies((found) -> assertThat(found.target()).isEqualTo("claude"));
	}

	@Test
	void findByUserWhenIndexedChangeExpiredThenDroppedFromTheIndex() {
		ChangeStore store = createStore();
		store.insert(PendingChange.pending("chg_1", "auth0|ada", ChangeKind.ROUTING, null, "{}", MutableClock.START))
			.block();
		connection.sync().del("cs:{u:auth0|ada}:change:chg_1");
		assertThat(store.findByUser("auth0|ada", java.util.Set.of(ChangeStatus.PENDING_APPROVAL)).collectList().block())
			.isEmpty();
		assertThat(connection.sync().smembers("cs:{u:auth0|ada}:changes:PENDING_APPROVAL")).isEmpty();
	}

}
