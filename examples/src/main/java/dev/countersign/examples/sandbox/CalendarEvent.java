package dev.countersign.examples.sandbox;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * One event of an emulated Google calendar. Immutable: a change stores a new event with a
 * later {@code updated}, which gives it a new etag, as Google does.
 *
 * @param id the event id (base32hex, as Google's)
 * @param summary the title
 * @param description the description, or null
 * @param location the location, or null
 * @param start when it starts
 * @param end when it ends (exclusive)
 * @param attendees the attendees, empty when it is the owner's alone
 * @param transparent whether it leaves the owner free ({@code transparency=transparent})
 * @param status {@code confirmed}, {@code tentative} or {@code cancelled}
 * @param created when it was created
 * @param updated when it last changed
 * @param sequence the iCalendar sequence number
 */
record CalendarEvent(String id, String summary, @Nullable String description, @Nullable String location, Time start,
		Time end, List<Attendee> attendees, boolean transparent, String status, Instant created, Instant updated,
		int sequence) {

	CalendarEvent {
		Objects.requireNonNull(id, "id must not be null");
		attendees = List.copyOf(attendees);
	}

	/**
	 * The etag Google would give this version of the event.
	 * @return a quoted etag
	 */
	String etag() {
		return "\"" + (this.updated.toEpochMilli() * 1000) + "\"";
	}

	boolean cancelled() {
		return "cancelled".equals(this.status);
	}

	/**
	 * Whether the event overlaps {@code [from, to)}; open ends when null.
	 * @param from the window's start, or null
	 * @param to the window's end, or null
	 * @return whether it overlaps
	 */
	boolean overlaps(@Nullable Instant from, @Nullable Instant to) {
		return (from == null || this.end.instant().isAfter(from)) && (to == null || this.start.instant().isBefore(to));
	}

	/**
	 * Whether free text matches the summary, description, location or an attendee.
	 * @param text lower-case text
	 * @return whether it matches
	 */
	boolean matches(String text) {
		StringBuilder all = new StringBuilder(this.summary);
		all.append('\n').append(Objects.toString(this.description, "")).append('\n');
		all.append(Objects.toString(this.location, ""));
		for (Attendee attendee : this.attendees) {
			all.append('\n').append(attendee.email()).append(' ').append(Objects.toString(attendee.displayName(), ""));
		}
		return all.toString().toLowerCase(Locale.ROOT).contains(text);
	}

	/**
	 * A start or end: a time ({@code dateTime}) or, for an all-day event, a date.
	 *
	 * @param dateTime the instant, or null for a date
	 * @param date the date, or null for a time
	 */
	record Time(@Nullable Instant dateTime, @Nullable LocalDate date) {

		Time {
			if ((dateTime == null) == (date == null)) {
				throw new IllegalArgumentException("exactly one of dateTime and date must be set");
			}
		}

		static Time at(Instant dateTime) {
			return new Time(dateTime, null);
		}

		static Time on(LocalDate date) {
			return new Time(null, date);
		}

		/**
		 * The instant, a date's being its start in the calendar's time zone (UTC).
		 * @return the instant
		 */
		Instant instant() {
			return (this.dateTime != null) ? this.dateTime
					: Objects.requireNonNull(this.date).atStartOfDay(ZoneOffset.UTC).toInstant();
		}

	}

	/**
	 * An attendee.
	 *
	 * @param email the address
	 * @param displayName the name, or null
	 * @param responseStatus {@code needsAction}, {@code accepted}, {@code declined} or
	 * {@code tentative}
	 * @param organizer whether they organize the event
	 */
	record Attendee(String email, @Nullable String displayName, String responseStatus, boolean organizer) {
	}

}
