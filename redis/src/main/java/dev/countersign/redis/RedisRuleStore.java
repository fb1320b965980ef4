package dev.countersign.redis;

import java.util.List;
import java.util.Objects;

import dev.countersign.policy.rule.DefaultRules;
import dev.countersign.policy.rule.Rule;
import dev.countersign.policy.rule.RuleSet;
import dev.countersign.policy.rule.RuleStore;
import dev.countersign.redis.internal.CachedReads;
import dev.countersign.redis.internal.JsonCodec;
import dev.countersign.redis.internal.RedisKeys;
import dev.countersign.redis.internal.VersionedHash;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.reactive.RedisReactiveCommands;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * A {@link RuleStore} in Redis, for several replicas sharing one Redis.
 *
 * <p>
 * Key, under the user's hash tag ({@link RedisKeys}), never expiring:
 * {@code cs:{u:USER}:rules}, a hash with {@code json} (the ordered rules as a JSON array,
 * in the config API's grammar) and {@code version}. A user without the key has the
 * defaults at version 0; nothing is written until the user's first change.
 * {@link #replaceAll(String, long, List)} validates the list as a {@link RuleSet} in
 * Java, then one Lua script writes it only if the stored version is still the expected
 * one (a missing key counts as version 0).
 *
 * <p>
 * Thread-safe: the store holds no mutable state, and the Lettuce connection it is given
 * is thread-safe. The caller owns the connection and closes it.
 *
 * <pre>{@code
 * RuleStore store = new RedisRuleStore(connection);
 * RuleSet current = store.find("auth0|ada").block();
 * store.create("auth0|ada", current.version(), 0, rule).block();
 * }</pre>
 */
public final class RedisRuleStore implements RuleStore {

	private final VersionedHash documents;

	private final CachedReads reads;

	private final RuleSet initial;

	private final JsonCodec codec = new JsonCodec();

	/**
	 * A store whose new users start with {@link DefaultRules#RULES}.
	 * @param connection the connection to use; the caller owns and closes it
	 */
	public RedisRuleStore(StatefulRedisConnection<String, String> connection) {
		this(connection, DefaultRules.RULES);
	}

	/**
	 * A store whose new users start with the given rules.
	 * @param connection the connection to use; the caller owns and closes it
	 * @param defaults the rules of a new user
	 */
	public RedisRuleStore(StatefulRedisConnection<String, String> connection, List<Rule> defaults) {
		this(connection, defaults, null);
	}

	/**
	 * A store whose new users start with the given rules, reading through a cache.
	 * @param connection the connection to write with; the caller owns and closes it
	 * @param defaults the rules of a new user
	 * @param cache answers reads from memory while Redis reports no change; none to read
	 * every time from {@code connection}
	 */
	public RedisRuleStore(StatefulRedisConnection<String, String> connection, List<Rule> defaults,
			@Nullable RedisReadCache cache) {
		RedisReactiveCommands<String, String> commands = Objects
			.requireNonNull(connection, "connection must not be null")
			.reactive();
		this.documents = new VersionedHash(commands);
		this.reads = (cache != null) ? cache : CachedReads.direct(commands);
		this.initial = new RuleSet(defaults, 0);
	}

	@Override
	public Mono<RuleSet> find(String user) {
		String key = RedisKeys.of(user).rules();
		return this.reads
			.read(key,
					(commands) -> VersionedHash.find(commands, key)
						.map((document) -> new RuleSet(this.codec.readRules(document.json()), document.version())))
			.map((stored) -> stored.orElse(this.initial));
	}

	@Override
	public Mono<RuleSet> replaceAll(String user, long expectedVersion, List<Rule> rules) {
		String key = RedisKeys.of(user).rules();
		return Mono.fromCallable(() -> new RuleSet(rules, expectedVersion + 1))
			.flatMap((next) -> this.documents.replace(key, expectedVersion, this.codec.writeRules(next.rules()))
				.filter(Boolean::booleanValue)
				.doOnNext((stored) -> this.reads.invalidate(key))
				.map((stored) -> next));
	}

	@Override
	public String toString() {
		return "RedisRuleStore";
	}

}
