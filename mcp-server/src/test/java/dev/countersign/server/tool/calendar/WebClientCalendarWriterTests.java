package dev.countersign.server.tool.calendar;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.github.tomakehurst.wiremock.WireMockServer;
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
 * {@code calendar_create_event} against WireMock replaying Calendar v3's answers: the
 * deterministic id, the 409 {@code duplicate} of an earlier attempt, and every write sent
 * once.
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

	@Test
	void executeWhenNoAnswerInTimeThenUnknownAndSentOnce() {
		google.stubFor(post(urlPathEqualTo(EVENTS)).willReturn(okJson(event()).withFixedDelay(2000)));
		StepVerifier.create(this.writer.execute(this.action, FakeProviderTokens.TOKEN))
			.expectError(WriteOutcomeUnknownException.class)
			.verify(Duration.ofSeconds(10));
		google.verify(1, postRequestedFor(urlPathEqualTo(EVENTS)));
	}

}
