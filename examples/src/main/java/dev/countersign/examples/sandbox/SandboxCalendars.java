package dev.countersign.examples.sandbox;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

import org.jspecify.annotations.Nullable;

import dev.countersign.server.tool.ToolCatalog;

/**
 * Each sandbox user's primary Google calendar, seeded the first time the user is seen
 * with events over the coming two weeks (relative to the clock at that moment). Every
 * user gets a copy of their own. Thread-safe; changes are atomic per event.
 */
final class SandboxCalendars {

	/** The seeded planning meeting, with attendees. */
	static final String Q4_PLANNING = ToolCatalog.EXAMPLE_EVENT_ID;

	/** A seeded one-to-one. */
	static final String ONE_ON_ONE = "b1c2d3e4f5g6";

	/** The seeded renewal call with Northwind. */
	static final String RENEWAL_CALL = "n0rthrenca11";

	/** The seeded design review. */
	static final String DESIGN_REVIEW = "des1gnrev1e0";

	/** The seeded all-day offsite; it leaves the owner free. */
	static final String OFFSITE = "0ffs1te0a11d";

	/** A seeded personal appointment. */
	static final String DENTIST = "d3nt1st0915";

	/** A seeded team lunch. */
	static final String TEAM_LUNCH = "t3am1unch12";

	/** The seeded quarterly business review. */
	static final String BUSINESS_REVIEW = "qbrq4rev1e00";

	/** Orders events by start, then id, as {@code orderBy=startTime} does. */
	static final Comparator<CalendarEvent> BY_START = Comparator
		.comparing((CalendarEvent event) -> event.start().instant())
		.thenComparing(CalendarEvent::id);

	private final Clock clock;

	private final Map<String, Map<String, CalendarEvent>> calendars = new ConcurrentHashMap<>();

	SandboxCalendars(Clock clock) {
		this.clock = clock;
	}

	/**
	 * A user's events, seeding them on first use.
	 * @param user the sandbox user name
	 * @return a snapshot, in no particular order
	 */
	List<CalendarEvent> events(String user) {
		return new ArrayList<>(calendar(user).values());
	}

	Optional<CalendarEvent> find(String user, String id) {
		return Optional.ofNullable(calendar(user).get(id));
	}

	/**
	 * Stores an event, replacing one with the same id.
	 * @param user the sandbox user name
	 * @param event the event
	 */
	void put(String user, CalendarEvent event) {
		calendar(user).put(event.id(), event);
	}

	/**
	 * Stores a new event, unless one with its id exists (a deleted one included).
	 * @param user the sandbox user name
	 * @param event the event
	 * @return whether it was stored
	 */
	boolean insert(String user, CalendarEvent event) {
		return calendar(user).putIfAbsent(event.id(), event) == null;
	}

	/**
	 * Changes an event atomically.
	 * @param user the sandbox user name
	 * @param id the event id
	 * @param change makes the new event from the current one; may throw to refuse
	 * @return the stored event, or empty when there is none with that id
	 */
	Optional<CalendarEvent> update(String user, String id, UnaryOperator<CalendarEvent> change) {
		return Optional.ofNullable(calendar(user).computeIfPresent(id, (key, current) -> change.apply(current)));
	}

	/**
	 * The time a change is stamped with, in milliseconds as Google's.
	 * @return now
	 */
	Instant now() {
		return this.clock.instant().truncatedTo(ChronoUnit.MILLIS);
	}

	private Map<String, CalendarEvent> calendar(String user) {
		return this.calendars.computeIfAbsent(user, this::seed);
	}

	private Map<String, CalendarEvent> seed(String user) {
		Instant now = this.clock.instant();
		LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
		Instant created = now.minus(Duration.ofDays(9)).truncatedTo(ChronoUnit.SECONDS);
		String owner = SandboxUsers.email(user);
		List<CalendarEvent> events = List.of(timed(Q4_PLANNING, "Q4 planning",
				"Agree the Q4 roadmap and the Northwind renewal targets.", "Board room, 3rd floor", today.plusDays(1),
				"14:00", 60, created,
				List.of(new CalendarEvent.Attendee(owner, null, "accepted", true),
						new CalendarEvent.Attendee(ToolCatalog.EXAMPLE_RECIPIENT, "Grace Hopper", "accepted", false),
						new CalendarEvent.Attendee("charles.babbage@countersign.example", "Charles Babbage",
								"tentative", false),
						new CalendarEvent.Attendee("mary.somerville@countersign.example", "Mary Somerville",
								"needsAction", false))),
				timed(ONE_ON_ONE, "1:1 Ada / Charles", null, null, today.plusDays(2), "10:00", 30, created, List.of()),
				timed(RENEWAL_CALL, "Northwind contract renewal call", "Dial-in: https://meet.example/nw-renewal",
						"https://meet.example/nw-renewal", today.plusDays(3), "16:00", 45, created, List.of()),
				timed(DESIGN_REVIEW, "Design review: analytical engine mill", "Review PR #2 before merging.", null,
						today.plusDays(4), "13:00", 60, created, List.of()),
				new CalendarEvent(OFFSITE, "Team offsite", "All day, Bletchley Park.", "Bletchley Park",
						CalendarEvent.Time.on(today.plusDays(6)), CalendarEvent.Time.on(today.plusDays(7)), List.of(),
						true, "confirmed", created, created, 0),
				timed(DENTIST, "Dentist", null, "12 Harley Street", today.plusDays(7), "08:30", 45, created, List.of()),
				timed(TEAM_LUNCH, "Team lunch", null, "The Mill Café", today.plusDays(9), "12:00", 60, created,
						List.of()),
				timed(BUSINESS_REVIEW, "Quarterly business review", "Pipeline, renewals and hiring.", "Board room",
						today.plusDays(12), "15:00", 90, created, List.of()));
		Map<String, CalendarEvent> calendar = new ConcurrentHashMap<>();
		events.forEach((event) -> calendar.put(event.id(), event));
		return calendar;
	}

	private static CalendarEvent timed(String id, String summary, @Nullable String description,
			@Nullable String location, LocalDate day, String time, int minutes, Instant created,
			List<CalendarEvent.Attendee> attendees) {
		Instant start = day.atTime(LocalTime.parse(time)).toInstant(ZoneOffset.UTC);
		return new CalendarEvent(id, summary, description, location, CalendarEvent.Time.at(start),
				CalendarEvent.Time.at(start.plus(Duration.ofMinutes(minutes))), attendees, false, "confirmed", created,
				created, 0);
	}

}
