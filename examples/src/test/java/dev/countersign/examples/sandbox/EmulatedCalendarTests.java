package dev.countersign.examples.sandbox;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.http.MediaType;
import org.springframework.test.json.JsonCompareMode;

import dev.countersign.server.tool.ToolCatalog;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The emulated Google Calendar API serves each user's seeded calendar to a token the
 * emulated Token Vault issued for Google, with Google's shapes and errors.
 */
class EmulatedCalendarTests {

	private static final String EVENTS = EmulatedCalendar.BASE_PATH + "/calendars/primary/events";

	private final Emulations emulations = new Emulations();

	@Test
	void listEventsThenSeededEventsOverTheComingTwoWeeksInStartOrder() {
		this.emulations.get(EVENTS + "?singleEvents=true&orderBy=startTime", this.emulations.google("ada"))
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.kind")
			.isEqualTo("calendar#events")
			.jsonPath("$.timeZone")
			.isEqualTo("UTC")
			.jsonPath("$.items.length()")
			.isEqualTo(8)
			.jsonPath("$.items[0].id")
			.isEqualTo(ToolCatalog.EXAMPLE_EVENT_ID)
			.jsonPath("$.items[0].etag")
			.value((String etag) -> assertThat(etag).matches("\"\\d+\""))
			.jsonPath("$.items[0].start.dateTime")
			.isEqualTo("2026-11-24T14:00:00Z")
			.jsonPath("$.items[0].attendees[1].email")
			.isEqualTo(ToolCatalog.EXAMPLE_RECIPIENT)
			.jsonPath("$.items[0].attendees[0].self")
			.isEqualTo(true)
			.jsonPath("$.items[?(@.id == '" + SandboxCalendars.OFFSITE + "')].start.date")
			.isEqualTo(List.of("2026-11-29"))
			.jsonPath("$.items[?(@.id == '" + SandboxCalendars.OFFSITE + "')].transparency")
			.isEqualTo(List.of("transparent"))
			.jsonPath("$.items[7].id")
			.isEqualTo(SandboxCalendars.BUSINESS_REVIEW);
	}

	@Test
	void listEventsWhenTimeWindowThenOnlyOverlappingEvents() {
		this.emulations
			.get(EVENTS + "?timeMin=2026-11-23T10:00:00Z&timeMax=2026-11-26T10:00:00%2B00:00&singleEvents=true",
					this.emulations.google("ada"))
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.items[*].id")
			.isEqualTo(List.of(ToolCatalog.EXAMPLE_EVENT_ID, SandboxCalendars.ONE_ON_ONE));
	}

	@Test
	void listEventsWhenQueryAndMaxResultsThenMatchesPaged() {
		String token = this.emulations.google("ada");
		this.emulations.get(EVENTS + "?q=Northwind&maxResults=1", token)
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.items[*].id")
			.isEqualTo(List.of(ToolCatalog.EXAMPLE_EVENT_ID))
			.jsonPath("$.nextPageToken")
			.exists();
		this.emulations.get(EVENTS + "?q=northwind", token)
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.items[*].id")
			.isEqualTo(List.of(ToolCatalog.EXAMPLE_EVENT_ID, SandboxCalendars.RENEWAL_CALL))
			.jsonPath("$.nextPageToken")
			.doesNotExist();
	}

	@Test
	void listEventsWhenOrderByStartTimeWithoutSingleEventsThenBadRequest() {
		this.emulations.get(EVENTS + "?orderBy=startTime", this.emulations.google("ada"))
			.expectStatus()
			.isBadRequest()
			.expectBody()
			.jsonPath("$.error.code")
			.isEqualTo(400)
			.jsonPath("$.error.status")
			.isEqualTo("INVALID_ARGUMENT");
	}

	@Test
	void getEventWhenUnknownThenGoogleNotFound() {
		this.emulations.get(EVENTS + "/nosuchevent", this.emulations.google("ada"))
			.expectStatus()
			.isNotFound()
			.expectBody()
			.json("""
					{"error":{"code":404,"message":"Not Found",
					 "errors":[{"message":"Not Found","domain":"global","reason":"notFound"}],"status":"NOT_FOUND"}}""",
					JsonCompareMode.STRICT);
	}

	@Test
	void getEventThenTheEvent() {
		this.emulations.get(EVENTS + "/" + ToolCatalog.EXAMPLE_EVENT_ID, this.emulations.google("ada"))
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.summary")
			.isEqualTo("Q4 planning");
	}

	@Test
	void listEventsWhenGitHubTokenExpiredTokenOrNoneThenUnauthenticated() {
		String expired = this.emulations.google("ada");
		this.emulations.clock.advance(Duration.ofHours(1));
		for (String token : List.of(this.emulations.github("ada"), expired, "ya29.made-up")) {
			this.emulations.get(EVENTS, token)
				.expectStatus()
				.isUnauthorized()
				.expectHeader()
				.valueMatches("WWW-Authenticate", "Bearer .*invalid_token.*")
				.expectBody()
				.jsonPath("$.error.status")
				.isEqualTo("UNAUTHENTICATED")
				.jsonPath("$.error.errors[0].reason")
				.isEqualTo("authError");
		}
		this.emulations.client.get().uri(EVENTS).exchange().expectStatus().isUnauthorized();
	}

	@Test
	void freeBusyThenMergedBusyBlocksWithoutTransparentEvents() {
		this.emulations.client.post()
			.uri(EmulatedCalendar.BASE_PATH + "/freeBusy")
			.header("Authorization", "Bearer " + this.emulations.google("ada"))
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("""
					{"timeMin":"2026-11-24T00:00:00Z","timeMax":"2026-11-24T14:30:00Z",
					 "items":[{"id":"primary"},{"id":"someone@else.example"}]}""")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.json("""
					{"kind":"calendar#freeBusy","timeMin":"2026-11-24T00:00:00.000Z","timeMax":"2026-11-24T14:30:00.000Z",
					 "calendars":{"primary":{"busy":[{"start":"2026-11-24T14:00:00.000Z","end":"2026-11-24T14:30:00.000Z"}]},
					 "someone@else.example":{"errors":[{"domain":"global","reason":"notFound"}],"busy":[]}}}""",
					JsonCompareMode.STRICT);
		this.emulations.client.post()
			.uri(EmulatedCalendar.BASE_PATH + "/freeBusy")
			.header("Authorization", "Bearer " + this.emulations.google("ada"))
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("""
					{"timeMin":"2026-11-23T00:00:00Z","timeMax":"2026-12-07T00:00:00Z","items":[{"id":"primary"}]}""")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			// Eight events, the all-day offsite transparent.
			.jsonPath("$.calendars.primary.busy.length()")
			.isEqualTo(7);
	}

	@Test
	void freeBusyWhenNoTimeMinThenBadRequest() {
		this.emulations.client.post()
			.uri(EmulatedCalendar.BASE_PATH + "/freeBusy")
			.header("Authorization", "Bearer " + this.emulations.google("ada"))
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"items\":[{\"id\":\"primary\"}]}")
			.exchange()
			.expectStatus()
			.isBadRequest();
	}

	@Test
	void listEventsWhenOneUserChangesTheirCalendarThenOthersKeepTheirCopy() {
		CalendarEvent planning = this.emulations.calendars.find("ada", ToolCatalog.EXAMPLE_EVENT_ID).orElseThrow();
		this.emulations.calendars.put("ada",
				new CalendarEvent(planning.id(), "Q4 planning (moved)", planning.description(), planning.location(),
						planning.start(), planning.end(), planning.attendees(), false, "cancelled", planning.created(),
						Instant.parse("2026-11-23T11:00:00Z"), 1));
		this.emulations.get(EVENTS, this.emulations.google("ada"))
			.expectBody()
			.jsonPath("$.items[*].id")
			.value((List<String> ids) -> assertThat(ids).doesNotContain(ToolCatalog.EXAMPLE_EVENT_ID));
		this.emulations.get(EVENTS, this.emulations.google("bob"))
			.expectBody()
			.jsonPath("$.items[*].id")
			.value((List<String> ids) -> assertThat(ids).contains(ToolCatalog.EXAMPLE_EVENT_ID));
	}

	@Test
	void listEventsWhenFaultsInjectedThenFailThenRecover() {
		String token = this.emulations.google("ada");
		this.emulations.faults.calendar().failNext(2, 503);
		for (int i = 0; i < 2; i++) {
			this.emulations.get(EVENTS, token)
				.expectStatus()
				.isEqualTo(503)
				.expectBody()
				.jsonPath("$.error.status")
				.isEqualTo("UNAVAILABLE");
		}
		this.emulations.get(EVENTS, token).expectStatus().isOk();
		this.emulations.faults.calendar().delay(Duration.ofMillis(300));
		long started = System.nanoTime();
		this.emulations.get(EVENTS, token).expectStatus().isOk();
		assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
		this.emulations.faults.clear();
		this.emulations.get(EmulatedGmail.BASE_PATH + "/users/me/messages", token).expectStatus().isOk();
	}

}
