package dev.countersign.server.tool.calendar;

import java.time.Instant;
import java.util.Objects;

/**
 * A span of time, busy or free.
 *
 * @param start when it starts, inclusive
 * @param end when it ends, exclusive; after start
 */
public record TimeSlot(Instant start, Instant end) {

	public TimeSlot {
		Objects.requireNonNull(start, "start must not be null");
		Objects.requireNonNull(end, "end must not be null");
		if (!end.isAfter(start)) {
			throw new IllegalArgumentException("end must be after start, but was " + end + " for start " + start);
		}
	}

}
