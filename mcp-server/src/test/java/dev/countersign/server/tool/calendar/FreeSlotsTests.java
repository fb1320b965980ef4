package dev.countersign.server.tool.calendar;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Free slots in the window 09:00–17:00, from busy blocks written {@code HH:MM-HH:MM}
 * separated by spaces.
 */
class FreeSlotsTests {

	@ParameterizedTest(name = "busy [{0}], {1} min, max {2} -> [{3}]")
	@CsvSource(delimiter = '|', textBlock = """
			# busy                              | minutes | max | free
			                                    | 30      | 5   | 09:00-17:00
			10:00-11:00                         | 30      | 5   | 09:00-10:00 11:00-17:00
			10:00-11:00 10:30-12:00             | 30      | 5   | 09:00-10:00 12:00-17:00
			10:00-12:00 10:30-11:00             | 30      | 5   | 09:00-10:00 12:00-17:00
			10:00-11:00 11:00-12:00             | 30      | 5   | 09:00-10:00 12:00-17:00
			08:00-09:30 16:30-18:00             | 30      | 5   | 09:30-16:30
			07:00-08:00 17:00-18:00             | 30      | 5   | 09:00-17:00
			08:00-18:00                         | 30      | 5   |
			09:00-17:00                         | 5       | 5   |
			09:00-09:20 09:40-17:00             | 30      | 5   |
			09:00-09:20 09:50-17:00             | 30      | 5   | 09:20-09:50
			13:00-14:00 10:00-11:00             | 60      | 5   | 09:00-10:00 11:00-13:00 14:00-17:00
			10:00-11:00 12:00-13:00 14:00-15:00 | 30      | 2   | 09:00-10:00 11:00-12:00
			10:00-11:00 12:00-13:00             | 120     | 5   | 13:00-17:00
			""")
	void findReturnsTheGapsLongEnoughEarliestFirst(String busy, int minutes, int max, String free) {
		TimeSlot window = slot("09:00-17:00");
		assertThat(FreeSlots.find(window, slots(busy), Duration.ofMinutes(minutes), max)).isEqualTo(slots(free));
	}

	private static List<TimeSlot> slots(String text) {
		List<TimeSlot> slots = new ArrayList<>();
		if (text != null && !text.isBlank()) {
			for (String slot : text.trim().split("\\s+")) {
				slots.add(slot(slot));
			}
		}
		return slots;
	}

	private static TimeSlot slot(String text) {
		String[] ends = text.split("-");
		return new TimeSlot(at(ends[0]), at(ends[1]));
	}

	private static Instant at(String time) {
		return Instant.parse("2026-11-24T" + time + ":00Z");
	}

}
