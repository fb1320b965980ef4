package dev.countersign.examples.sandbox;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * An EMULATED Google Calendar API v3 under {@value #BASE_PATH}: {@code GET
 * /calendars/{calendarId}/events} (with {@code timeMin}, {@code timeMax}, {@code q},
 * {@code maxResults}, {@code pageToken}, {@code singleEvents}, {@code orderBy}),
 * {@code GET /calendars/{calendarId}/events/{eventId}} and {@code POST /freeBusy}, over
 * the user's calendar in {@link SandboxCalendars}; and the writes {@code POST
 * /calendars/{calendarId}/events} (a client-supplied {@code id} that exists is 409
 * {@code duplicate}) and {@code DELETE /calendars/{calendarId}/events/{eventId}} (an
 * {@code If-Match} that is not the event's etag is 412 {@code conditionNotMet}), each
 * counted in {@link ProviderWrites}. Only {@code primary} (or the user's address) exists.
 * Answers and errors have Google's shapes.
 */
final class EmulatedCalendar extends EmulatedGoogleApi {

	static final String BASE_PATH = "/sandbox/google/calendar/v3";

	static final int DEFAULT_MAX_RESULTS = 250;

	static final int MAX_MAX_RESULTS = 2500;

	private static final String TIME_ZONE = "UTC";

	private final SandboxCalendars calendars;

	private static final Pattern EVENT_ID = Pattern.compile("[a-v0-9]{5,1024}");

	private final ProviderWrites writes;

	private final SecureRandom random = new SecureRandom();

	EmulatedCalendar(SandboxCalendars calendars, EmulatedProviderTokens tokens, ProviderFaults faults,
			ProviderWrites writes) {
		super(tokens, faults.calendar());
		this.calendars = calendars;
		this.writes = writes;
	}

	RouterFunction<ServerResponse> routes() {
		return RouterFunctions.route()
			.GET(BASE_PATH + "/calendars/{calendarId}/events", authorized(this::listEvents))
			.GET(BASE_PATH + "/calendars/{calendarId}/events/{eventId}", authorized(this::getEvent))
			.POST(BASE_PATH + "/freeBusy", authorized(this::freeBusy))
			.POST(BASE_PATH + "/calendars/{calendarId}/events", authorizedWrite(this::insert))
			.DELETE(BASE_PATH + "/calendars/{calendarId}/events/{eventId}", authorizedWrite(this::delete))
			.build();
	}

	private Mono<ServerResponse> listEvents(ServerRequest request, EmulatedProviderTokens.Grant grant) {
		String user = grant.user();
		requireCalendar(request.pathVariable("calendarId"), user);
		Instant timeMin = time(request.queryParam("timeMin").orElse(null));
		Instant timeMax = time(request.queryParam("timeMax").orElse(null));
		if (timeMin != null && timeMax != null && !timeMax.isAfter(timeMin)) {
			throw new ProviderApiException(HttpStatus.BAD_REQUEST, "The specified time range is empty.",
					"timeRangeEmpty");
		}
		int maxResults = Pages.size(request.queryParam("maxResults").orElse(null), DEFAULT_MAX_RESULTS,
				MAX_MAX_RESULTS);
		boolean singleEvents = Boolean.parseBoolean(request.queryParam("singleEvents").orElse("false"));
		boolean showDeleted = Boolean.parseBoolean(request.queryParam("showDeleted").orElse("false"));
		String orderBy = request.queryParam("orderBy").orElse(null);
		Comparator<CalendarEvent> order = SandboxCalendars.BY_START;
		if ("startTime".equals(orderBy)) {
			if (!singleEvents) {
				throw ProviderApiException
					.badRequest("The requested ordering is not available for the particular query.");
			}
		}
		else if ("updated".equals(orderBy)) {
			order = Comparator.comparing(CalendarEvent::updated).thenComparing(CalendarEvent::id);
		}
		else if (orderBy != null) {
			throw ProviderApiException.badRequest("Invalid value for: orderBy");
		}
		String q = request.queryParam("q").map((text) -> text.trim().toLowerCase(Locale.ROOT)).orElse("");
		List<CalendarEvent> all = this.calendars.events(user);
		List<CalendarEvent> matching = all.stream()
			.filter((event) -> showDeleted || !event.cancelled())
			.filter((event) -> event.overlaps(timeMin, timeMax))
			.filter((event) -> q.isEmpty() || event.matches(q))
			.sorted(order)
			.toList();
		int offset = Pages.offset(request.queryParam("pageToken").orElse(null));
		List<CalendarEvent> page = Pages.page(matching, offset, maxResults);
		Instant updated = all.stream().map(CalendarEvent::updated).max(Comparator.naturalOrder()).orElse(Instant.EPOCH);
		Map<String, @Nullable Object> body = Json.object("kind", "calendar#events", "etag",
				"\"" + (updated.toEpochMilli() * 1000) + "\"", "summary", SandboxUsers.email(user), "description", "",
				"updated", Json.millis(updated), "timeZone", TIME_ZONE, "accessRole", "owner", "defaultReminders",
				List.of(Json.object("method", "popup", "minutes", 10)));
		if (offset + maxResults < matching.size()) {
			body.put("nextPageToken", Pages.token(offset + maxResults));
		}
		body.put("items", page.stream().map((event) -> render(event, user)).toList());
		return ok(body);
	}

	private Mono<ServerResponse> getEvent(ServerRequest request, EmulatedProviderTokens.Grant grant) {
		requireCalendar(request.pathVariable("calendarId"), grant.user());
		CalendarEvent event = this.calendars.find(grant.user(), request.pathVariable("eventId"))
			.orElseThrow(() -> ProviderApiException.notFound("Not Found"));
		return ok(render(event, grant.user()));
	}

	private Mono<ServerResponse> insert(ServerRequest request, EmulatedProviderTokens.Grant grant) {
		String user = grant.user();
		requireCalendar(request.pathVariable("calendarId"), user);
		return request.bodyToMono(JsonNode.class)
			.switchIfEmpty(Mono.error(() -> ProviderApiException.badRequest("Missing end time.")))
			.onErrorMap((ex) -> !(ex instanceof ProviderApiException),
					(ex) -> ProviderApiException.badRequest("Invalid JSON payload received."))
			.map((body) -> {
				CalendarEvent event = event(body, user);
				// A client-supplied id makes the insert idempotent: a repeat is refused.
				if (!this.calendars.insert(user, event)) {
					throw new ProviderApiException(HttpStatus.CONFLICT, "The requested identifier already exists.",
							"duplicate");
				}
				this.writes.record(user, ProviderWrites.CALENDAR_INSERT);
				return event;
			})
			.flatMap((event) -> ok(render(event, user)));
	}

	private CalendarEvent event(JsonNode body, String user) {
		if (!body.isObject()) {
			throw ProviderApiException.badRequest("Invalid JSON payload received.");
		}
		String id = text(body, "id");
		if (id == null) {
			id = newId();
		}
		else if (!EVENT_ID.matcher(id).matches()) {
			throw new ProviderApiException(HttpStatus.BAD_REQUEST, "Invalid resource id value.", "invalid");
		}
		CalendarEvent.Time start = eventTime(body.get("start"), "Missing start time.");
		CalendarEvent.Time end = eventTime(body.get("end"), "Missing end time.");
		if (!end.instant().isAfter(start.instant())) {
			throw new ProviderApiException(HttpStatus.BAD_REQUEST, "The specified time range is empty.",
					"timeRangeEmpty");
		}
		List<CalendarEvent.Attendee> attendees = new ArrayList<>();
		JsonNode list = body.get("attendees");
		if (list != null && list.isArray()) {
			for (JsonNode attendee : list) {
				String email = text(attendee, "email");
				if (email == null || !email.contains("@")) {
					throw new ProviderApiException(HttpStatus.BAD_REQUEST, "Invalid attendee email.", "invalid");
				}
				attendees.add(new CalendarEvent.Attendee(email, text(attendee, "displayName"), "needsAction", false));
			}
			if (!attendees.isEmpty()) {
				attendees.add(0, new CalendarEvent.Attendee(SandboxUsers.email(user), null, "accepted", true));
			}
		}
		String summary = text(body, "summary");
		Instant now = this.calendars.now();
		return new CalendarEvent(id, (summary != null) ? summary : "", text(body, "description"),
				text(body, "location"), start, end, attendees, "transparent".equals(text(body, "transparency")),
				"confirmed", now, now, 0);
	}

	private static CalendarEvent.Time eventTime(@Nullable JsonNode node, String missing) {
		if (node == null || !node.isObject()) {
			throw ProviderApiException.badRequest(missing);
		}
		String dateTime = text(node, "dateTime");
		String date = text(node, "date");
		try {
			if (dateTime != null && date == null) {
				return CalendarEvent.Time.at(OffsetDateTime.parse(dateTime).toInstant());
			}
			if (date != null && dateTime == null) {
				return CalendarEvent.Time.on(LocalDate.parse(date));
			}
		}
		catch (DateTimeParseException ex) {
			throw ProviderApiException.badRequest("Invalid value for: " + ((date != null) ? date : dateTime));
		}
		throw ProviderApiException.badRequest(missing);
	}

	private Mono<ServerResponse> delete(ServerRequest request, EmulatedProviderTokens.Grant grant) {
		String user = grant.user();
		requireCalendar(request.pathVariable("calendarId"), user);
		String ifMatch = request.headers().firstHeader(HttpHeaders.IF_MATCH);
		Instant now = this.calendars.now();
		this.calendars.update(user, request.pathVariable("eventId"), (event) -> {
			if (event.cancelled()) {
				throw new ProviderApiException(HttpStatus.GONE, "Resource has been deleted", "deleted");
			}
			// The precondition Countersign relies on: the event is the version the user
			// saw.
			if (ifMatch != null && !ifMatch.trim().equals("*") && !ifMatch.trim().equals(event.etag())) {
				throw new ProviderApiException(HttpStatus.PRECONDITION_FAILED, "Precondition Failed",
						"conditionNotMet");
			}
			return new CalendarEvent(event.id(), event.summary(), event.description(), event.location(), event.start(),
					event.end(), event.attendees(), event.transparent(), "cancelled", event.created(), now,
					event.sequence() + 1);
		}).orElseThrow(() -> ProviderApiException.notFound("Not Found"));
		this.writes.record(user, ProviderWrites.CALENDAR_DELETE);
		return ServerResponse.noContent().build();
	}

	// Google's generated event ids: base32hex, 26 characters.
	private String newId() {
		String alphabet = "0123456789abcdefghijklmnopqrstuv";
		StringBuilder id = new StringBuilder(26);
		for (int i = 0; i < 26; i++) {
			id.append(alphabet.charAt(this.random.nextInt(alphabet.length())));
		}
		return id.toString();
	}

	private Mono<ServerResponse> freeBusy(ServerRequest request, EmulatedProviderTokens.Grant grant) {
		return request.bodyToMono(JsonNode.class)
			.switchIfEmpty(Mono.error(() -> ProviderApiException.badRequest("Missing timeMin parameter.")))
			.onErrorMap((ex) -> !(ex instanceof ProviderApiException),
					(ex) -> ProviderApiException.badRequest("Invalid JSON payload received."))
			.flatMap((body) -> freeBusy(body, grant.user()));
	}

	private Mono<ServerResponse> freeBusy(JsonNode body, String user) {
		Instant timeMin = time(text(body, "timeMin"));
		Instant timeMax = time(text(body, "timeMax"));
		if (timeMin == null) {
			throw ProviderApiException.badRequest("Missing timeMin parameter.");
		}
		if (timeMax == null) {
			throw ProviderApiException.badRequest("Missing timeMax parameter.");
		}
		if (!timeMax.isAfter(timeMin)) {
			throw new ProviderApiException(HttpStatus.BAD_REQUEST, "The specified time range is empty.",
					"timeRangeEmpty");
		}
		Map<String, Object> calendars = new LinkedHashMap<>();
		JsonNode items = body.get("items");
		if (items != null) {
			for (JsonNode item : items) {
				String id = text(item, "id");
				if (id == null) {
					continue;
				}
				if (isOwnCalendar(id, user)) {
					calendars.put(id, Json.object("busy", busy(user, timeMin, timeMax)));
				}
				else {
					calendars.put(id, Json.object("errors",
							List.of(Json.object("domain", "global", "reason", "notFound")), "busy", List.of()));
				}
			}
		}
		return ok(Json.object("kind", "calendar#freeBusy", "timeMin", Json.millis(timeMin), "timeMax",
				Json.millis(timeMax), "calendars", calendars));
	}

	private List<Map<String, @Nullable Object>> busy(String user, Instant timeMin, Instant timeMax) {
		String owner = SandboxUsers.email(user);
		List<Instant[]> blocks = new ArrayList<>();
		this.calendars.events(user)
			.stream()
			.filter((event) -> !event.cancelled() && !event.transparent() && event.overlaps(timeMin, timeMax))
			.filter((event) -> event.attendees()
				.stream()
				.noneMatch(
						(attendee) -> attendee.email().equals(owner) && "declined".equals(attendee.responseStatus())))
			.sorted(SandboxCalendars.BY_START)
			.forEach((event) -> {
				Instant start = max(event.start().instant(), timeMin);
				Instant end = min(event.end().instant(), timeMax);
				Instant[] last = blocks.isEmpty() ? null : blocks.get(blocks.size() - 1);
				if (last != null && !start.isAfter(last[1])) {
					last[1] = max(last[1], end);
				}
				else {
					blocks.add(new Instant[] { start, end });
				}
			});
		return blocks.stream()
			.map((block) -> Json.object("start", Json.millis(block[0]), "end", Json.millis(block[1])))
			.toList();
	}

	private Map<String, @Nullable Object> render(CalendarEvent event, String user) {
		String owner = SandboxUsers.email(user);
		Map<String, @Nullable Object> json = Json.object("kind", "calendar#event", "etag", event.etag(), "id",
				event.id(), "status", event.status(), "htmlLink",
				"https://www.google.com/calendar/event?eid=" + Base64.getUrlEncoder()
					.withoutPadding()
					.encodeToString((event.id() + " " + owner).getBytes(StandardCharsets.UTF_8)),
				"created", Json.millis(event.created()), "updated", Json.millis(event.updated()), "summary",
				event.summary());
		if (event.description() != null) {
			json.put("description", event.description());
		}
		if (event.location() != null) {
			json.put("location", event.location());
		}
		json.put("creator", Json.object("email", owner, "self", true));
		json.put("organizer", Json.object("email", owner, "self", true));
		json.put("start", time(event.start()));
		json.put("end", time(event.end()));
		if (event.transparent()) {
			json.put("transparency", "transparent");
		}
		json.put("iCalUID", event.id() + "@google.com");
		json.put("sequence", event.sequence());
		if (!event.attendees().isEmpty()) {
			json.put("attendees", event.attendees().stream().map((attendee) -> {
				Map<String, @Nullable Object> a = Json.object("email", attendee.email());
				if (attendee.displayName() != null) {
					a.put("displayName", attendee.displayName());
				}
				if (attendee.organizer()) {
					a.put("organizer", true);
				}
				if (attendee.email().equals(owner)) {
					a.put("self", true);
				}
				a.put("responseStatus", attendee.responseStatus());
				return a;
			}).toList());
		}
		json.put("reminders", Json.object("useDefault", true));
		json.put("eventType", "default");
		return json;
	}

	private static Map<String, @Nullable Object> time(CalendarEvent.Time time) {
		if (time.date() != null) {
			return Json.object("date", time.date().toString());
		}
		return Json.object("dateTime", Json.seconds(time.dateTime()), "timeZone", TIME_ZONE);
	}

	private static void requireCalendar(String calendarId, String user) {
		if (!isOwnCalendar(calendarId, user)) {
			throw ProviderApiException.notFound("Not Found");
		}
	}

	private static boolean isOwnCalendar(String calendarId, String user) {
		return "primary".equals(calendarId) || SandboxUsers.email(user).equalsIgnoreCase(calendarId);
	}

	// RFC 3339 with a mandatory offset, as Google requires for timeMin and timeMax.
	private static @Nullable Instant time(@Nullable String value) {
		if (value == null) {
			return null;
		}
		try {
			return OffsetDateTime.parse(value).toInstant();
		}
		catch (DateTimeParseException ex) {
			throw ProviderApiException.badRequest("Bad Request");
		}
	}

	private static @Nullable String text(JsonNode node, String field) {
		JsonNode value = node.get(field);
		return (value != null && value.isString()) ? value.asString() : null;
	}

	private static Instant max(Instant a, Instant b) {
		return a.isAfter(b) ? a : b;
	}

	private static Instant min(Instant a, Instant b) {
		return a.isBefore(b) ? a : b;
	}

	private static Mono<ServerResponse> ok(Object body) {
		return ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(Objects.requireNonNull(body));
	}

}
