package dev.countersign.server.limit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One token bucket per key: a bucket holds at most {@code burst} permits, starts full,
 * and refills continuously at {@code permitsPerSecond}. So a key may make {@code burst}
 * calls at once and {@code permitsPerSecond} calls a second for as long as it likes, and
 * never more than {@code burst + permitsPerSecond × t} in any span {@code t}.
 *
 * <p>
 * Resilience4j's {@code RateLimiter} hands out {@code limitForPeriod} permits per fixed
 * refresh period and cannot carry unused permits over: a burst of 40 with 20 a second
 * would be 40 every 2 s, which lets 80 through across a period boundary, and its time
 * source cannot be replaced, so tests would have to sleep. This class is the small bucket
 * instead, timed by an injected {@link Clock}.
 *
 * <p>
 * A bucket that has refilled completely is the same as no bucket, so idle buckets are
 * dropped every {@value #SWEEP_EVERY} acquisitions: memory stays proportional to the keys
 * active in the last {@code burst / permitsPerSecond} seconds. Thread-safe.
 *
 * <pre>{@code
 * TokenBuckets buckets = new TokenBuckets(20, 40, clock);
 * Duration wait = buckets.tryAcquire(key);
 * if (!wait.isZero()) { ... refuse, retry after wait ... }
 * }</pre>
 */
final class TokenBuckets {

	static final int SWEEP_EVERY = 4096;

	private static final double NANOS_PER_SECOND = 1_000_000_000d;

	private final double permitsPerSecond;

	private final int burst;

	private final Clock clock;

	private final ConcurrentMap<Object, Bucket> buckets = new ConcurrentHashMap<>();

	private final AtomicLong acquisitions = new AtomicLong();

	/**
	 * Creates the buckets.
	 * @param permitsPerSecond the sustained rate, positive
	 * @param burst the most permits a bucket holds, at least 1
	 * @param clock the time source
	 * @throws IllegalArgumentException when the rate is not positive and finite, or the
	 * burst below 1
	 */
	TokenBuckets(double permitsPerSecond, int burst, Clock clock) {
		if (!(permitsPerSecond > 0) || Double.isInfinite(permitsPerSecond)) {
			throw new IllegalArgumentException("permitsPerSecond must be positive, but was " + permitsPerSecond);
		}
		if (burst < 1) {
			throw new IllegalArgumentException("burst must be at least 1, but was " + burst);
		}
		this.permitsPerSecond = permitsPerSecond;
		this.burst = burst;
		this.clock = Objects.requireNonNull(clock, "clock must not be null");
	}

	/**
	 * Takes one permit from the key's bucket if it has one.
	 * @param key the key, e.g. a (user, agent) pair; compared with {@code equals}
	 * @return {@link Duration#ZERO} when a permit was taken; otherwise how long until the
	 * bucket holds one (nothing is taken then)
	 */
	Duration tryAcquire(Object key) {
		Objects.requireNonNull(key, "key must not be null");
		Instant now = this.clock.instant();
		Duration[] wait = new Duration[1];
		// compute holds the key's lock: a take and a sweep of one key never interleave
		this.buckets.compute(key, (k, existing) -> {
			Bucket bucket = (existing != null) ? existing : new Bucket(this.burst, now);
			wait[0] = bucket.take(now);
			return bucket;
		});
		if (this.acquisitions.incrementAndGet() % SWEEP_EVERY == 0) {
			sweep(now);
		}
		return wait[0];
	}

	/**
	 * The number of buckets kept, for tests.
	 * @return the number of keys with a bucket that was not yet full at the last sweep
	 */
	int size() {
		return this.buckets.size();
	}

	/** Drops every bucket that is full by now: it is the same as a fresh one. */
	void sweep(Instant now) {
		for (Object key : this.buckets.keySet()) {
			this.buckets.computeIfPresent(key, (k, bucket) -> bucket.fullAt(now) ? null : bucket);
		}
	}

	private double refill(double tokens, Instant from, Instant to) {
		long nanos = Duration.between(from, to).toNanos();
		if (nanos <= 0) {
			// a clock that went back refills nothing
			return tokens;
		}
		return Math.min(this.burst, tokens + nanos / NANOS_PER_SECOND * this.permitsPerSecond);
	}

	/** One key's permits; only touched under the map's lock for that key. */
	private final class Bucket {

		private double tokens;

		private Instant updated;

		Bucket(double tokens, Instant now) {
			this.tokens = tokens;
			this.updated = now;
		}

		Duration take(Instant now) {
			this.tokens = refill(this.tokens, this.updated, now);
			if (now.isAfter(this.updated)) {
				this.updated = now;
			}
			if (this.tokens >= 1) {
				this.tokens -= 1;
				return Duration.ZERO;
			}
			double seconds = (1 - this.tokens) / TokenBuckets.this.permitsPerSecond;
			return Duration.ofNanos(Math.max(1, (long) Math.ceil(seconds * NANOS_PER_SECOND)));
		}

		boolean fullAt(Instant now) {
			return refill(this.tokens, this.updated, now) >= TokenBuckets.this.burst;
		}

	}

}
