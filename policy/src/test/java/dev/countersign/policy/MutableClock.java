package dev.countersign.policy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;

/**
 * A {@link Clock} that tests move by hand, so windows and expiry are tested without
 * sleeping. Thread-safe.
 */
public final class MutableClock extends Clock {

	/** A fixed starting point for tests. */
	public static final Instant START = Instant.parse("2026-11-23T10:00:00Z");

	private volatile Instant now;

	private final ZoneId zone;

	private MutableClock(Instant now, ZoneId zone) {
		this.now = Objects.requireNonNull(now, "now must not be null");
		this.zone = Objects.requireNonNull(zone, "zone must not be null");
	}

	/**
	 * A clock at {@link #START}, in UTC.
	 * @return the clock
	 */
	public static MutableClock start() {
		return at(START);
	}

	/**
	 * A clock at an instant, in UTC.
	 * @param now the instant
	 * @return the clock
	 */
	public static MutableClock at(Instant now) {
		return new MutableClock(now, ZoneOffset.UTC);
	}

	/**
	 * Moves the clock forward (or back, with a negative duration).
	 * @param duration how far
	 * @return the new instant
	 */
	public synchronized Instant advance(Duration duration) {
		this.now = this.now.plus(duration);
		return this.now;
	}

	/**
	 * Sets the clock.
	 * @param instant the new instant
	 */
	public void set(Instant instant) {
		this.now = Objects.requireNonNull(instant, "instant must not be null");
	}

	@Override
	public Instant instant() {
		return this.now;
	}

	@Override
	public ZoneId getZone() {
		return this.zone;
	}

	@Override
	public Clock withZone(ZoneId other) {
		return new MutableClock(this.now, other);
	}

	@Override
	public String toString() {
		return "MutableClock[" + this.now + "]";
	}

}
