package dev.countersign.redis;

import java.util.Comparator;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

import dev.countersign.policy.trust.AgentTrust;
import dev.countersign.policy.trust.TrustStore;
import dev.countersign.redis.internal.Attempts;
import dev.countersign.redis.internal.CachedReads;
import dev.countersign.redis.internal.JsonCodec;
import dev.countersign.redis.internal.RedisKeys;
import dev.countersign.redis.internal.RedisScript;
import io.lettuce.core.KeyValue;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.reactive.RedisReactiveCommands;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A {@link TrustStore} in Redis, for several replicas sharing one Redis.
 *
 * <p>
 * Key, under the user's hash tag ({@link RedisKeys}), never expiring:
 * {@code cs:{u:USER}:trust}, a hash from agent id to the {@link AgentTrust} as JSON
 * (version included); {@code cs:{u:USER}:credential-epoch}, the user's credential epoch,
 * advanced with {@code INCR} (one round trip each way).
 *
 * <p>
 * {@link #update(String, String, Function)} is optimistic: it reads the record, applies
 * the function in Java, and writes the result with a Lua script that first checks that
 * the stored version is still the one read (none counts as 0). When another update landed
 * in between, it reads again and applies the function again, up to
 * {@value #MAX_UPDATE_ATTEMPTS} times; so no update is lost, and the function may run
 * more than once (the port asks for a quick one without side effects). An error the
 * function throws ends the update at once, with nothing stored.
 *
 * <p>
 * Thread-safe: the store holds no mutable state, and the Lettuce connection it is given
 * is thread-safe. The caller owns the connection and closes it.
 *
 * <pre>{@code
 * TrustStore store = new RedisTrustStore(connection);
 * store.update("auth0|ada", "claude", (current) -> (current != null) ? current.withRevoked(true)
 *         : AgentTrust.newAgent("auth0|ada", "claude", TrustLevel.L1, now).withRevoked(true)).block();
 * }</pre>
 */
public final class RedisTrustStore implements TrustStore {

	/**
	 * How often an update is tried while other updates of the same record win the race.
	 */
	public static final int MAX_UPDATE_ATTEMPTS = 1000;

	// KEYS: trust hash
	// ARGV: agent, expected version (0: none stored), json
	private static final RedisScript UPDATE = new RedisScript("""
			local current = redis.call('HGET', KEYS[1], ARGV[1])
			local version = 0
			if current then
			  version = tonumber(cjson.decode(current)['version'])
			end
			if version ~= tonumber(ARGV[2]) then
			  return 'LOST'
			end
			redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
			return 'OK'
			""");

	private final RedisReactiveCommands<String, String> commands;

	private final @Nullable RedisReadCache cache;

	private final CachedReads reads;

	private final JsonCodec codec = new JsonCodec();

	/**
	 * A store.
	 * @param connection the connection to use; the caller owns and closes it
	 */
	public RedisTrustStore(StatefulRedisConnection<String, String> connection) {
		this(connection, null);
	}

	/**
	 * A store reading a user's trust records and credential epoch through a cache.
	 * @param connection the connection to write with; the caller owns and closes it
	 * @param cache answers reads from memory while Redis reports no change; none to read
	 * every time from {@code connection}
	 */
	public RedisTrustStore(StatefulRedisConnection<String, String> connection, @Nullable RedisReadCache cache) {
		this.commands = Objects.requireNonNull(connection, "connection must not be null").reactive();
		this.cache = cache;
		this.reads = (cache != null) ? cache : CachedReads.direct(this.commands);
	}

	@Override
	public Mono<AgentTrust> find(String user, String agent) {
		Objects.requireNonNull(agent, "agent must not be null");
		String key = RedisKeys.of(user).trust();
		if (this.cache == null) {
			return Mono.defer(() -> this.commands.hget(key, agent)).map(this.codec::readTrust);
		}
		// cached as the whole hash, decoded: Redis tracks keys, not fields
		return this.cache
			.read(key,
					(commands) -> commands.hgetall(key)
						.collectMap(KeyValue::getKey, (field) -> this.codec.readTrust(field.getValue()))
						.map(Map::copyOf))
			.flatMap((records) -> Mono.justOrEmpty(records.map((all) -> all.get(agent))));
	}

	@Override
	public Flux<AgentTrust> findByUser(String user) {
		String key = RedisKeys.of(user).trust();
		return Flux.defer(() -> this.commands.hvals(key))
			.map(this.codec::readTrust)
			.sort(Comparator.comparing(AgentTrust::agent));
	}

	@Override
	public Mono<AgentTrust> update(String user, String agent, Function<@Nullable AgentTrust, AgentTrust> change) {
		Objects.requireNonNull(user, "user must not be null");
		Objects.requireNonNull(agent, "agent must not be null");
		Objects.requireNonNull(change, "change must not be null");
		String key = RedisKeys.of(user).trust();
		Mono<AgentTrust> attempt = Mono.defer(() -> this.commands.hget(key, agent))
			.map(this.codec::readTrust)
			.map((current) -> new Read(current))
			.defaultIfEmpty(new Read(null))
			.flatMap((read) -> {
				AgentTrust current = read.current();
				AgentTrust next = Objects.requireNonNull(change.apply(current), "change must not return null");
				if (!next.user().equals(user) || !next.agent().equals(agent)) {
					return Mono.error(new IllegalStateException("change must keep user " + user + " and agent " + agent
							+ ", but returned " + next.user() + "/" + next.agent()));
				}
				long version = (current != null) ? current.version() : 0;
				AgentTrust stored = next.withVersion(version + 1);
				return UPDATE
					.run(this.commands, new String[] { key }, agent, Long.toString(version), this.codec.write(stored))
					.filter("OK"::equals)
					.doOnNext((outcome) -> this.reads.invalidate(key))
					.map((outcome) -> stored);
			});
		return Attempts.untilWon(attempt, MAX_UPDATE_ATTEMPTS,
				() -> new IllegalStateException("Could not update the trust record of agent " + agent + " for user "
						+ user + " in " + MAX_UPDATE_ATTEMPTS + " attempts: other updates kept winning"));
	}

	@Override
	public Mono<Long> credentialEpoch(String user) {
		String key = RedisKeys.of(user).credentialEpoch();
		return this.reads.read(key, (commands) -> commands.get(key).map(Long::parseLong))
			.map((epoch) -> epoch.orElse(0L));
	}

	@Override
	public Mono<Long> advanceCredentialEpoch(String user) {
		String key = RedisKeys.of(user).credentialEpoch();
		return Mono.defer(() -> this.commands.incr(key)).doOnNext((epoch) -> this.reads.invalidate(key));
	}

	@Override
	public String toString() {
		return "RedisTrustStore";
	}

	/** What an attempt read: the record, or none. */
	private record Read(@Nullable AgentTrust current) {
	}

}
