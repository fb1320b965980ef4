package dev.countersign.policy.action;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.random.RandomGenerator;

/**
 * Makes the ids of actions ({@value #ACTION_PREFIX}…) and batches
 * ({@value #BATCH_PREFIX}…). Inject one; tests pass their own.
 *
 * <pre>{@code
 * IdGenerator ids = IdGenerator.ulid(clock);
 * ids.next(IdGenerator.ACTION_PREFIX); // act_01JD7Q3ZK8X2M4N6P8R0S2T4V6
 * }</pre>
 */
@FunctionalInterface
public interface IdGenerator {

	/** The prefix of action ids. */
	String ACTION_PREFIX = "act_";

	/** The prefix of batch ids. */
	String BATCH_PREFIX = "bat_";

	/**
	 * Makes a new id.
	 * @param prefix the prefix, such as {@link #ACTION_PREFIX}
	 * @return a new id that starts with the prefix, never returned before by this
	 * generator
	 */
	String next(String prefix);

	/**
	 * ULID-shaped ids: the prefix and 26 Crockford base32 characters, 48 bits of
	 * milliseconds from the clock and 80 random bits from a {@link SecureRandom}. Ids of
	 * one generator sort in the order they were made (within one millisecond the random
	 * part counts up). Thread-safe.
	 * @param clock the clock
	 * @return the generator
	 */
	static IdGenerator ulid(Clock clock) {
		return new UlidGenerator(clock, new SecureRandom());
	}

	/**
	 * Like {@link #ulid(Clock)} with a given source of randomness.
	 * @param clock the clock
	 * @param random the random bits
	 * @return the generator
	 */
	static IdGenerator ulid(Clock clock, RandomGenerator random) {
		return new UlidGenerator(clock, random);
	}

}
