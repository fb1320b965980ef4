package dev.countersign.redis;

import dev.countersign.policy.rule.AbstractRuleStoreTests;
import dev.countersign.policy.rule.RuleStore;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The {@link RuleStore} contract for {@link RedisRuleStore}, against a real
 * {@code redis-server}.
 */
class RedisRuleStoreTests extends AbstractRuleStoreTests {

	@RegisterExtension
	static final RedisConnection redis = new RedisConnection();

	@Override
	protected RuleStore createStore() {
		redis.connection().sync().flushdb();
		return new RedisRuleStore(redis.connection());
	}

}
