package dev.countersign.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import io.lettuce.core.KillArgs;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.countersign.policy.MutableClock;
import dev.countersign.policy.routing.AbstractRoutingStoreTests;
import dev.countersign.policy.routing.RoutingStore;
import dev.countersign.policy.rule.AbstractRuleStoreTests;
import dev.countersign.policy.rule.DefaultRules;
import dev.countersign.policy.rule.Rule;
import dev.countersign.policy.rule.RuleSet;
import dev.countersign.policy.rule.RuleStore;
import dev.countersign.policy.trust.AbstractTrustStoreTests;
import dev.countersign.policy.trust.AgentTrust;
import dev.countersign.policy.trust.TrustLevel;
import dev.countersign.policy.trust.TrustStore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * {@link RedisReadCache} against a real {@code redis-server}: reads served from memory,
 * dropped when any connection changes the key, after the cache's own store writes, on
 * {@code FLUSHDB} and on a lost connection; and the store contracts run again with the
 * cache in front.
 */
class RedisReadCacheTests {

	@RegisterExtension
	static final RedisConnection redis = new RedisConnection();

	private static ClientResources resources;

	private final List<RedisReadCache> opened = new ArrayList<>();

	@BeforeAll
	static void createResources() {
		resources = DefaultClientResources.create();
	}

	@AfterAll
	static void shutdownResources() {
		resources.shutdown();
	}

	@BeforeEach
	void flush() {
		redis.connection().sync().flushdb();
	}

	@AfterEach
	void closeCaches() {
		this.opened.forEach(RedisReadCache::close);
	}

	private RedisReadCache open(int capacity) {
		RedisReadCache cache = RedisReadCache.open(redis.server().uri(), resources, capacity);
		this.opened.add(cache);
		return cache;
	}

	private static Optional<String> get(RedisReadCache cache, String key) {
		return cache.read(key, (commands) -> commands.get(key)).block();
	}

	private static void eventually(Duration limit, BooleanSupplier condition) {
		long deadline = System.nanoTime() + limit.toNanos();
		while (!condition.getAsBoolean()) {
			if (System.nanoTime() > deadline) {
				throw new AssertionError("Condition not met within " + limit);
			}
			try {
				Thread.sleep(10);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new AssertionError("Interrupted", ex);
			}
		}
	}

	@Test
	void readWhenReadBeforeThenAnsweredFromMemory() {
		RedisReadCache cache = open(100);
		redis.connection().sync().set("k", "one");
		assertThat(get(cache, "k")).contains("one");
		assertThat(get(cache, "k")).contains("one");
		assertThat(cache.stats()).isEqualTo(new RedisReadCache.Stats(1, 1, 1));
	}

	@Test
	void readWhenAnotherClientChangedTheKeyThenSeesTheChange() {
		RedisReadCache cache = open(100);
		redis.connection().sync().set("k", "one");
		assertThat(get(cache, "k")).contains("one");
		redis.connection().sync().set("k", "two");
		eventually(Duration.ofSeconds(5), () -> get(cache, "k").equals(Optional.of("two")));
	}

	@Test
	void readWhenAbsentKeyIsWrittenLaterThenSeesIt() {
		RedisReadCache cache = open(100);
		assertThat(get(cache, "k")).isEmpty();
		assertThat(get(cache, "k")).isEmpty();
		assertThat(cache.stats().hits()).isEqualTo(1);
		redis.connection().sync().set("k", "now");
		eventually(Duration.ofSeconds(5), () -> get(cache, "k").equals(Optional.of("now")));
	}

	@Test
	void readWhenDatabaseFlushedThenReadsAgain() {
		RedisReadCache cache = open(100);
		redis.connection().sync().set("k", "one");
		assertThat(get(cache, "k")).contains("one");
		redis.connection().sync().flushdb();
		eventually(Duration.ofSeconds(5), () -> get(cache, "k").isEmpty());
	}

	@Test
	void readWhenInvalidatedLocallyThenReadsRedisAtOnce() {
		RedisReadCache cache = open(100);
		redis.connection().sync().set("k", "one");
		assertThat(get(cache, "k")).contains("one");
		redis.connection().sync().set("k", "two");
		cache.invalidate("k");
		assertThat(get(cache, "k")).contains("two");
	}

	@Test
	void readWhenEntryIsMaxAgeOldThenReadFromRedisAgain() {
		AtomicLong now = new AtomicLong();
		RedisReadCache cache = RedisReadCache.open(redis.server().uri(), resources, 100, now::get);
		this.opened.add(cache);
		redis.connection().sync().set("k", "one");
		get(cache, "k");
		now.addAndGet(RedisReadCache.MAX_AGE.toNanos() - 1);
		get(cache, "k");
		assertThat(cache.stats().hits()).isEqualTo(1);
		now.addAndGet(1);
		get(cache, "k");
		assertThat(cache.stats().misses()).isEqualTo(2);
	}

	@Test
	void readWhenMoreKeysThanCapacityThenHoldsOnlyTheMostRecent() {
		RedisReadCache cache = open(2);
		for (String key : List.of("a", "b", "c")) {
			get(cache, key);
		}
		assertThat(cache.stats().size()).isEqualTo(2);
		get(cache, "a");
		assertThat(cache.stats().misses()).isEqualTo(4);
		get(cache, "c");
		assertThat(cache.stats().hits()).isEqualTo(1);
	}

	@Test
	void openWhenCapacityBelowOneThenRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> RedisReadCache.open(redis.server().uri(), resources, 0))
			.withMessageContaining("capacity");
	}

	@Test
	void readWhenConnectionWasLostThenChangesMadeMeanwhileAndAfterAreSeen() {
		RedisReadCache cache = open(100);
		RedisCommands<String, String> writer = redis.connection().sync();
		writer.set("k", "one");
		assertThat(get(cache, "k")).contains("one");
		// drop every connection but the writer's: the cache's tracking ends with its own
		writer.clientKill(KillArgs.Builder.typeNormal().skipme());
		writer.set("k", "two");
		eventually(Duration.ofSeconds(10), () -> get(cache, "k").equals(Optional.of("two")));
		// tracking is on again after the reconnect: reads are served from memory again,
		// and a later change still reaches the cache
		long hitsBefore = cache.stats().hits();
		eventually(Duration.ofSeconds(10), () -> {
			get(cache, "k");
			return cache.stats().hits() > hitsBefore;
		});
		writer.set("k", "three");
		eventually(Duration.ofSeconds(5), () -> get(cache, "k").equals(Optional.of("three")));
	}

	@Test
	void readWhileAnotherClientKeepsWritingThenEndsOnTheLastValue() throws InterruptedException {
		RedisReadCache cache = open(100);
		RedisClient otherClient = RedisClient.create(redis.server().uri());
		try (StatefulRedisConnection<String, String> other = otherClient.connect()) {
			AtomicBoolean writing = new AtomicBoolean(true);
			Thread writer = new Thread(() -> {
				for (int i = 1; i <= 2000; i++) {
					other.sync().set("k", Integer.toString(i));
				}
				writing.set(false);
			});
			writer.start();
			while (writing.get()) {
				get(cache, "k");
			}
			writer.join();
			// a stale entry kept by a race would stay forever; the last value must arrive
			eventually(Duration.ofSeconds(5), () -> get(cache, "k").equals(Optional.of("2000")));
			Thread.sleep(100);
			assertThat(get(cache, "k")).contains("2000");
			assertThat(cache.stats().hits()).isPositive();
		}
		finally {
			otherClient.shutdown();
		}
	}

	@Test
	void ruleStoreWhenItsOwnWriteThenNextFindSeesItAtOnce() {
		RedisReadCache cache = open(100);
		RuleStore store = new RedisRuleStore(redis.connection(), DefaultRules.RULES, cache);
		RuleSet before = store.find("auth0|ada").block();
		List<Rule> fewer = before.rules().subList(0, before.rules().size() - 1);
		store.replaceAll("auth0|ada", before.version(), fewer).block();
		assertThat(store.find("auth0|ada").block().rules()).isEqualTo(fewer);
	}

	@Test
	void trustStoreWhenAnotherReplicaRevokesThenFindSeesIt() {
		RedisReadCache cache = open(100);
		TrustStore here = new RedisTrustStore(redis.connection(), cache);
		RedisClient otherClient = RedisClient.create(redis.server().uri());
		try (StatefulRedisConnection<String, String> other = otherClient.connect()) {
			TrustStore there = new RedisTrustStore(other);
			here.update("auth0|ada", "claude",
					(current) -> AgentTrust.newAgent("auth0|ada", "claude", TrustLevel.L1, MutableClock.START))
				.block();
			assertThat(here.find("auth0|ada", "claude").block().revoked()).isFalse();
			there.update("auth0|ada", "claude", (current) -> current.withRevoked(true)).block();
			eventually(Duration.ofSeconds(5), () -> here.find("auth0|ada", "claude").map(AgentTrust::revoked).block());
		}
		finally {
			otherClient.shutdown();
		}
	}

	@Test
	void trustStoreWhenEpochAdvancedThenReadAtOnce() {
		RedisReadCache cache = open(100);
		TrustStore store = new RedisTrustStore(redis.connection(), cache);
		assertThat(store.credentialEpoch("auth0|ada").block()).isZero();
		store.advanceCredentialEpoch("auth0|ada").block();
		assertThat(store.credentialEpoch("auth0|ada").block()).isEqualTo(1);
	}

	@Nested
	class CachedRuleStore extends AbstractRuleStoreTests {

		@Override
		protected RuleStore createStore() {
			return new RedisRuleStore(redis.connection(), DefaultRules.RULES, open(100));
		}

	}

	@Nested
	class CachedRoutingStore extends AbstractRoutingStoreTests {

		@Override
		protected RoutingStore createStore() {
			return new RedisRoutingStore(redis.connection(), open(100));
		}

	}

	@Nested
	class CachedTrustStore extends AbstractTrustStoreTests {

		@Override
		protected TrustStore createStore() {
			return new RedisTrustStore(redis.connection(), open(100));
		}

	}

}
