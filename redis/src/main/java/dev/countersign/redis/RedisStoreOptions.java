package dev.countersign.redis;

import java.time.Duration;
import java.util.Objects;

/**
 * How long the Redis stores keep records that can no longer change. Live records (actions
 * that are {@code PENDING}, {@code BATCHED}, {@code APPROVED}, {@code EXECUTING} or
 * {@code UNKNOWN}; batches that are {@code OPEN} or {@code REQUESTED}; changes that are
 * {@code PENDING_APPROVAL}) never expire; nor do audit chains, rules, routing settings,
 * trust records, calibration state and sealed refresh tokens.
 *
 * <pre>{@code
 * RedisStoreOptions options = new RedisStoreOptions(Duration.ofDays(30), Duration.ofDays(30), Duration.ofDays(30));
 * }</pre>
 *
 * @param terminalActionTtl how long an action is kept once it is terminal
 * ({@code SUCCEEDED}, {@code FAILED}, {@code CANCELLED}, {@code DENIED},
 * {@code EXPIRED}); at least one second
 * @param closedBatchTtl how long a batch is kept once it is terminal ({@code APPROVED},
 * {@code DENIED}, {@code EXPIRED}, {@code FAILED}); at least one second
 * @param decidedChangeTtl how long a pending change is kept once it is decided
 * ({@code APPLIED}, {@code DENIED}, {@code EXPIRED}); at least one second
 */
public record RedisStoreOptions(Duration terminalActionTtl, Duration closedBatchTtl, Duration decidedChangeTtl) {

	/** The default {@link #terminalActionTtl()}: 7 days. */
	public static final Duration DEFAULT_TERMINAL_ACTION_TTL = Duration.ofDays(7);

	/** The default {@link #closedBatchTtl()}: 7 days. */
	public static final Duration DEFAULT_CLOSED_BATCH_TTL = Duration.ofDays(7);

	/** The default {@link #decidedChangeTtl()}: 7 days. */
	public static final Duration DEFAULT_DECIDED_CHANGE_TTL = Duration.ofDays(7);

	public RedisStoreOptions {
		requireAtLeastOneSecond(terminalActionTtl, "terminalActionTtl");
		requireAtLeastOneSecond(closedBatchTtl, "closedBatchTtl");
		requireAtLeastOneSecond(decidedChangeTtl, "decidedChangeTtl");
	}

	/**
	 * The defaults: {@link #DEFAULT_TERMINAL_ACTION_TTL},
	 * {@link #DEFAULT_CLOSED_BATCH_TTL} and {@link #DEFAULT_DECIDED_CHANGE_TTL}.
	 * @return the default options
	 */
	public static RedisStoreOptions defaults() {
		return new RedisStoreOptions(DEFAULT_TERMINAL_ACTION_TTL, DEFAULT_CLOSED_BATCH_TTL, DEFAULT_DECIDED_CHANGE_TTL);
	}

	private static void requireAtLeastOneSecond(Duration ttl, String name) {
		Objects.requireNonNull(ttl, name + " must not be null");
		if (ttl.getSeconds() < 1) {
			throw new IllegalArgumentException(name + " must be at least one second, but was " + ttl);
		}
	}

}
