package dev.countersign.redis;

import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.LongSupplier;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TrackingArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.push.PushMessage;
import io.lettuce.core.api.reactive.RedisReactiveCommands;
import io.lettuce.core.protocol.ProtocolVersion;
import io.lettuce.core.resource.ClientResources;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import dev.countersign.redis.internal.CachedReads;

/**
 * Reads of small keys that every tool call needs and that change seldom — a user's rules,
 * routing settings, trust records and credential epoch — answered from memory and kept
 * fresh by Redis itself: server-assisted client-side caching ({@code CLIENT TRACKING}
 * over RESP3). The cache reads through its own connection; Redis remembers which keys
 * that connection read and pushes an {@code invalidate} message on it as soon as any
 * client (this replica or another) changes one of them, and the entry is dropped.
 *
 * <ul>
 * <li><b>No stale entry is kept.</b> An entry is stored only if no invalidation arrived
 * between sending its read and storing its answer; a store also drops the key itself
 * after its own write, so a replica reads its own writes at once. Another replica's write
 * reaches this cache one push message later — the time a read racing the write would have
 * taken anyway.</li>
 * <li><b>Fails closed to Redis.</b> While the connection is down, and until tracking is
 * on again after a reconnect, the cache is emptied and every read goes to Redis; if Redis
 * refuses {@code CLIENT TRACKING}, nothing is ever kept (one warning). A server without
 * RESP3 (before Redis 6) cannot be opened at all: {@link #open} fails, and the caller
 * reads without a cache.</li>
 * <li><b>Bounded.</b> At most {@code capacity} keys, the least recently read dropped
 * first; and an entry is read again from Redis once it is {@link #MAX_AGE} old, so a
 * connection that stalls without closing (no invalidation arrives, no disconnect is seen)
 * cannot keep a revoked agent admitted for longer than that.</li>
 * </ul>
 *
 * <p>
 * Thread-safe. Owns its client and connection; {@link #close()} closes them.
 *
 * <pre>{@code
 * RedisReadCache cache = RedisReadCache.open(RedisURI.create("redis://localhost:6379"), resources, 10_000);
 * RuleStore rules = new RedisRuleStore(connection, cache);
 * }</pre>
 */
public final class RedisReadCache implements CachedReads, AutoCloseable {

	/** The oldest an answer may be, whatever Redis said since. */
	public static final Duration MAX_AGE = Duration.ofSeconds(10);

	private static final Logger logger = LoggerFactory.getLogger(RedisReadCache.class);

	private final RedisClient client;

	private final StatefulRedisConnection<String, String> connection;

	private final RedisReactiveCommands<String, String> commands;

	private final int capacity;

	private final LongSupplier ticker;

	private final ConnectionEvents events = new ConnectionEvents();

	/** Guarded by {@code this}. */
	private final Map<String, Entry> entries;

	/** Bumped by every invalidation; guarded by {@code this}. */
	private long generation;

	/** Whether Redis tracks this connection's reads now; guarded by {@code this}. */
	private boolean tracking;

	private long hits;

	private long misses;

	private RedisReadCache(RedisClient client, StatefulRedisConnection<String, String> connection, int capacity,
			LongSupplier ticker) {
		this.client = client;
		this.ticker = ticker;
		this.connection = connection;
		this.commands = connection.reactive();
		this.capacity = capacity;
		this.entries = new LinkedHashMap<>(16, 0.75f, true) {

			@Override
			protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
				return size() > RedisReadCache.this.capacity;
			}

		};
	}

	/**
	 * Opens a cache on its own connection to Redis and turns tracking on; blocks until it
	 * is on (or found unsupported).
	 * @param uri the Redis to read
	 * @param resources the client resources to share (not closed by the cache)
	 * @param capacity how many keys to hold, at least 1
	 * @return the cache
	 * @throws io.lettuce.core.RedisException when no RESP3 connection can be opened
	 */
	public static RedisReadCache open(RedisURI uri, ClientResources resources, int capacity) {
		return open(uri, resources, capacity, System::nanoTime);
	}

	/**
	 * {@link #open(RedisURI, ClientResources, int)} with a nanosecond ticker for tests.
	 */
	static RedisReadCache open(RedisURI uri, ClientResources resources, int capacity, LongSupplier ticker) {
		Objects.requireNonNull(uri, "uri must not be null");
		Objects.requireNonNull(resources, "resources must not be null");
		if (capacity < 1) {
			throw new IllegalArgumentException("capacity must be at least 1, but was " + capacity);
		}
		RedisClient client = RedisClient.create(resources, uri);
		client.setOptions(ClientOptions.builder().protocolVersion(ProtocolVersion.RESP3).build());
		StatefulRedisConnection<String, String> connection;
		try {
			connection = client.connect();
		}
		catch (RuntimeException ex) {
			client.shutdown();
			throw ex;
		}
		RedisReadCache cache = new RedisReadCache(client, connection, capacity, ticker);
		connection.addListener(cache::onPush);
		client.addListener(cache.events);
		cache.startTracking().block();
		return cache;
	}

	@Override
	public <T> Mono<Optional<T>> read(String key, Function<RedisReactiveCommands<String, String>, Mono<T>> load) {
		Objects.requireNonNull(key, "key must not be null");
		Objects.requireNonNull(load, "load must not be null");
		return Mono.defer(() -> {
			long seen;
			long sentAt;
			synchronized (this) {
				sentAt = this.ticker.getAsLong();
				Entry hit = this.tracking ? this.entries.get(key) : null;
				if (hit != null && sentAt - hit.readAt() < MAX_AGE.toNanos()) {
					this.hits++;
					@SuppressWarnings("unchecked")
					Optional<T> value = (Optional<T>) hit.value();
					return Mono.just(value);
				}
				this.misses++;
				seen = this.tracking ? this.generation : -1;
			}
			return load.apply(this.commands)
				.map(Optional::of)
				.defaultIfEmpty(Optional.empty())
				.doOnNext((value) -> remember(key, value, seen, sentAt));
		});
	}

	@Override
	public synchronized void invalidate(String key) {
		this.generation++;
		this.entries.remove(key);
	}

	/**
	 * How many reads were answered from memory, and how many went to Redis.
	 * @return hits and misses since the cache opened
	 */
	public synchronized Stats stats() {
		return new Stats(this.hits, this.misses, this.entries.size());
	}

	private synchronized void remember(String key, Optional<?> value, long seen, long sentAt) {
		// an invalidation (of any key) or a reconnect since the read was sent: the answer
		// may be older than what Redis holds now
		if (this.tracking && seen == this.generation) {
			// aged from when the read was sent: Redis answered no earlier than that
			this.entries.put(key, new Entry(value, sentAt));
		}
	}

	private void onPush(PushMessage message) {
		if (!"invalidate".equals(message.getType())) {
			return;
		}
		List<Object> content = message.getContent((bytes) -> StandardCharsets.UTF_8.decode(bytes).toString());
		Object keys = (content.size() > 1) ? content.get(1) : null;
		synchronized (this) {
			this.generation++;
			if (keys instanceof List<?> list) {
				list.forEach(this.entries::remove);
			}
			else {
				// a null payload: Redis flushed everything (FLUSHALL, FLUSHDB)
				this.entries.clear();
			}
		}
	}

	private Mono<Void> startTracking() {
		return this.commands.clientTracking(TrackingArgs.Builder.enabled()).doOnNext((ok) -> {
			synchronized (this) {
				this.generation++;
				this.entries.clear();
				this.tracking = true;
			}
		}).onErrorResume((ex) -> {
			logger.warn("Redis does not track reads for this client ({}); policy settings are read from Redis "
					+ "on every call", ex.getMessage());
			return Mono.empty();
		}).then();
	}

	private synchronized void stopTracking() {
		this.tracking = false;
		this.generation++;
		this.entries.clear();
	}

	@Override
	public void close() {
		this.client.removeListener(this.events);
		stopTracking();
		this.connection.close();
		this.client.shutdown();
	}

	@Override
	public String toString() {
		return "RedisReadCache[capacity=" + this.capacity + "]";
	}

	/** One answer and when its read was sent (by the ticker, in nanoseconds). */
	private record Entry(Optional<?> value, long readAt) {
	}

	/**
	 * What the cache did.
	 *
	 * @param hits reads answered from memory
	 * @param misses reads sent to Redis
	 * @param size keys held now
	 */
	public record Stats(long hits, long misses, int size) {
	}

	/** Tracking is a property of one connection: it ends with it and is asked again. */
	private final class ConnectionEvents implements RedisConnectionStateListener {

		@Override
		public void onRedisDisconnected(RedisChannelHandler<?, ?> handler) {
			if (handler == RedisReadCache.this.connection) {
				stopTracking();
			}
		}

		@Override
		public void onRedisConnected(RedisChannelHandler<?, ?> handler, SocketAddress address) {
			if (handler == RedisReadCache.this.connection) {
				startTracking().subscribe();
			}
		}

	}

}
