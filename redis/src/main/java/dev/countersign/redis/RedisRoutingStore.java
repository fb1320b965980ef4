package dev.countersign.redis;

import java.util.Objects;

import dev.countersign.policy.routing.RoutingSettings;
import dev.countersign.policy.routing.RoutingStore;
import dev.countersign.policy.routing.StoredRouting;
import dev.countersign.redis.internal.CachedReads;
import dev.countersign.redis.internal.JsonCodec;
import dev.countersign.redis.internal.RedisKeys;
import dev.countersign.redis.internal.VersionedHash;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.reactive.RedisReactiveCommands;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * A {@link RoutingStore} in Redis, for several replicas sharing one Redis.
 *
 * <p>
 * Key, under the user's hash tag ({@link RedisKeys}), never expiring:
 * {@code cs:{u:USER}:routing}, a hash with {@code json} (the settings in the config API's
 * grammar) and {@code version}. A user without the key has
 * {@link RoutingSettings#defaults()} at version 0; nothing is written until the user's
 * first save. A save is one Lua script that writes only if the stored version is still
 * the expected one (a missing key counts as version 0).
 *
 * <p>
 * Thread-safe: the store holds no mutable state, and the Lettuce connection it is given
 * is thread-safe. The caller owns the connection and closes it.
 *
 * <pre>{@code
 * RoutingStore store = new RedisRoutingStore(connection);
 * StoredRouting current = store.find("auth0|ada").block();
 * store.replace("auth0|ada", current.version(), current.settings().withThresholds(new Thresholds(0.9, 0.5))).block();
 * }</pre>
 */
public final class RedisRoutingStore implements RoutingStore {

	private static final StoredRouting INITIAL = new StoredRouting(RoutingSettings.defaults(), 0);

	private final VersionedHash documents;

	private final CachedReads reads;

	private final JsonCodec codec = new JsonCodec();

	/**
	 * A store.
	 * @param connection the connection to use; the caller owns and closes it
	 */
	public RedisRoutingStore(StatefulRedisConnection<String, String> connection) {
		this(connection, null);
	}

	/**
	 * A store reading through a cache.
	 * @param connection the connection to write with; the caller owns and closes it
	 * @param cache answers reads from memory while Redis reports no change; none to read
	 * every time from {@code connection}
	 */
	public RedisRoutingStore(StatefulRedisConnection<String, String> connection, @Nullable RedisReadCache cache) {
		RedisReactiveCommands<String, String> commands = Objects
			.requireNonNull(connection, "connection must not be null")
			.reactive();
		this.documents = new VersionedHash(commands);
		this.reads = (cache != null) ? cache : CachedReads.direct(commands);
	}

	@Override
	public Mono<StoredRouting> find(String user) {
		String key = RedisKeys.of(user).routing();
		return this.reads
			.read(key, (commands) -> VersionedHash.find(commands, key)
				.map((document) -> new StoredRouting(this.codec.readRouting(document.json()), document.version())))
			.map((stored) -> stored.orElse(INITIAL));
	}

	@Override
	public Mono<StoredRouting> replace(String user, long expectedVersion, RoutingSettings settings) {
		Objects.requireNonNull(settings, "settings must not be null");
		String key = RedisKeys.of(user).routing();
		return Mono.fromCallable(() -> new StoredRouting(settings, expectedVersion + 1))
			.flatMap((next) -> this.documents.replace(key, expectedVersion, this.codec.write(settings))
				.filter(Boolean::booleanValue)
				.doOnNext((stored) -> this.reads.invalidate(key))
				.map((stored) -> next));
	}

	@Override
	public String toString() {
		return "RedisRoutingStore";
	}

}
