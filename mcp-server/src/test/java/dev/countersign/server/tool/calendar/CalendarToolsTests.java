package dev.countersign.server.tool.calendar;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.countersign.server.provider.FakeProviderTokens;
import dev.countersign.server.provider.ProviderHttp;
import dev.countersign.server.tool.ToolArgumentException;
import dev.countersign.server.tool.ToolFailure;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static dev.countersign.server.provider.ToolCalls.answer;
import static dev.countersign.server.provider.ToolCalls.call;
import static dev.countersign.server.provider.ToolCalls.failure;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The calendar tools against WireMock replaying Google Calendar v3's answers.
 */
class CalendarToolsTests {

	private static final WireMockServer google = new WireMockServer(options().dynamicPort());

	private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-23T10:15:30.250Z"), ZoneOffset.UTC);

	private static final String EVENTS_PATH = "/calendar/v3/calendars/primary/events";

	// calendar#events, as events.list answers it.
	private static final String EVENTS = """
			{
			 "kind": "calendar#events",
			 "etag": "\\"p33g9ftpvv6rfq0o\\"",
			 "summary": "ada@analytical.example",
			 "description": "",
			 "updated": "2026-11-23T09:12:44.316Z",
			 "timeZone": "Europe/London",
			 "accessRole": "owner",
			 "defaultReminders": [{"method": "popup", "minutes": 10}],
			 "nextSyncToken": "CPDAlvWDx70CEPDAlvWDx70CGAU=",
			 "items": [
			  {
			   "kind": "calendar#event",
			   "etag": "\\"3181161784712000\\"",
			   "id": "q4planning01",
			   "status": "confirmed",
			   "htmlLink": "https://www.google.com/calendar/event?eid=cTRwbGFubmluZzAx",
			   "created": "2026-11-01T12:00:00.000Z",
			   "updated": "2026-11-02T12:00:00.000Z",
			   "summary": "Q4 planning",
			   "location": "Room 4",
			   "creator": {"email": "ada@analytical.example", "self": true},
			   "organizer": {"email": "ada@analytical.example", "self": true},
			   "start": {"dateTime": "2026-11-24T10:00:00+01:00", "timeZone": "Europe/Paris"},
			   "end": {"dateTime": "2026-11-24T11:00:00+01:00", "timeZone": "Europe/Paris"},
			   "iCalUID": "q4planning01@google.com",
			   "sequence": 0,
			   "attendees": [
			    {"email": "ada@analytical.example", "organizer": true, "self": true, "responseStatus": "accepted"},
			    {"email": "grace.hopper@northwind.example", "responseStatus": "needsAction"}
			   ],
			   "reminders": {"useDefault": true},
			   "eventType": "default"
			  },
			  {
			   "kind": "calendar#event",
			   "etag": "\\"3181161784712001\\"",
			   "id": "offsite02",
			   "status": "confirmed",
			   "htmlLink": "https://www.google.com/calendar/event?eid=b2Zmc2l0ZTAy",
			   "summary": "Team offsite",
			   "start": {"date": "2026-11-27"},
			   "end": {"date": "2026-11-28"},
			   "eventType": "default"
			  }
			 ]
			}""";

	private final FakeProviderTokens tokens = new FakeProviderTokens();

	private WebClientGoogleCalendar calendar;

	@BeforeAll
	static void start() {
		google.start();
	}

	@AfterAll
	static void stop() {
		google.stop();
	}

	@BeforeEach
	void setUp() {
		google.resetAll();
		ProviderHttp http = ProviderHttp
			.builder("Google Calendar", "google-oauth2", URI.create(google.baseUrl() + "/calendar/v3"), this.tokens,
					CircuitBreakerRegistry.of(ProviderHttp.circuitBreakerConfig()).circuitBreaker(ProviderHttp.GOOGLE))
			.readRetry(3, Duration.ofMillis(10))
			.clock(CLOCK)
			.build();
		this.calendar = new WebClientGoogleCalendar(http);
	}

	@Test
	void listEventsWhenWindowGivenThenQueriesGoogleAndMapsEvents() {
		google.stubFor(get(urlPathEqualTo(EVENTS_PATH)).willReturn(okJson(EVENTS)));
		Map<String, Object> result = answer(CalendarTools.listEvents(this.calendar, CLOCK),
				call("calendar_list_events", Map.of("time_min", "2026-11-24T00:00:00+01:00", "time_max",
						"2026-11-30T00:00:00Z", "query", "planning & review", "max_results", 10)));
		google.verify(getRequestedFor(urlPathEqualTo(EVENTS_PATH))
			.withHeader("Authorization", equalTo("Bearer " + FakeProviderTokens.TOKEN))
			.withQueryParam("timeMin", equalTo("2026-11-23T23:00:00Z"))
			.withQueryParam("timeMax", equalTo("2026-11-30T00:00:00Z"))
			.withQueryParam("singleEvents", equalTo("true"))
			.withQueryParam("orderBy", equalTo("startTime"))
			.withQueryParam("maxResults", equalTo("10"))
			.withQueryParam("q", equalTo("planning & review")));
		assertThat(this.tokens.reads()).containsExactly("auth0|ada google-oauth2");
		assertThat(result).containsEntry("count", 2);
		assertThat(result.get("events")).isEqualTo(List.of(
				Map.of("id", "q4planning01", "summary", "Q4 planning", "start", "2026-11-24T10:00:00+01:00", "end",
						"2026-11-24T11:00:00+01:00", "location", "Room 4", "attendees",
						List.of("ada@analytical.example", "grace.hopper@northwind.example"), "html_link",
						"https://www.google.com/calendar/event?eid=cTRwbGFubmluZzAx"),
				Map.of("id", "offsite02", "summary", "Team offsite", "start", "2026-11-27", "end", "2026-11-28",
						"html_link", "https://www.google.com/calendar/event?eid=b2Zmc2l0ZTAy")));
	}

	@Test
	void listEventsWhenWindowOmittedThenNowToFourteenDaysAheadFromTheClock() {
		google.stubFor(get(urlPathEqualTo(EVENTS_PATH))
			.willReturn(okJson("{\"kind\":\"calendar#events\",\"etag\":\"\\\"e\\\"\",\"items\":[]}")));
		Map<String, Object> result = answer(CalendarTools.listEvents(this.calendar, CLOCK),
				call("calendar_list_events", Map.of()));
		assertThat(result).containsEntry("count", 0).containsEntry("events", List.of());
		google.verify(
				getRequestedFor(urlPathEqualTo(EVENTS_PATH)).withQueryParam("timeMin", equalTo("2026-11-23T10:15:30Z"))
					.withQueryParam("timeMax", equalTo("2026-12-07T10:15:30Z"))
					.withQueryParam("maxResults", equalTo("25"))
					.withQueryParam("q", absent()));
	}

	@Test
	void listEventsWhenTimeMaxNotAfterTimeMinThenNamesTimeMaxWithoutCallingGoogle() {
		RuntimeException failure = failure(CalendarTools.listEvents(this.calendar, CLOCK), call("calendar_list_events",
				Map.of("time_min", "2026-11-24T10:00:00Z", "time_max", "2026-11-24T10:00:00Z")));
		assertThat(failure).isInstanceOf(ToolArgumentException.class).hasMessageContaining("'time_max'");
		assertThat(((ToolArgumentException) failure).field()).isEqualTo("time_max");
		assertThat(google.getAllServeEvents()).isEmpty();
	}

	@Test
	void listEventsWhenTimeMinIsNotADateTimeThenNamesTimeMin() {
		RuntimeException failure = failure(CalendarTools.listEvents(this.calendar, CLOCK),
				call("calendar_list_events", Map.of("time_min", "tomorrow")));
		assertThat(failure).isInstanceOf(ToolArgumentException.class).hasMessageContaining("'time_min'");
	}

	@Test
	void listEventsWhenProviderAnswers404ThenNotFoundNamingCalendar() {
		google.stubFor(get(urlPathEqualTo(EVENTS_PATH)).willReturn(aResponse().withStatus(404)
			.withHeader("Content-Type", "application/json")
			.withBody(
					"""
							{"error":{"code":404,"message":"Not Found","errors":[{"message":"Not Found","domain":"global","reason":"notFound"}]}}""")));
		RuntimeException failure = failure(CalendarTools.listEvents(this.calendar, CLOCK),
				call("calendar_list_events", Map.of()));
		assertThat(failure).isInstanceOf(ToolFailure.class)
			.hasMessage("Google Calendar found no primary calendar, or the connected account cannot see it.");
		google.verify(1, getRequestedFor(urlPathEqualTo(EVENTS_PATH)));
	}

	@Test
	void listEventsWhenProviderAnswers401ThenInvalidatesAndAsksToReauthorizeGoogle() {
		google.stubFor(get(urlPathEqualTo(EVENTS_PATH)).willReturn(aResponse().withStatus(401)
			.withHeader("Content-Type", "application/json; charset=UTF-8")
			.withHeader("WWW-Authenticate", "Bearer realm=\"https://accounts.google.com/\", error=\"invalid_token\"")
			.withBody(
					"""
							{
							  "error": {
							    "code": 401,
							    "message": "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.",
							    "errors": [{"message": "Invalid Credentials", "domain": "global", "reason": "authError", "location": "Authorization", "locationType": "header"}],
							    "status": "UNAUTHENTICATED"
							  }
							}""")));
		RuntimeException failure = failure(CalendarTools.listEvents(this.calendar, CLOCK),
				call("calendar_list_events", Map.of()));
		assertThat(failure).isInstanceOf(ToolFailure.class)
			.hasMessageContaining("re-authorize the google-oauth2 connection");
		assertThat(this.tokens.invalidations()).containsExactly("auth0|ada google-oauth2");
	}

	@Test
	void listEventsWhenProviderAnswers403ThenNoAccessWithGooglesReason() {
		google.stubFor(get(urlPathEqualTo(EVENTS_PATH)).willReturn(aResponse().withStatus(403)
			.withHeader("Content-Type", "application/json")
			.withBody(
					"""
							{"error":{"code":403,"message":"Request had insufficient authentication scopes.","status":"PERMISSION_DENIED"}}""")));
		RuntimeException failure = failure(CalendarTools.listEvents(this.calendar, CLOCK),
				call("calendar_list_events", Map.of()));
		assertThat(failure).hasMessage(
				"The connected google-oauth2 account has no access to primary calendar on Google Calendar: Request had insufficient authentication scopes.");
	}

	@Test
	void findFreeTimeWhenGoogleAnswersBusyBlocksThenAnswersTheGapsLongEnough() {
		google.stubFor(post("/calendar/v3/freeBusy").willReturn(okJson("""
				{
				 "kind": "calendar#freeBusy",
				 "timeMin": "2026-11-24T09:00:00.000Z",
				 "timeMax": "2026-11-24T17:00:00.000Z",
				 "calendars": {
				  "primary": {
				   "busy": [
				    {"start": "2026-11-24T10:00:00Z", "end": "2026-11-24T11:00:00Z"},
				    {"start": "2026-11-24T10:30:00Z", "end": "2026-11-24T12:00:00Z"},
				    {"start": "2026-11-24T13:00:00+01:00", "end": "2026-11-24T14:15:00Z"},
				    {"start": "2026-11-24T16:45:00Z", "end": "2026-11-24T18:00:00Z"}
				   ]
				  }
				 }
				}""")));
		Map<String, Object> result = answer(CalendarTools.findFreeTime(this.calendar, CLOCK),
				call("calendar_find_free_time", Map.of("time_min", "2026-11-24T09:00:00Z", "time_max",
						"2026-11-24T17:00:00Z", "duration_minutes", 45, "max_slots", 5)));
		google.verify(postRequestedFor(urlPathEqualTo("/calendar/v3/freeBusy"))
			.withHeader("Authorization", equalTo("Bearer " + FakeProviderTokens.TOKEN))
			.withRequestBody(equalToJson(
					"""
							{"timeMin":"2026-11-24T09:00:00Z","timeMax":"2026-11-24T17:00:00Z","items":[{"id":"primary"}]}""")));
		// 10:00-11:00 and 10:30-12:00 overlap; 13:00+01:00 touches 12:00Z; 16:45-18:00
		// crosses the
		// window's end.
		assertThat(result).containsEntry("count", 2);
		assertThat(result.get("slots"))
			.isEqualTo(List.of(Map.of("start", "2026-11-24T09:00:00Z", "end", "2026-11-24T10:00:00Z"),
					Map.of("start", "2026-11-24T14:15:00Z", "end", "2026-11-24T16:45:00Z")));
	}

	@Test
	void findFreeTimeWhenGoogleReportsACalendarErrorThenSaysSo() {
		google.stubFor(post("/calendar/v3/freeBusy").willReturn(okJson("""
				{"kind":"calendar#freeBusy","timeMin":"2026-11-24T09:00:00.000Z","timeMax":"2026-11-24T17:00:00.000Z",
				 "calendars":{"primary":{"errors":[{"domain":"global","reason":"notFound"}],"busy":[]}}}""")));
		RuntimeException failure = failure(CalendarTools.findFreeTime(this.calendar, CLOCK),
				call("calendar_find_free_time", Map.of("duration_minutes", 30)));
		assertThat(failure).isInstanceOf(ToolFailure.class).hasMessageContaining("notFound");
	}

	@Test
	void findFreeTimeWhenTokenRequestFailsThenThatFailurePassesThrough() {
		ToolFailure notConnected = new ToolFailure(
				"Your google-oauth2 account is not connected to Countersign; connect it, then try again.");
		this.tokens.failWith(notConnected);
		RuntimeException failure = failure(CalendarTools.findFreeTime(this.calendar, CLOCK),
				call("calendar_find_free_time", Map.of("duration_minutes", 30)));
		assertThat(failure).isSameAs(notConnected);
		assertThat(google.getAllServeEvents()).isEmpty();
	}

}
