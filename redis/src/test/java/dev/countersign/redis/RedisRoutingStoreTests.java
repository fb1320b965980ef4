package dev.countersign.redis;

import dev.countersign.policy.routing.AbstractRoutingStoreTests;
import dev.countersign.policy.routing.RoutingStore;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The {@link RoutingStore} contract for {@link RedisRoutingStore}, against a real
 * {@code redis-server}.
 */
class RedisRoutingStoreTests extends AbstractRoutingStoreTests {

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
	protected RoutingStore createStore() {
		connection.sync().flushdb();
		return new RedisRoutingStore(connection);
	}

}
