package dev.countersign.server.store;

import java.time.Clock;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

import dev.countersign.policy.account.RefreshTokenStore;
import dev.countersign.policy.action.ActionStore;
import dev.countersign.policy.audit.AuditStore;
import dev.countersign.policy.approval.ApprovalLeases;
import dev.countersign.policy.approval.BatchStore;
import dev.countersign.policy.calibration.CalibrationStore;
import dev.countersign.policy.change.ChangeStore;
import dev.countersign.policy.deal.DealBook;
import dev.countersign.policy.deal.DealStore;
import dev.countersign.policy.deal.DemoDeals;
import dev.countersign.policy.routing.RoutingStore;
import dev.countersign.policy.rule.DefaultRules;
import dev.countersign.policy.rule.RuleStore;
import dev.countersign.policy.trust.TrustStore;
import dev.countersign.redis.RedisActionStore;
import dev.countersign.redis.RedisApprovalLeases;
import dev.countersign.redis.RedisAuditStore;
import dev.countersign.redis.RedisBatchStore;
import dev.countersign.redis.RedisCalibrationStore;
import dev.countersign.redis.RedisChangeStore;
import dev.countersign.redis.RedisDealStore;
import dev.countersign.redis.RedisReadCache;
import dev.countersign.redis.RedisRefreshTokenStore;
import dev.countersign.redis.RedisRoutingStore;
import dev.countersign.redis.RedisRuleStore;
import dev.countersign.redis.RedisTrustStore;
import dev.countersign.server.approval.ApprovalProperties;
import dev.countersign.server.auth.InvalidConfigurationException;
import dev.countersign.server.tool.deal.DealProperties;

/**
 * {@code countersign.store=redis} (DESIGN §8): one {@link RedisClient} from
 * {@value #URL_PROPERTY} (or {@code REDIS_URL}), one shared connection, and every store
 * port as its Redis implementation, so the in-memory stores back off. Refuses to start,
 * naming the setting, when the URL is missing or malformed, or when
 * {@code countersign.approval.signing-key} is not set (a key made for one start would
 * make every stored batch look tampered after a restart). The connection and the client
 * are closed on shutdown.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(StoreMode.Redis.class)
public class StoreConfiguration {

	/** The Redis address setting; the defaults bind it from {@code REDIS_URL}. */
	public static final String URL_PROPERTY = "countersign.redis.url";

	/** How many keys the read cache holds; 0 turns it off. */
	public static final String READ_CACHE_PROPERTY = "countersign.redis.read-cache-size";

	private static final int DEFAULT_READ_CACHE_SIZE = 10_000;

	private static final Logger logger = LoggerFactory.getLogger(StoreConfiguration.class);

	@Bean(destroyMethod = "shutdown")
	RedisClient redisClient(Environment environment, ApprovalProperties approval) {
		String url = environment.getProperty(URL_PROPERTY, "").trim();
		if (url.isEmpty()) {
			throw new InvalidConfigurationException(URL_PROPERTY,
					"countersign.store=redis needs the Redis address (or REDIS_URL), e.g. redis://127.0.0.1:6379");
		}
		if (!approval.hasSigningKey()) {
			throw new InvalidConfigurationException("countersign.approval.signing-key",
					"countersign.store=redis needs a configured signing key, so that batches and audit "
							+ "checkpoints stay verifiable after a restart");
		}
		readCacheSize(environment);
		RedisURI uri;
		try {
			uri = RedisURI.create(url);
		}
		catch (IllegalArgumentException ex) {
			// The URL may carry a password: name the setting, never echo the value.
			throw new InvalidConfigurationException(URL_PROPERTY, "is not a valid redis:// or rediss:// URL");
		}
		logger.info("State is kept in Redis at {}:{}", uri.getHost(), uri.getPort());
		return RedisClient.create(uri);
	}

	@Bean(destroyMethod = "close")
	StatefulRedisConnection<String, String> redisConnection(RedisClient client) {
		return client.connect();
	}

	/**
	 * The cache of rules, routing settings, trust records and credential epochs, kept
	 * fresh by Redis; none when {@value #READ_CACHE_PROPERTY} is 0.
	 */
	@Bean(destroyMethod = "close")
	ReadCacheHolder redisReadCache(RedisClient client, Environment environment) {
		int size = readCacheSize(environment);
		if (size == 0) {
			logger.info("No read cache ({}=0): policy settings are read from Redis on every call", READ_CACHE_PROPERTY);
			return new ReadCacheHolder(null);
		}
		RedisURI uri = RedisURI.create(environment.getProperty(URL_PROPERTY, "").trim());
		try {
			return new ReadCacheHolder(RedisReadCache.open(uri, client.getResources(), size));
		}
		catch (RuntimeException ex) {
			// e.g. a Redis before 6 (no RESP3): correct without the cache, only slower.
			// A Redis that is down fails the start on the main connection anyway.
			// the class only: a message may carry the URL, and the URL may carry a
			// password
			logger.warn("No read cache ({} opening a RESP3 connection with client tracking); policy settings are "
					+ "read from Redis on every call", ex.getClass().getSimpleName());
			return new ReadCacheHolder(null);
		}
	}

	@Bean
	ActionStore actionStore(StatefulRedisConnection<String, String> connection) {
		return new RedisActionStore(connection);
	}

	@Bean
	BatchStore batchStore(StatefulRedisConnection<String, String> connection) {
		return new RedisBatchStore(connection);
	}

	@Bean
	ApprovalLeases approvalLeases(StatefulRedisConnection<String, String> connection) {
		return new RedisApprovalLeases(connection);
	}

	@Bean
	AuditStore auditStore(StatefulRedisConnection<String, String> connection) {
		return new RedisAuditStore(connection);
	}

	@Bean
	RuleStore ruleStore(StatefulRedisConnection<String, String> connection, ReadCacheHolder cache) {
		return new RedisRuleStore(connection, DefaultRules.RULES, cache.cache());
	}

	@Bean
	RoutingStore routingStore(StatefulRedisConnection<String, String> connection, ReadCacheHolder cache) {
		return new RedisRoutingStore(connection, cache.cache());
	}

	@Bean
	TrustStore trustStore(StatefulRedisConnection<String, String> connection, ReadCacheHolder cache) {
		return new RedisTrustStore(connection, cache.cache());
	}

	@Bean
	ChangeStore changeStore(StatefulRedisConnection<String, String> connection) {
		return new RedisChangeStore(connection);
	}

	@Bean
	CalibrationStore calibrationStore(StatefulRedisConnection<String, String> connection) {
		return new RedisCalibrationStore(connection);
	}

	@Bean
	RefreshTokenStore refreshTokenStore(StatefulRedisConnection<String, String> connection) {
		return new RedisRefreshTokenStore(connection);
	}

	@Bean
	DealStore dealStore(StatefulRedisConnection<String, String> connection, DealProperties properties, Clock clock) {
		return properties.seedDemoData() ? new RedisDealStore(connection, (user) -> DemoDeals.book(clock), clock)
				: new RedisDealStore(connection, (user) -> DealBook.EMPTY, clock);
	}

	private static int readCacheSize(Environment environment) {
		String value = environment.getProperty(READ_CACHE_PROPERTY, Integer.toString(DEFAULT_READ_CACHE_SIZE)).trim();
		try {
			int size = Integer.parseInt(value);
			if (size >= 0) {
				return size;
			}
		}
		catch (NumberFormatException ex) {
			// refused below
		}
		throw new InvalidConfigurationException(READ_CACHE_PROPERTY,
				"must be 0 (no cache) or a positive number of keys, but was '" + value + "'");
	}

	/** The read cache, if any, as a bean that may hold none. */
	record ReadCacheHolder(@Nullable RedisReadCache cache) implements AutoCloseable {

		@Override
		public void close() {
			if (this.cache != null) {
				this.cache.close();
			}
		}

	}

}
