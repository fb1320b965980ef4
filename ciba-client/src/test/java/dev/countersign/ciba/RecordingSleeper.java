package dev.countersign.ciba;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A sleeper that does not sleep: it records each wait and moves a {@link MutableClock}.
 */
final class RecordingSleeper implements Sleeper {

	private final MutableClock clock;

	private final List<Duration> sleeps = new ArrayList<>();

	private Runnable onSleep = () -> {
	};

	RecordingSleeper(MutableClock clock) {
		this.clock = clock;
	}

	RecordingSleeper onSleep(Runnable action) {
		this.onSleep = action;
		return this;
	}

	List<Duration> sleeps() {
		return this.sleeps;
	}

	@Override
	public void sleep(Duration duration) {
		this.sleeps.add(duration);
		this.clock.advance(duration);
		this.onSleep.run();
	}

}
