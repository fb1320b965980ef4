package dev.countersign.ciba;

import java.time.Duration;

/**
 * Waits. {@link CibaClient} waits through a {@code Sleeper} (between start tries and
 * between polls) so that tests can move a clock instead of sleeping.
 */
@FunctionalInterface
public interface Sleeper {

	/**
	 * Wait for a while.
	 * @param duration how long, never negative
	 * @throws InterruptedException when the thread is interrupted
	 */
	void sleep(Duration duration) throws InterruptedException;

	/**
	 * The sleeper that blocks the calling thread.
	 * @return a sleeper backed by {@link Thread#sleep(long)}
	 */
	static Sleeper system() {
		return (duration) -> Thread.sleep(duration.toMillis());
	}

}
