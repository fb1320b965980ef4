package dev.countersign.redis;

import dev.countersign.policy.calibration.AbstractCalibrationStoreTests;
import dev.countersign.policy.calibration.CalibrationStore;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The {@link CalibrationStore} contract for {@link RedisCalibrationStore}, against a real
 * {@code redis-server}.
 */
class RedisCalibrationStoreTests extends AbstractCalibrationStoreTests {

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
	protected CalibrationStore createStore() {
		connection.sync().flushdb();
		return new RedisCalibrationStore(connection);
	}

}
