package dev.countersign.redis.internal;

import java.util.Objects;
import java.util.function.Supplier;

import reactor.core.publisher.Mono;

/**
 * Runs an optimistic attempt again while it loses its compare-and-set race. An attempt is
 * a {@link Mono} that reads, computes and writes with a Lua check, and completes empty
 * when the check found that someone else wrote first.
 */
public final class Attempts {

	private Attempts() {
	}

	/**
	 * Subscribes to an attempt until it answers, at most {@code maxAttempts} times.
	 * @param <T> what the attempt answers
	 * @param attempt a cold {@link Mono}: each subscription is a fresh attempt; empty
	 * when the race was lost
	 * @param maxAttempts how often to try, at least 1
	 * @param exhausted the error when every attempt lost
	 * @return the first answer
	 */
	public static <T> Mono<T> untilWon(Mono<T> attempt, int maxAttempts,
			Supplier<? extends RuntimeException> exhausted) {
		Objects.requireNonNull(attempt, "attempt must not be null");
		Objects.requireNonNull(exhausted, "exhausted must not be null");
		if (maxAttempts < 1) {
			throw new IllegalArgumentException("maxAttempts must be positive, but was " + maxAttempts);
		}
		return attempt.repeatWhenEmpty((repeats) -> repeats.handle((repeat, sink) -> {
			// repeat 0 follows the first attempt
			if (repeat + 1 < maxAttempts) {
				sink.next(repeat);
			}
			else {
				sink.error(exhausted.get());
			}
		}));
	}

}
