package dev.countersign.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real {@code redis-server} on a free port and one Lettuce connection to it, for one
 * test class and its nested classes:
 *
 * <pre>{@code
 * &#64;RegisterExtension
 * static final RedisConnection redis = new RedisConnection();
 * }</pre>
 */
final class RedisConnection implements BeforeAllCallback, AfterAllCallback {

	private RedisServer server;

	private RedisClient client;

	private StatefulRedisConnection<String, String> connection;

	/** Nested test classes call back again: only the outermost starts and stops. */
	private int depth;

	@Override
	public void beforeAll(ExtensionContext context) {
		if (this.depth++ > 0) {
			return;
		}
		this.server = RedisServer.start();
		this.client = RedisClient.create(this.server.uri());
		this.connection = this.client.connect();
	}

	@Override
	public void afterAll(ExtensionContext context) {
		if (--this.depth > 0) {
			return;
		}
		this.connection.close();
		this.client.shutdown();
		this.server.close();
	}

	/** The shared connection. */
	StatefulRedisConnection<String, String> connection() {
		return this.connection;
	}

	/** The server, for a second client. */
	RedisServer server() {
		return this.server;
	}

	/** The client, for a second connection. */
	RedisClient client() {
		return this.client;
	}

}
