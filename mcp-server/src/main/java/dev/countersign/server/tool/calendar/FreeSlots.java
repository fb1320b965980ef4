package dev.countersign.server.tool.calendar;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Free time between busy blocks: pure, synchronous, thread-safe.
 */
final class FreeSlots {

	private FreeSlots() {
	}

	/**
	 * The free gaps of at least a given length inside a window, earliest first. Busy
	 * blocks may overlap, touch, or reach outside the window; each free slot is a whole
	 * gap between them (or between a window edge and a block).
	 * @param window the window searched
	 * @param busy the busy blocks, in any order
	 * @param minimum the shortest slot worth answering
	 * @param maxSlots the most slots to answer
	 * @return the free slots
	 */
	static List<TimeSlot> find(TimeSlot window, List<TimeSlot> busy, Duration minimum, int maxSlots) {
		List<TimeSlot> sorted = new ArrayList<>(busy);
		sorted.sort(Comparator.comparing(TimeSlot::start));
		List<TimeSlot> free = new ArrayList<>();
		Instant cursor = window.start();
		for (TimeSlot block : sorted) {
			if (free.size() >= maxSlots || !block.start().isBefore(window.end())) {
				break;
			}
			if (block.start().isAfter(cursor)) {
				addIfLongEnough(free, cursor, block.start(), minimum);
			}
			if (block.end().isAfter(cursor)) {
				cursor = block.end();
			}
		}
		if (free.size() < maxSlots && cursor.isBefore(window.end())) {
			addIfLongEnough(free, cursor, window.end(), minimum);
		}
		return free;
	}

	private static void addIfLongEnough(List<TimeSlot> free, Instant start, Instant end, Duration minimum) {
		if (Duration.between(start, end).compareTo(minimum) >= 0) {
			free.add(new TimeSlot(start, end));
		}
	}

}
