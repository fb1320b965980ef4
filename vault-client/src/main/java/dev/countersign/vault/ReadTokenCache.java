package dev.countersign.vault;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The in-memory cache of read tokens (DESIGN §3, "Reads"), keyed by (user, connection,
 * credential epoch). The epoch is a counter the caller keeps in a shared store and
 * advances when the user's tokens must be dropped everywhere (an agent revoked, an
 * account disconnected): an entry cached under an older epoch is never served again, on
 * any replica that reads the new one. The two-argument methods use epoch 0. Only for
 * reads: a write's provider token comes from an exchange made after its approval, never
 * from here.
 *
 * <p>
 * An entry is fresh until the earlier of {@code expiresAt - skew} and
 * {@code cachedAt + maxTtl}; a token that is not fresh the moment it is loaded is handed
 * to the caller but not cached. Defaults: skew {@link #DEFAULT_SKEW} (30 s), max TTL
 * {@link #DEFAULT_MAX_TTL} (5 min), at most {@link #DEFAULT_MAX_ENTRIES} (10,000)
 * entries; when full, expired entries are dropped first, then those that expire soonest.
 * A disabled cache holds nothing and every {@link #get} calls its loader.
 *
 * <p>
 * Concurrent misses for one key make exactly one load: the first caller runs the loader,
 * the others wait for its result (or its exception). A failed load is not cached; the
 * next call loads again. {@link #invalidate} also applies to a load under way: its result
 * still goes to those already waiting for it, but is not cached.
 *
 * <pre>{@code
 * ReadTokenCache cache = ReadTokenCache.builder().maxTtl(Duration.ofMinutes(2)).build();
 * ProviderToken token = cache.get(userId, "github",
 *     () -> vault.exchange(TokenExchangeRequest.of(callerAccessToken, "github")));
 * }</pre>
 *
 * <p>
 * Thread-safe. {@link #findFresh} never blocks; {@link #get} blocks while it or another
 * thread runs the loader for the same key (other keys are not held up).
 */
public final class ReadTokenCache {

	/**
	 * Default margin before a token's expiry at which it stops being served: 30 seconds.
	 */
	public static final Duration DEFAULT_SKEW = Duration.ofSeconds(30);

	/**
	 * Default upper bound on how long an entry is served: 5 minutes.
	 */
	public static final Duration DEFAULT_MAX_TTL = Duration.ofMinutes(5);

	/**
	 * Default maximum number of entries: 10,000.
	 */
	public static final int DEFAULT_MAX_ENTRIES = 10_000;

	private final boolean enabled;

	private final Duration skew;

	private final Duration maxTtl;

	private final int maxEntries;

	private final Clock clock;

	private final ConcurrentHashMap<Key, Entry> entries = new ConcurrentHashMap<>();

	private final ConcurrentHashMap<Key, Load> loads = new ConcurrentHashMap<>();

	// Guards storing, eviction and invalidation, so an invalidated load is never stored.
	private final Object lock = new Object();

	private ReadTokenCache(Builder builder) {
		this.enabled = builder.enabled;
		this.skew = builder.skew;
		this.maxTtl = builder.maxTtl;
		this.maxEntries = builder.maxEntries;
		this.clock = builder.clock;
	}

	/**
	 * Start building a cache with the defaults.
	 * @return a new builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * Return whether this cache keeps anything.
	 * @return {@code false} if it was built disabled
	 */
	public boolean isEnabled() {
		return this.enabled;
	}

	/**
	 * Return the fresh cached token for (user, connection), without loading. Never
	 * blocks.
	 * @param user the user id (the token's {@code sub})
	 * @param connection the connection
	 * @return the token, or empty if there is none fresh (always empty when disabled)
	 */
	public Optional<ProviderToken> findFresh(String user, String connection) {
		return findFresh(user, connection, 0);
	}

	/**
	 * Return the fresh cached token for (user, connection) cached under {@code epoch},
	 * without loading. Never blocks.
	 * @param user the user id (the token's {@code sub})
	 * @param connection the connection
	 * @param epoch the user's current credential epoch
	 * @return the token, or empty if there is none fresh under that epoch (always empty
	 * when disabled)
	 */
	public Optional<ProviderToken> findFresh(String user, String connection, long epoch) {
		Key key = new Key(user, connection, epoch);
		if (!this.enabled) {
			return Optional.empty();
		}
		Entry entry = this.entries.get(key);
		if (entry == null) {
			return Optional.empty();
		}
		if (!entry.isFreshAt(this.clock.instant())) {
			this.entries.remove(key, entry);
			return Optional.empty();
		}
		return Optional.of(entry.token());
	}

	/**
	 * Return the fresh cached token for (user, connection), or load one. Concurrent
	 * callers for the same key share one load.
	 * @param user the user id
	 * @param connection the connection
	 * @param loader makes the exchange; must not return {@code null}
	 * @return the cached or loaded token
	 * @throws RuntimeException whatever the loader threw, unchanged (for callers that
	 * waited on another thread's load, the same instance)
	 */
	public ProviderToken get(String user, String connection, Supplier<ProviderToken> loader) {
		return get(user, connection, 0, loader);
	}

	/**
	 * Return the fresh token cached for (user, connection) under {@code epoch}, or load
	 * one and cache it under that epoch. Concurrent callers for the same key share one
	 * load. Storing under a newer epoch drops the user's entries of older ones.
	 * @param user the user id
	 * @param connection the connection
	 * @param epoch the user's current credential epoch
	 * @param loader makes the exchange; must not return {@code null}
	 * @return the cached or loaded token
	 * @throws RuntimeException whatever the loader threw, unchanged
	 */
	public ProviderToken get(String user, String connection, long epoch, Supplier<ProviderToken> loader) {
		Objects.requireNonNull(loader, "loader must not be null");
		Optional<ProviderToken> fresh = findFresh(user, connection, epoch);
		if (fresh.isPresent()) {
			return fresh.get();
		}
		if (!this.enabled) {
			return Objects.requireNonNull(loader.get(), "loader must not return null");
		}
		Key key = new Key(user, connection, epoch);
		Load load = new Load();
		Load running = this.loads.putIfAbsent(key, load);
		if (running != null) {
			return await(running);
		}
		try {
			// A load that finished between findFresh and putIfAbsent has stored its
			// token.
			ProviderToken token = findFresh(user, connection, epoch)
				.orElseGet(() -> store(key, load, Objects.requireNonNull(loader.get(), "loader must not return null")));
			load.result.complete(token);
			return token;
		}
		catch (RuntimeException | Error ex) {
			load.result.completeExceptionally(ex);
			throw ex;
		}
		finally {
			this.loads.remove(key, load);
		}
	}

	/**
	 * Drop all of a user's entries, and keep loads under way for them from being cached.
	 * @param user the user id
	 */
	public void invalidate(String user) {
		Objects.requireNonNull(user, "user must not be null");
		synchronized (this.lock) {
			this.loads.forEach((key, load) -> {
				if (key.user().equals(user)) {
					load.invalidated = true;
				}
			});
			this.entries.keySet().removeIf((key) -> key.user().equals(user));
		}
	}

	/**
	 * Drop the entry for (user, connection), and keep a load under way for it from being
	 * cached.
	 * @param user the user id
	 * @param connection the connection
	 */
	public void invalidate(String user, String connection) {
		Objects.requireNonNull(user, "user must not be null");
		Objects.requireNonNull(connection, "connection must not be null");
		synchronized (this.lock) {
			this.loads.forEach((key, load) -> {
				if (key.user().equals(user) && key.connection().equals(connection)) {
					load.invalidated = true;
				}
			});
			this.entries.keySet().removeIf((key) -> key.user().equals(user) && key.connection().equals(connection));
		}
	}

	/**
	 * Return the number of entries held, fresh or not yet evicted.
	 * @return the number of entries
	 */
	public int size() {
		return this.entries.size();
	}

	private ProviderToken store(Key key, Load load, ProviderToken token) {
		Instant now = this.clock.instant();
		Instant byExpiry = token.expiresAt().minus(this.skew);
		Instant byTtl = now.plus(this.maxTtl);
		Entry entry = new Entry(token, byExpiry.isBefore(byTtl) ? byExpiry : byTtl);
		if (!entry.isFreshAt(now)) {
			return token;
		}
		synchronized (this.lock) {
			if (load.invalidated) {
				return token;
			}
			// entries of older epochs are never served again
			if (key.epoch() > 0) {
				this.entries.keySet().removeIf((old) -> old.user().equals(key.user()) && old.epoch() < key.epoch());
			}
			if (!this.entries.containsKey(key) && this.entries.size() >= this.maxEntries) {
				evict(now);
			}
			this.entries.put(key, entry);
		}
		return token;
	}

	// Called with the lock held.
	private void evict(Instant now) {
		this.entries.values().removeIf((entry) -> !entry.isFreshAt(now));
		while (this.entries.size() >= this.maxEntries) {
			this.entries.entrySet()
				.stream()
				.min(Comparator.comparing((Map.Entry<Key, Entry> e) -> e.getValue().freshUntil()))
				.ifPresent((e) -> this.entries.remove(e.getKey(), e.getValue()));
		}
	}

	private static ProviderToken await(Load load) {
		try {
			// Bounded by the loader's own time-outs (the client's connect and read
			// timeouts).
			return load.result.join();
		}
		catch (CompletionException ex) {
			Throwable cause = ex.getCause();
			if (cause instanceof RuntimeException runtime) {
				throw runtime;
			}
			if (cause instanceof Error error) {
				throw error;
			}
			throw ex;
		}
	}

	private record Key(String user, String connection, long epoch) {

		Key {
			Objects.requireNonNull(user, "user must not be null");
			Objects.requireNonNull(connection, "connection must not be null");
		}

	}

	private record Entry(ProviderToken token, Instant freshUntil) {

		boolean isFreshAt(Instant now) {
			return now.isBefore(this.freshUntil);
		}

	}

	private static final class Load {

		final CompletableFuture<ProviderToken> result = new CompletableFuture<>();

		volatile boolean invalidated;

	}

	/**
	 * Builder for {@link ReadTokenCache}. Not thread-safe.
	 */
	public static final class Builder {

		private boolean enabled = true;

		private Duration skew = DEFAULT_SKEW;

		private Duration maxTtl = DEFAULT_MAX_TTL;

		private int maxEntries = DEFAULT_MAX_ENTRIES;

		private Clock clock = Clock.systemUTC();

		private Builder() {
		}

		/**
		 * Turn caching on or off. Default on. When off, every {@link ReadTokenCache#get}
		 * call exchanges.
		 * @param enabled whether to cache
		 * @return this builder
		 */
		public Builder enabled(boolean enabled) {
			this.enabled = enabled;
			return this;
		}

		/**
		 * Set how long before a token's expiry it stops being served. Default
		 * {@link #DEFAULT_SKEW}.
		 * @param skew zero or positive
		 * @return this builder
		 */
		public Builder skew(Duration skew) {
			Objects.requireNonNull(skew, "skew must not be null");
			if (skew.isNegative()) {
				throw new IllegalArgumentException("skew must not be negative, but was " + skew);
			}
			this.skew = skew;
			return this;
		}

		/**
		 * Set the longest time an entry is served, whatever the token's expiry. Default
		 * {@link #DEFAULT_MAX_TTL}.
		 * @param maxTtl positive
		 * @return this builder
		 */
		public Builder maxTtl(Duration maxTtl) {
			Objects.requireNonNull(maxTtl, "maxTtl must not be null");
			if (maxTtl.isNegative() || maxTtl.isZero()) {
				throw new IllegalArgumentException("maxTtl must be positive, but was " + maxTtl);
			}
			this.maxTtl = maxTtl;
			return this;
		}

		/**
		 * Set the maximum number of entries. Default {@link #DEFAULT_MAX_ENTRIES}.
		 * @param maxEntries positive
		 * @return this builder
		 */
		public Builder maxEntries(int maxEntries) {
			if (maxEntries <= 0) {
				throw new IllegalArgumentException("maxEntries must be positive, but was " + maxEntries);
			}
			this.maxEntries = maxEntries;
			return this;
		}

		/**
		 * Set the clock. Default {@link Clock#systemUTC()}.
		 * @param clock the clock
		 * @return this builder
		 */
		public Builder clock(Clock clock) {
			this.clock = Objects.requireNonNull(clock, "clock must not be null");
			return this;
		}

		/**
		 * Build the cache.
		 * @return a new, empty cache
		 */
		public ReadTokenCache build() {
			return new ReadTokenCache(this);
		}

	}

}
