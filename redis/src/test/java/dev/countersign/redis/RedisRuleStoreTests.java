package dev.countersign.redis;

import dev.countersign.policy.rule.AbstractRuleStoreTests;
import dev.countersign.policy.rule.RuleStore;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The {@link RuleStore} contract for {@link RedisRuleStore}, against a real
 * {@code redis-server}.
 */
class RedisRuleStoreTests extends AbstractRuleStoreTests {

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
	protected RuleStore createStore() {
		connection.sync().flushdb();
		return new RedisRuleStore(connection);
	}

}
