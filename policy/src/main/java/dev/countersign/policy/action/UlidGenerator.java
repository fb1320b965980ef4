package dev.countersign.policy.action;

import java.time.Clock;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * ULID-shaped ids, monotonic within one generator. Thread-safe.
 */
final class UlidGenerator implements IdGenerator {

	private static final char[] CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();

	private final Clock clock;

	private final RandomGenerator random;

	private long lastMillis = -1;

	private long randomHigh;

	private long randomLow;

	UlidGenerator(Clock clock, RandomGenerator random) {
		this.clock = Objects.requireNonNull(clock, "clock must not be null");
		this.random = Objects.requireNonNull(random, "random must not be null");
	}

	@Override
	public synchronized String next(String prefix) {
		long millis = Math.max(this.clock.millis(), this.lastMillis);
		if (millis == this.lastMillis) {
			// same millisecond: count up so that ids still sort in order
			this.randomLow = (this.randomLow + 1) & 0xFF_FFFF_FFFFL;
			if (this.randomLow == 0) {
				this.randomHigh = (this.randomHigh + 1) & 0xFF_FFFF_FFFFL;
			}
		}
		else {
			this.lastMillis = millis;
			this.randomHigh = this.random.nextLong() & 0xFF_FFFF_FFFFL;
			this.randomLow = this.random.nextLong() & 0xFF_FFFF_FFFFL;
		}
		char[] id = new char[26];
		encode(millis & 0xFFFF_FFFF_FFFFL, id, 0, 10);
		encode(this.randomHigh, id, 10, 8);
		encode(this.randomLow, id, 18, 8);
		return prefix + new String(id);
	}

	private static void encode(long value, char[] into, int offset, int length) {
		for (int i = offset + length - 1; i >= offset; i--) {
			into[i] = CROCKFORD[(int) (value & 31)];
			value >>>= 5;
		}
	}

	@Override
	public String toString() {
		return "IdGenerator.ulid(" + this.clock + ")";
	}

}
