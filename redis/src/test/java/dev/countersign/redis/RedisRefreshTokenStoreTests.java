package dev.countersign.redis;

import dev.countersign.policy.account.AbstractRefreshTokenStoreTests;
import dev.countersign.policy.account.RefreshTokenStore;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The {@link RefreshTokenStore} contract for {@link RedisRefreshTokenStore}, against a
 * real {@code redis-server}.
 */
class RedisRefreshTokenStoreTests extends AbstractRefreshTokenStoreTests {

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
	protected RefreshTokenStore createStore() {
		connection.sync().flushdb();
		return new RedisRefreshTokenStore(connection);
	}

}
