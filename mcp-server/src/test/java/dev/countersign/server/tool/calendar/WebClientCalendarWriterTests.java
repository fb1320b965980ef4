package dev.countersign.server.tool.calendar;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import dev.countersign.policy.action.Action;
import dev.countersign.server.approval.WriteOutcomeUnknownException;
import dev.countersign.server.approval.WriteRejectedException;
import dev.countersign.server.provider.FakeProviderTokens;
import dev.countersign.server.provider.ProviderHttp;
import dev.countersign.server.provider.ProviderWriteHttp;
import dev.countersign.server.tool.write.TestWrites;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code calendar_create_event} and {@code calendar_delete_event} against WireMock
 * replaying Calendar v3's answers: the If-Match of a deletion, the deterministic id, the
 * 409 {@code duplicate} of an earlier attempt, and every write sent once.
 */
class WebClientCalendarWriterTests {

	private static final WireMockServer google = new WireMockServer(options().dynamicPort());

	private static final String EVENTS = "/calendars/primary/events";

	private final Action action = TestWrites.action("calendar_create_event",
			Map.of("summary", "Pipeline review", "start", "2026-12-01T15:00:00Z", "end", "2026-12-01T15:30:00Z",
					"location", "Room 4", "attendees", List.of("grace.hopper@northwind.example")));

	private final String eventId = EventIds.forAction(this.action.id());

	private WebClientCalendarWriter writer;

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
		this.writer = new WebClientCalendarWriter(ProviderWriteHttp
			.builder("Google Calendar", URI.create(google.baseUrl()), TestWrites.breaker(ProviderHttp.GOOGLE))
			.timeout(Duration.ofMillis(500))
			.build());
	}

	private String event() {
		return """
				{
				 "kind": "calendar#event",
				 "etag": "\\"3411234567890000\\"",
				 "id": "%s",
				 "status": "confirmed",
				 "htmlLink": "https://www.google.com/calendar/event?eid=abc",
				 "created": "2026-11-23T10:01:00.000Z",
				 "updated": "2026-11-23T10:01:00.123Z",
				 "summary": "Pipeline review",
				 "location": "Room 4",
				 "creator": {"email": "ada@analytical.example", "self": true},
				 "organizer": {"email": "ada@analytical.example", "self": true},
				 "start": {"dateTime": "2026-12-01T15:00:00Z", "timeZone": "UTC"},
				 "end": {"dateTime": "2026-12-01T15:30:00Z", "timeZone": "UTC"},
				 "iCalUID": "%s@google.com",
				 "sequence": 0,
				 "attendees": [{"email": "grace.hopper@northwind.example", "responseStatus": "needsAction"}],
				 "reminders": {"useDefault": true},
				 "eventType": "default"
				}""".formatted(this.eventId, this.eventId);
	}

	private Map<String, Object> expected() {
		return Map.of("id", this.eventId, "summary", "Pipeline review", "start", "2026-12-01T15:00:00Z", "end",
				"2026-12-01T15:30:00Z", "location", "Room 4", "attendees", List.of("grace.hopper@northwind.example"),
				"html_link", "https://www.google.com/calendar/event?eid=abc");
	}

	@Test
	void eventIdIsBase32HexOfTheActionId() {
		assertThat(this.eventId).hasSize(26).matches("[0-9a-v]{26}").isEqualTo(EventIds.forAction(this.action.id()));
		// Python: base64.b32hexencode(hashlib.sha256(b"act_…").digest()).lower()[:26]
		assertThat(EventIds.forAction("act_01JD8X5Q3M7V2K9T4N6P8R0W1Y")).isEqualTo("drqk82tk5mg7f423dbv06muno8");
	}

	@Test
	void executeWhenCreatedThenExactRequestOnceAndEventResult() {
		google.stubFor(post(urlPathEqualTo(EVENTS)).willReturn(okJson(event())));
		assertThat(this.writer.execute(this.action, FakeProviderTokens.TOKEN).block()).isEqualTo(expected());
		google.verify(1,
				postRequestedFor(urlEqualTo(EVENTS + "?sendUpdates=all"))
					.withHeader("Authorization", equalTo("Bearer " + FakeProviderTokens.TOKEN))
					.withRequestBody(equalToJson("""
							{"id":"%s","summary":"Pipeline review","location":"Room 4",
							 "start":{"dateTime":"2026-12-01T15:00:00Z"},"end":{"dateTime":"2026-12-01T15:30:00Z"},
							 "attendees":[{"email":"grace.hopper@northwind.example"}]}""".formatted(this.eventId),
							false, false)));
	}

	@Test
	void executeWhenNoAttendeesThenNoInvitations() {
		Action quiet = TestWrites.action("calendar_create_event",
				Map.of("summary", "Focus", "start", "2026-12-01T15:00:00Z", "end", "2026-12-01T16:00:00Z"));
		google.stubFor(post(urlPathEqualTo(EVENTS)).willReturn(okJson(event())));
		this.writer.execute(quiet, FakeProviderTokens.TOKEN).block();
		google.verify(1, postRequestedFor(urlEqualTo(EVENTS)).withRequestBody(equalToJson("""
				{"id":"%s","summary":"Focus","start":{"dateTime":"2026-12-01T15:00:00Z"},
				 "end":{"dateTime":"2026-12-01T16:00:00Z"}}""".formatted(EventIds.forAction(quiet.id())), false,
				false)));
	}

	@Test
	void executeWhenDuplicateOfAnEarlierAttemptThenFetchedAndSucceeded() {
		google.stubFor(post(urlPathEqualTo(EVENTS)).willReturn(aResponse().withStatus(409)
			.withHeader("Content-Type", "application/json; charset=UTF-8")
			.withBody(
					"""
							{"error":{"errors":[{"domain":"global","reason":"duplicate","message":"The requested identifier already exists."}],
							 "code":409,"message":"The requested identifier already exists."}}""")));
		google.stubFor(get(urlPathEqualTo(EVENTS + "/" + this.eventId)).willReturn(okJson(event())));
		assertThat(this.writer.execute(this.action, FakeProviderTokens.TOKEN).block()).isEqualTo(expected());
		google.verify(1, postRequestedFor(urlPathEqualTo(EVENTS)));
		google.verify(1, getRequestedFor(urlPathEqualTo(EVENTS + "/" + this.eventId)).withHeader("Authorization",
				equalTo("Bearer " + FakeProviderTokens.TOKEN)));
	}

	@Test
	void executeWhenBadRequestThenRejected() {
		google.stubFor(post(urlPathEqualTo(EVENTS)).willReturn(aResponse().withStatus(400)
			.withHeader("Content-Type", "application/json")
			.withBody(
					"""
							{"error":{"errors":[{"domain":"global","reason":"timeRangeEmpty","message":"The specified time range is empty."}],
							 "code":400,"message":"The specified time range is empty."}}""")));
		StepVerifier.create(this.writer.execute(this.action, FakeProviderTokens.TOKEN))
			.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOf(WriteRejectedException.class)
				.hasMessage("Google Calendar refused the event \"Pipeline review\" on the primary calendar "
						+ "(HTTP 400: The specified time range is empty)."))
			.verify();
	}

	private static final String ETAG = "\"3411234567890000\"";

	private static final String Q4 = EVENTS + "/q4planning01";

	private final Action deletion = TestWrites.action(
			"calendar_delete_event", Map.of("event_id", "q4planning01", "summary", "Q4 planning", "start",
					"2026-11-24T14:00:00Z", "attendees", List.of("grace.hopper@northwind.example")),
			Map.of("etag", ETAG));

	private static ResponseDefinitionBuilder googleError(int status, String reason, String message) {
		return aResponse().withStatus(status)
			.withHeader("Content-Type", "application/json; charset=UTF-8")
			.withBody("""
					{"error":{"errors":[{"domain":"global","reason":"%s","message":"%s"}],"code":%d,"message":"%s"}}"""
				.formatted(reason, message, status, message));
	}

	@Test
	void deleteWhenDeletedThenIfMatchSentOnceWithInvitationsAndEventIdResult() {
		google.stubFor(delete(urlPathEqualTo(Q4)).willReturn(aResponse().withStatus(204)));
		assertThat(this.writer.tools()).contains("calendar_create_event", "calendar_delete_event");
		assertThat(this.writer.execute(this.deletion, FakeProviderTokens.TOKEN).block())
			.isEqualTo(Map.of("event_id", "q4planning01"));
		google.verify(1, deleteRequestedFor(urlEqualTo(Q4 + "?sendUpdates=all")).withHeader("If-Match", equalTo(ETAG))
			.withHeader("Authorization", equalTo("Bearer " + FakeProviderTokens.TOKEN)));
		google.verify(0, postRequestedFor(urlPathEqualTo(EVENTS)));
	}

	@Test
	void deleteWhenNoGuestsThenNoCancellationMail() {
		Action quiet = TestWrites.action("calendar_delete_event", Map.of("event_id", "d3nt1st0915"),
				Map.of("etag", ETAG));
		google.stubFor(delete(urlPathEqualTo(EVENTS + "/d3nt1st0915")).willReturn(aResponse().withStatus(204)));
		assertThat(this.writer.execute(quiet, FakeProviderTokens.TOKEN).block())
			.isEqualTo(Map.of("event_id", "d3nt1st0915"));
		google.verify(1, deleteRequestedFor(urlEqualTo(EVENTS + "/d3nt1st0915")).withHeader("If-Match", equalTo(ETAG)));
	}

	@Test
	void deleteWhenEtagNoLongerMatchesThenFailedBecauseTheEventChanged() {
		google
			.stubFor(delete(urlPathEqualTo(Q4)).willReturn(googleError(412, "conditionNotMet", "Precondition Failed")));
		StepVerifier.create(this.writer.execute(this.deletion, FakeProviderTokens.TOKEN))
			.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOf(WriteRejectedException.class)
				.hasMessage("the event changed since you approved"))
			.verify();
		google.verify(1, deleteRequestedFor(urlPathEqualTo(Q4)));
	}

	@Test
	void deleteWhenNotFoundOrGoneThenFailedBecauseTheEventNoLongerExists() {
		google.stubFor(delete(urlPathEqualTo(Q4)).willReturn(googleError(404, "notFound", "Not Found")));
		StepVerifier.create(this.writer.execute(this.deletion, FakeProviderTokens.TOKEN))
			.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOf(WriteRejectedException.class)
				.hasMessage("the event no longer exists"))
			.verify();
		google.stubFor(delete(urlPathEqualTo(Q4)).willReturn(googleError(410, "deleted", "Resource has been deleted")));
		StepVerifier.create(this.writer.execute(this.deletion, FakeProviderTokens.TOKEN))
			.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOf(WriteRejectedException.class)
				.hasMessage("the event no longer exists"))
			.verify();
	}

	@Test
	void deleteWhenNoEtagFrozenThenNothingSent() {
		Action unguarded = TestWrites.action("calendar_delete_event", Map.of("event_id", "q4planning01"));
		StepVerifier.create(this.writer.execute(unguarded, FakeProviderTokens.TOKEN))
			.expectError(WriteRejectedException.class)
			.verify();
		google.verify(0, deleteRequestedFor(urlPathEqualTo(Q4)));
	}

	@Test
	void deleteWhenNoAnswerInTimeThenUnknownAndSentOnce() {
		google.stubFor(delete(urlPathEqualTo(Q4)).willReturn(aResponse().withStatus(204).withFixedDelay(2000)));
		StepVerifier.create(this.writer.execute(this.deletion, FakeProviderTokens.TOKEN))
			.expectError(WriteOutcomeUnknownException.class)
			.verify(Duration.ofSeconds(10));
		google.verify(1, deleteRequestedFor(urlPathEqualTo(Q4)));
	}

	@Test
	void executeWhenNoAnswerInTimeThenUnknownAndSentOnce() {
		google.stubFor(post(urlPathEqualTo(EVENTS)).willReturn(okJson(event()).withFixedDelay(2000)));
		StepVerifier.create(this.writer.execute(this.action, FakeProviderTokens.TOKEN))
			.expectError(WriteOutcomeUnknownException.class)
			.verify(Duration.ofSeconds(10));
		google.verify(1, postRequestedFor(urlPathEqualTo(EVENTS)));
	}

}
