package dev.countersign.redis;

import dev.countersign.policy.routing.AbstractRoutingStoreTests;
import dev.countersign.policy.routing.RoutingStore;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The {@link RoutingStore} contract for {@link RedisRoutingStore}, against a real
 * {@code redis-server}.
 */
class RedisRoutingStoreTests extends AbstractRoutingStoreTests {

	@RegisterExtension
	static final RedisConnection redis = new RedisConnection();

	@Override
	protected RoutingStore createStore() {
		redis.connection().sync().flushdb();
		return new RedisRoutingStore(redis.connection());
	}

}
