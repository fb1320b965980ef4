package dev.countersign.server.tool.calendar;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClientResponseException;

import dev.countersign.policy.action.Action;
import dev.countersign.server.approval.ProviderWriter;
import dev.countersign.server.approval.WriteOutcomeUnknownException;
import dev.countersign.server.approval.WriteRejectedException;
import dev.countersign.server.provider.ProviderWriteHttp;

/**
 * Executes approved {@code calendar_create_event} and {@code calendar_delete_event}
 * actions, each sent once.
 *
 * <p>
 * Create: {@code POST /calendars/primary/events} with the event as frozen and the id
 * {@link EventIds#forAction(String)}. Invitations go out ({@code sendUpdates=all}) only
 * when there are attendees. A 409 {@code duplicate} means an earlier attempt of the same
 * action already made the event: it is read back ({@code GET …/events/{id}}) and the
 * write succeeds with it, so a repeat never creates twice. Answers the event in the read
 * tools' shape.
 *
 * <p>
 * Delete: {@code DELETE /calendars/primary/events/{id}} with {@code If-Match} set to the
 * ETag frozen when the call was made, so Google deletes only the version the user
 * approved. When the frozen event has guests, Google tells them of the cancellation
 * ({@code sendUpdates=all}): deleting a meeting silently would leave it in their
 * calendars; the guests are on the approval screen. Answers {@code {event_id}}. A 412
 * ({@code conditionNotMet}) fails with "the event changed since you approved"; a 404 or
 * 410 with "the event no longer exists"; a 5xx fails asking the user to check the
 * calendar; a time limit or lost answer is an unknown outcome.
 *
 * <p>
 * Thread-safe.
 */
public final class WebClientCalendarWriter implements ProviderWriter {

	private static final Logger logger = LoggerFactory.getLogger(WebClientCalendarWriter.class);

	private final ProviderWriteHttp http;

	/**
	 * A writer over the given HTTP access, whose base URL is the API's
	 * ({@code https://www.googleapis.com/calendar/v3}).
	 * @param http the write access to Google Calendar
	 */
	public WebClientCalendarWriter(ProviderWriteHttp http) {
		this.http = Objects.requireNonNull(http, "http must not be null");
	}

	/** Why a deletion whose {@code If-Match} did not hold failed. */
	public static final String EVENT_CHANGED = "the event changed since you approved";

	/** Why a deletion of an event that is gone failed. */
	public static final String EVENT_GONE = "the event no longer exists";

	@Override
	public Set<String> tools() {
		return Set.of("calendar_create_event", "calendar_delete_event");
	}

	@Override
	public Mono<Map<String, Object>> execute(Action action, @Nullable String providerToken) {
		if (providerToken == null) {
			return Mono.error(new WriteRejectedException("No Google token was obtained; nothing was sent."));
		}
		if ("calendar_delete_event".equals(action.tool())) {
			return delete(action, providerToken);
		}
		String eventId = EventIds.forAction(action.id());
		Map<String, @Nullable Object> args = action.arguments();
		Map<String, Object> event = new LinkedHashMap<>();
		event.put("id", eventId);
		event.put("summary", Objects.requireNonNull(args.get("summary")));
		putIfPresent(event, "description", args.get("description"));
		putIfPresent(event, "location", args.get("location"));
		event.put("start", Map.of("dateTime", Objects.requireNonNull(args.get("start"))));
		event.put("end", Map.of("dateTime", Objects.requireNonNull(args.get("end"))));
		boolean invites = args.get("attendees") instanceof List<?> attendees && !attendees.isEmpty();
		if (invites) {
			event.put("attendees",
					((List<?>) args.get("attendees")).stream().map((email) -> Map.of("email", email)).toList());
		}
		String what = "the event \"" + args.get("summary") + "\" on the primary calendar";
		return this.http.send(providerToken, (client) -> client.post().uri((uri) -> {
			uri.path("/calendars/primary/events");
			if (invites) {
				uri.queryParam("sendUpdates", "all");
			}
			return uri.build();
		}).contentType(MediaType.APPLICATION_JSON).bodyValue(event))
			.onErrorResume(WebClientCalendarWriter::duplicate, (ex) -> existing(eventId, providerToken))
			.switchIfEmpty(Mono.error(() -> new WriteOutcomeUnknownException(
					"Google Calendar answered " + what + " without its content; check the calendar.")))
			.map((created) -> created.path("id").isString() ? WebClientGoogleCalendar.event(created)
					: Map.<String, Object>of("id", eventId))
			.onErrorMap((ex) -> this.http.explain(ex, what, providerToken,
					"Google Calendar found no primary calendar for the connected account; nothing was created."));
	}

	private Mono<Map<String, Object>> delete(Action action, String providerToken) {
		Map<String, @Nullable Object> args = action.arguments();
		String eventId = (String) Objects.requireNonNull(args.get("event_id"));
		String what = "the event "
				+ ((args.get("summary") != null) ? "\"" + args.get("summary") + "\" (" + eventId + ")" : eventId)
				+ " on the primary calendar";
		if (!(action.preconditions().get("etag") instanceof String etag)) {
			return Mono.error(new WriteRejectedException(
					"The approved deletion of " + what + " holds no event version to check; nothing was deleted."));
		}
		boolean notify = args.get("attendees") instanceof List<?> guests && !guests.isEmpty();
		Map<String, Object> result = Map.of("event_id", eventId);
		return this.http.send(providerToken, (client) -> client.delete().uri((uri) -> {
			uri.path("/calendars/primary/events/{id}");
			if (notify) {
				uri.queryParam("sendUpdates", "all");
			}
			return uri.build(eventId);
		})
			// RFC 9110 §13.1.1: Google deletes only while the ETag still matches.
			.header(HttpHeaders.IF_MATCH, etag))
			.then(Mono.just(result))
			.onErrorMap((ex) -> deleteFailure(ex, what, providerToken));
	}

	private RuntimeException deleteFailure(Throwable ex, String what, String providerToken) {
		if (ex instanceof WebClientResponseException response) {
			int status = response.getStatusCode().value();
			if (status == 412) {
				return new WriteRejectedException(EVENT_CHANGED);
			}
			if (status == 404 || status == 410) {
				return new WriteRejectedException(EVENT_GONE);
			}
			if (status >= 500) {
				return new WriteRejectedException("Google Calendar failed (HTTP " + status + ") while deleting " + what
						+ "; check the calendar before trying again.");
			}
		}
		return this.http.explain(ex, what, providerToken, null);
	}

	/**
	 * The event an earlier attempt made. It exists (Google said so), so a failed read
	 * still succeeds, with the id alone.
	 */
	private Mono<JsonNode> existing(String eventId, String token) {
		return this.http.send(token, (client) -> client.get().uri("/calendars/primary/events/{id}", eventId))
			.onErrorResume((ex) -> {
				logger.warn("Event {} exists, but reading it back failed: {}", eventId, ex.toString());
				return Mono.empty();
			})
			.defaultIfEmpty(JsonNodeFactory.instance.objectNode().put("id", eventId));
	}

	// Calendar v3 events.insert: a client-supplied id that is taken answers 409 with
	// reason "duplicate".
	private static boolean duplicate(Throwable ex) {
		return ex instanceof WebClientResponseException response && response.getStatusCode().value() == 409
				&& response.getResponseBodyAsString().contains("\"duplicate\"");
	}

	private static void putIfPresent(Map<String, Object> json, String key, @Nullable Object value) {
		if (value != null) {
			json.put(key, value);
		}
	}

}
