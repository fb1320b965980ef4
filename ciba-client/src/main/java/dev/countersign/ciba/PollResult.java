package dev.countersign.ciba;

import java.time.Duration;
import java.util.Objects;

/**
 * What one poll of the token endpoint found: still {@link Pending}, asked to
 * {@link SlowDown}, or a terminal {@link CibaOutcome}. {@code authorization_pending} and
 * {@code slow_down} end here, as values; they never leave the client as exceptions.
 */
public sealed interface PollResult permits PollResult.Pending, PollResult.SlowDown, CibaOutcome {

	/**
	 * The user has not answered yet ({@code authorization_pending}). Poll again after
	 * {@code nextInterval}.
	 *
	 * @param nextInterval the interval to wait before the next poll
	 */
	record Pending(Duration nextInterval) implements PollResult {

		public Pending {
			requirePositive(nextInterval);
		}

	}

	/**
	 * The client polled too fast ({@code slow_down}, or HTTP 429). Poll again after
	 * {@code nextInterval}, and keep that interval from now on.
	 *
	 * @param nextInterval the new, longer interval
	 */
	record SlowDown(Duration nextInterval) implements PollResult {

		public SlowDown {
			requirePositive(nextInterval);
		}

	}

	private static void requirePositive(Duration nextInterval) {
		Objects.requireNonNull(nextInterval, "nextInterval must not be null");
		if (nextInterval.isNegative() || nextInterval.isZero()) {
			throw new IllegalArgumentException("nextInterval must be positive, but was " + nextInterval);
		}
	}

}
