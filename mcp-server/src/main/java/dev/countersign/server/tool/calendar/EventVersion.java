package dev.countersign.server.tool.calendar;

import java.util.List;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * One version of a calendar event as Google Calendar answered it: its ETag, which changes
 * with every change to the event, and what a person needs to recognise it.
 *
 * @param id the event id
 * @param etag the event's ETag, quoted as Google sends it
 * @param status {@code confirmed}, {@code tentative} or {@code cancelled}
 * @param summary the title, or null when it has none
 * @param start the start as Google wrote it (an RFC 3339 date-time, or a date for an
 * all-day event), or null
 * @param guests the attendees other than the calendar's owner, empty when there are none
 */
public record EventVersion(String id, String etag, String status, @Nullable String summary, @Nullable String start,
		List<String> guests) {

	public EventVersion {
		Objects.requireNonNull(id, "id must not be null");
		Objects.requireNonNull(etag, "etag must not be null");
		Objects.requireNonNull(status, "status must not be null");
		guests = List.copyOf(guests);
	}

	/**
	 * Whether the event was deleted (Google keeps deleted events a while, cancelled).
	 * @return whether it is cancelled
	 */
	public boolean cancelled() {
		return "cancelled".equals(this.status);
	}

}
