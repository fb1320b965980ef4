package dev.countersign.server.tool.calendar;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

import org.springframework.http.MediaType;

import dev.countersign.server.auth.Caller;
import dev.countersign.server.provider.ProviderHttp;
import dev.countersign.server.provider.ProviderJson;
import dev.countersign.server.tool.ToolFailure;

/**
 * Google Calendar API v3 over WebClient: reads of the caller's primary calendar. Answers
 * events in the tools' snake_case shape; failures are
 * {@link dev.countersign.server.tool.ToolFailure}s (see {@link ProviderHttp}).
 * Thread-safe.
 */
public final class WebClientGoogleCalendar {

	/** What the tools read, for messages. */
	static final String PRIMARY_CALENDAR = "primary calendar";

	private final ProviderHttp http;

	/**
	 * An adapter over the given HTTP access, whose base URL is the API's
	 * ({@code https://www.googleapis.com/calendar/v3}).
	 * @param http the HTTP access for the {@code google-oauth2} connection
	 */
	public WebClientGoogleCalendar(ProviderHttp http) {
		this.http = Objects.requireNonNull(http, "http must not be null");
	}

	/**
	 * Lists the events of the primary calendar in a window, soonest first, recurring
	 * events expanded ({@code events.list} with
	 * {@code singleEvents=true&orderBy=startTime}).
	 * @param caller the caller
	 * @param window the window
	 * @param query free text events must match, or null
	 * @param maxResults the most events
	 * @return the events as tool results
	 */
	public Mono<List<Map<String, Object>>> listEvents(Caller caller, TimeSlot window, @Nullable String query,
			int maxResults) {
		return this.http.read(caller, PRIMARY_CALENDAR, (client) -> client.get().uri((uri) -> {
			uri.path("/calendars/primary/events")
				.queryParam("timeMin", "{timeMin}")
				.queryParam("timeMax", "{timeMax}")
				.queryParam("singleEvents", "true")
				.queryParam("orderBy", "startTime")
				.queryParam("maxResults", "{maxResults}");
			Map<String, Object> variables = new LinkedHashMap<>();
			variables.put("timeMin", window.start().toString());
			variables.put("timeMax", window.end().toString());
			variables.put("maxResults", maxResults);
			if (query != null) {
				uri.queryParam("q", "{q}");
				variables.put("q", query);
			}
			return uri.build(variables);
		})).map((events) -> {
			List<Map<String, Object>> results = new ArrayList<>();
			for (JsonNode item : events.path("items").values()) {
				if (item.path("id").isString()) {
					results.add(event(item));
				}
			}
			return results;
		});
	}

	/**
	 * The busy blocks of the primary calendar in a window ({@code freebusy.query}).
	 * @param caller the caller
	 * @param window the window
	 * @return the busy blocks, as Google orders them
	 */
	public Mono<List<TimeSlot>> busy(Caller caller, TimeSlot window) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("timeMin", window.start().toString());
		body.put("timeMax", window.end().toString());
		body.put("items", List.of(Map.of("id", "primary")));
		return this.http
			.read(caller, PRIMARY_CALENDAR,
					(client) -> client.post().uri("/freeBusy").contentType(MediaType.APPLICATION_JSON).bodyValue(body))
			.map((answer) -> {
				JsonNode calendar = answer.path("calendars").path("primary");
				List<String> errors = ProviderJson.strings(calendar.path("errors"), "reason");
				if (!errors.isEmpty()) {
					throw new ToolFailure("Google Calendar could not give the free/busy times of the "
							+ PRIMARY_CALENDAR + " (" + String.join(", ", errors) + ").");
				}
				List<TimeSlot> busy = new ArrayList<>();
				for (JsonNode block : calendar.path("busy").values()) {
					Instant start = instant(block.path("start"));
					Instant end = instant(block.path("end"));
					if (start != null && end != null && end.isAfter(start)) {
						busy.add(new TimeSlot(start, end));
					}
				}
				return busy;
			});
	}

	/**
	 * Reads one event of the primary calendar ({@code events.get}) with its ETag, a
	 * cancelled (deleted) one included, as Google answers it.
	 * @param caller the caller
	 * @param eventId the event id
	 * @return the event's current version, empty when Google knows no such event
	 */
	public Mono<EventVersion> findEvent(Caller caller, String eventId) {
		return this.http
			.find(caller, "event " + eventId + " on the " + PRIMARY_CALENDAR,
					(client) -> client.get().uri("/calendars/primary/events/{id}", eventId))
			.map((item) -> version(item, eventId));
	}

	static EventVersion version(JsonNode item, String eventId) {
		if (!item.path("etag").isString()) {
			throw new ToolFailure("Google Calendar sent event " + eventId
					+ " without its version (etag), so it cannot be changed safely; try again shortly.");
		}
		List<String> guests = new ArrayList<>();
		for (JsonNode attendee : item.path("attendees").values()) {
			// Calendar v3: "self" marks the calendar owner's own attendee entry.
			if (attendee.path("email").isString() && !attendee.path("self").asBoolean(false)) {
				guests.add(attendee.path("email").stringValue());
			}
		}
		Map<String, Object> shown = new LinkedHashMap<>();
		ProviderJson.putString(shown, "summary", item.path("summary"));
		putTime(shown, "start", item.path("start"));
		return new EventVersion(item.path("id").asString(eventId), item.path("etag").stringValue(),
				item.path("status").asString("confirmed"), (String) shown.get("summary"), (String) shown.get("start"),
				guests);
	}

	static Map<String, Object> event(JsonNode item) {
		Map<String, Object> event = new LinkedHashMap<>();
		event.put("id", item.path("id").stringValue());
		ProviderJson.putString(event, "summary", item.path("summary"));
		putTime(event, "start", item.path("start"));
		putTime(event, "end", item.path("end"));
		ProviderJson.putString(event, "location", item.path("location"));
		ProviderJson.putList(event, "attendees", ProviderJson.strings(item.path("attendees"), "email"));
		ProviderJson.putString(event, "html_link", item.path("htmlLink"));
		return event;
	}

	// Calendar v3: a timed event has start.dateTime, an all-day event start.date.
	private static void putTime(Map<String, Object> event, String key, JsonNode time) {
		JsonNode value = time.path("dateTime").isString() ? time.path("dateTime") : time.path("date");
		ProviderJson.putString(event, key, value);
	}

	private static @Nullable Instant instant(JsonNode value) {
		if (!value.isString()) {
			return null;
		}
		try {
			return OffsetDateTime.parse(value.stringValue()).toInstant();
		}
		catch (DateTimeParseException ex) {
			return null;
		}
	}

}
