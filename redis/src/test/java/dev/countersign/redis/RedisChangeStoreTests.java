package dev.countersign.redis;

import dev.countersign.policy.change.AbstractChangeStoreTests;
import dev.countersign.policy.change.ChangeStore;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The {@link ChangeStore} contract for {@link RedisChangeStore}, against a real
 * {@code redis-server}.
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

}
