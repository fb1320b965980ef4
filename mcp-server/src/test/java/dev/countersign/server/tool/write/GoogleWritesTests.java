package dev.countersign.server.tool.write;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.server.McpAsyncServerExchange;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.countersign.policy.MutableClock;
import dev.countersign.policy.action.Action;
import dev.countersign.policy.action.ActionStatus;
import dev.countersign.policy.action.IdGenerator;
import dev.countersign.policy.action.InMemoryActionStore;
import dev.countersign.policy.approval.ActionFreezer;
import dev.countersign.policy.approval.ApprovalConfig;
import dev.countersign.policy.tool.Risk;
import dev.countersign.server.audit.ApprovalAudit;
import dev.countersign.server.auth.AccessToken;
import dev.countersign.server.auth.Caller;
import dev.countersign.server.auth.CallerKind;
import dev.countersign.server.provider.FakeProviderTokens;
import dev.countersign.server.provider.ProviderHttp;
import dev.countersign.server.provider.ToolCalls;
import dev.countersign.server.tool.Arguments;
import dev.countersign.server.tool.ToolArgumentException;
import dev.countersign.server.tool.ToolCall;
import dev.countersign.server.tool.ToolCatalog;
import dev.countersign.server.tool.ToolFailure;
import dev.countersign.server.tool.ToolHandler;
import dev.countersign.server.tool.calendar.WebClientGoogleCalendar;
import dev.countersign.server.tool.email.WebClientGmail;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static dev.countersign.server.provider.ToolCalls.answer;
import static dev.countersign.server.provider.ToolCalls.failure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

/**
 * {@code calendar_delete_event} and {@code email_send} at freezing: the provider state
 * read through the caller's token becomes the preconditions, arguments are named when
 * wrong, and an unknown event or thread queues nothing. Google answers are WireMock
 * replays of Calendar v3 and Gmail v1.
 */
class GoogleWritesTests {

	private static final WireMockServer google = new WireMockServer(options().dynamicPort());

	private static final String EVENT = "/calendar/v3/calendars/primary/events/q4planning01";

	private static final String THREAD = "/gmail/v1/users/me/threads/18f2a9c4d5e6b701";

	private static final String ETAG = "\"3411234567890000\"";

	private static final Caller ADA = new Caller(ToolCalls.USER, "claude-desktop", CallerKind.AGENT, Set.of("openid"),
			"ada@countersign.example", new AccessToken("test-token", Instant.now().plusSeconds(600)));

	private final MutableClock clock = MutableClock.start();

	private final InMemoryActionStore actions = new InMemoryActionStore();

	private final FakeProviderTokens tokens = new FakeProviderTokens();

	private @Nullable ActionFreezer freezer = new ActionFreezer(this.actions, ApprovalConfig.defaults(), this.clock,
			IdGenerator.ulid(this.clock));

	private ToolHandler delete;

	private ToolHandler send;

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
		WebClientGoogleCalendar calendar = new WebClientGoogleCalendar(http("Google Calendar", "/calendar/v3"));
		WebClientGmail gmail = new WebClientGmail(http("Gmail", "/gmail/v1"));
		this.delete = GoogleWrites.calendarDeleteEvent(() -> this.freezer, calendar, ApprovalAudit.none());
		this.send = GoogleWrites.emailSend(() -> this.freezer, gmail, ApprovalAudit.none());
	}

	private ProviderHttp http(String provider, String path) {
		return ProviderHttp
			.builder(provider, "google-oauth2", URI.create(google.baseUrl() + path), this.tokens,
					TestWrites.breaker(ProviderHttp.GOOGLE))
			.readRetry(1, Duration.ofMillis(10))
			.build();
	}

	private static ToolCall call(String tool, Map<String, Object> arguments) {
		McpAsyncServerExchange exchange = new McpAsyncServerExchange("test-session", null, null, null,
				McpTransportContext.EMPTY);
		return new ToolCall(ToolCatalog.create().find(tool).orElseThrow(), ADA, new Arguments(arguments), null,
				exchange);
	}

	private Action stored(Map<String, Object> answer) {
		return this.actions.find(ToolCalls.USER, (String) answer.get("action_id")).block();
	}

	private List<Action> queued() {
		return this.actions.findUsers(EnumSet.allOf(ActionStatus.class))
			.flatMap((user) -> this.actions.findByUser(user, EnumSet.allOf(ActionStatus.class)))
			.collectList()
			.block();
	}

	private static String event(String status) {
		return """
				{
				 "kind": "calendar#event",
				 "etag": "\\"3411234567890000\\"",
				 "id": "q4planning01",
				 "status": "%s",
				 "htmlLink": "https://www.google.com/calendar/event?eid=cTRwbGFubmluZzAx",
				 "created": "2026-11-14T10:00:00.000Z",
				 "updated": "2026-11-14T10:00:00.000Z",
				 "summary": "Q4 planning",
				 "location": "Board room, 3rd floor",
				 "creator": {"email": "ada@countersign.example", "self": true},
				 "organizer": {"email": "ada@countersign.example", "self": true},
				 "start": {"dateTime": "2026-11-24T14:00:00Z", "timeZone": "UTC"},
				 "end": {"dateTime": "2026-11-24T15:00:00Z", "timeZone": "UTC"},
				 "iCalUID": "q4planning01@google.com",
				 "sequence": 0,
				 "attendees": [
				  {"email": "ada@countersign.example", "organizer": true, "self": true, "responseStatus": "accepted"},
				  {"email": "grace.hopper@northwind.example", "displayName": "Grace Hopper", "responseStatus": "accepted"},
				  {"email": "charles.babbage@countersign.example", "responseStatus": "tentative"}
				 ],
				 "reminders": {"useDefault": true},
				 "eventType": "default"
				}"""
			.formatted(status);
	}

	private static String notFound() {
		return """
				{"error":{"errors":[{"domain":"global","reason":"notFound","message":"Not Found"}],"code":404,"message":"Not Found"}}""";
	}

	@Test
	void deleteWhenEventExistsThenPendingWithItsEtagAndWhatTheUserSees() {
		google.stubFor(get(urlPathEqualTo(EVENT)).willReturn(okJson(event("confirmed"))));
		Map<String, Object> answer = answer(this.delete,
				call("calendar_delete_event", Map.of("event_id", " q4planning01 ", "confidence", 0.7)));
		assertThat(answer).containsEntry("status", "pending_approval").containsKey("action_id");
		Action action = stored(answer);
		assertThat(action.tool()).isEqualTo("calendar_delete_event");
		assertThat(action.risk()).isEqualTo(Risk.MEDIUM);
		assertThat(action.destructive()).isTrue();
		assertThat(action.confidence()).isEqualTo(0.7);
		assertThat(action.preconditions()).containsExactly(entry("etag", ETAG));
		assertThat(action.arguments()).containsExactly(entry("event_id", "q4planning01"),
				entry("summary", "Q4 planning"), entry("start", "2026-11-24T14:00:00Z"),
				entry("attendees", List.of("grace.hopper@northwind.example", "charles.babbage@countersign.example")));
		// Read with the caller's read token, never anything else.
		google.verify(1, getRequestedFor(urlPathEqualTo(EVENT)).withHeader("Authorization",
				equalTo("Bearer " + FakeProviderTokens.TOKEN)));
		assertThat(this.tokens.reads()).containsExactly(ToolCalls.USER + " google-oauth2");
	}

	@Test
	void deleteWhenCalledAgainWhileLiveThenSameAction() {
		google.stubFor(get(urlPathEqualTo(EVENT)).willReturn(okJson(event("confirmed"))));
		Map<String, Object> first = answer(this.delete,
				call("calendar_delete_event", Map.of("event_id", "q4planning01")));
		Map<String, Object> again = answer(this.delete,
				call("calendar_delete_event", Map.of("event_id", "q4planning01")));
		assertThat(again.get("action_id")).isEqualTo(first.get("action_id"));
	}

	@Test
	void deleteWhenEventUnknownThenToolErrorNamingItAndNothingQueued() {
		google.stubFor(get(urlPathEqualTo("/calendar/v3/calendars/primary/events/nosuchevent")).willReturn(
				aResponse().withStatus(404).withHeader("Content-Type", "application/json").withBody(notFound())));
		assertThat(failure(this.delete, call("calendar_delete_event", Map.of("event_id", "nosuchevent"))))
			.isInstanceOf(ToolFailure.class)
			.hasMessageContaining("nosuchevent")
			.hasMessageContaining("Nothing was queued");
		assertThat(queued()).isEmpty();
	}

	@Test
	void deleteWhenEventAlreadyCancelledThenToolErrorAndNothingQueued() {
		google.stubFor(get(urlPathEqualTo(EVENT)).willReturn(okJson(event("cancelled"))));
		assertThat(failure(this.delete, call("calendar_delete_event", Map.of("event_id", "q4planning01"))))
			.isInstanceOf(ToolFailure.class)
			.hasMessage("Event q4planning01 is already deleted from the primary calendar. Nothing was queued.");
		assertThat(queued()).isEmpty();
	}

	@Test
	void deleteWhenArgumentsWrongThenNamedAndGoogleNotAsked() {
		assertThat(failure(this.delete, call("calendar_delete_event", Map.of("event_id", "  "))))
			.isInstanceOf(ToolArgumentException.class)
			.hasMessageStartingWith("Invalid argument 'event_id'");
		assertThat(failure(this.delete, call("calendar_delete_event", Map.of("event_id", "a\nb"))))
			.hasMessageStartingWith("Invalid argument 'event_id'");
		assertThat(failure(this.delete,
				call("calendar_delete_event", Map.of("event_id", "q4planning01", "confidence", 2))))
			.hasMessageStartingWith("Invalid argument 'confidence'");
		google.verify(0, anyRequestedFor(anyUrl()));
		assertThat(queued()).isEmpty();
	}

	@Test
	void deleteWhenNoApprovalEngineThenToolError() {
		google.stubFor(get(urlPathEqualTo(EVENT)).willReturn(okJson(event("confirmed"))));
		this.freezer = null;
		assertThat(failure(this.delete, call("calendar_delete_event", Map.of("event_id", "q4planning01"))))
			.isInstanceOf(ToolFailure.class)
			.hasMessageContaining("cannot be queued for approval");
	}

	@Test
	void sendWhenNewMessageThenPendingWithTheCompleteMessageAndFrom() {
		Map<String, Object> answer = answer(this.send,
				call("email_send", Map.of("to", List.of(" Grace.Hopper@Northwind.example "), "cc",
						List.of("charles.babbage@countersign.example"), "bcc", List.of("audit@countersign.example"),
						"subject", " Gold tier terms ", "body", "Hi Grace,\n\nthe terms.\n")));
		Action action = stored(answer);
		assertThat(action.risk()).isEqualTo(Risk.HIGH);
		assertThat(action.destructive()).isTrue();
		assertThat(action.arguments()).containsExactly(entry("to", List.of("grace.hopper@northwind.example")),
				entry("cc", List.of("charles.babbage@countersign.example")),
				entry("bcc", List.of("audit@countersign.example")), entry("subject", "Gold tier terms"),
				entry("body", "Hi Grace,\n\nthe terms.\n"));
		assertThat(action.preconditions()).containsExactly(entry("from", "ada@countersign.example"));
		google.verify(0, anyRequestedFor(anyUrl()));
	}

	@Test
	void sendWhenReplyThenPreconditionsHoldTheLastMessageIdAndReferences() {
		google.stubFor(get(urlPathEqualTo(THREAD)).willReturn(okJson("""
				{
				 "id": "18f2a9c4d5e6b701",
				 "historyId": "4821",
				 "messages": [
				  {"id": "18f2a9c4d5e6b701", "threadId": "18f2a9c4d5e6b701", "labelIds": ["INBOX"],
				   "snippet": "Hi Ada", "payload": {"partId": "", "mimeType": "multipart/alternative", "filename": "",
				   "headers": [{"name": "Message-ID", "value": "<18f2a9c4d5e6b701@mail.countersign.example>"}]}},
				  {"id": "18f2a9c4d5e6b702", "threadId": "18f2a9c4d5e6b701", "labelIds": ["SENT"],
				   "snippet": "Hi Grace", "payload": {"partId": "", "mimeType": "text/plain", "filename": "",
				   "headers": [{"name": "References", "value": "<18f2a9c4d5e6b701@mail.countersign.example>"},
				    {"name": "Message-Id", "value": "<18f2a9c4d5e6b702@mail.countersign.example>"}]}},
				  {"id": "18f2a9c4d5e6b703", "threadId": "18f2a9c4d5e6b701", "labelIds": ["DRAFT"],
				   "snippet": "", "payload": {"partId": "", "mimeType": "text/plain", "filename": "",
				   "headers": [{"name": "Message-ID", "value": "<draft@mail.countersign.example>"}]}}
				 ]
				}""")));
		Map<String, Object> answer = answer(this.send,
				call("email_send", Map.of("to", List.of("grace.hopper@northwind.example"), "subject",
						"Re: Northwind contract renewal", "body", "Terms attached.", "thread_id", "18f2a9c4d5e6b701")));
		Action action = stored(answer);
		assertThat(action.arguments()).containsEntry("thread_id", "18f2a9c4d5e6b701");
		assertThat(action.preconditions()).containsExactly(entry("from", "ada@countersign.example"),
				entry("in_reply_to", "<18f2a9c4d5e6b702@mail.countersign.example>"), entry("references",
						"<18f2a9c4d5e6b701@mail.countersign.example> <18f2a9c4d5e6b702@mail.countersign.example>"));
		google.verify(1, getRequestedFor(urlPathEqualTo(THREAD)).withQueryParam("format", equalTo("metadata"))
			.withHeader("Authorization", equalTo("Bearer " + FakeProviderTokens.TOKEN)));
	}

	@Test
	void sendWhenThreadUnknownThenToolErrorNamingItAndNothingQueued() {
		google.stubFor(get(urlPathEqualTo("/gmail/v1/users/me/threads/ffffffffffffffff")).willReturn(aResponse()
			.withStatus(404)
			.withHeader("Content-Type", "application/json")
			.withBody(
					"""
							{"error":{"code":404,"message":"Requested entity was not found.","errors":[{"message":"Requested entity was not found.","domain":"global","reason":"notFound"}],"status":"NOT_FOUND"}}""")));
		assertThat(failure(this.send,
				call("email_send",
						Map.of("to", List.of("grace.hopper@northwind.example"), "subject", "Re: x", "body", "y",
								"thread_id", "ffffffffffffffff"))))
			.isInstanceOf(ToolFailure.class)
			.hasMessageContaining("ffffffffffffffff")
			.hasMessageContaining("Nothing was queued");
		assertThat(queued()).isEmpty();
	}

	@Test
	void sendWhenArgumentsWrongThenNamedAndNothingQueued() {
		assertThat(failure(this.send, call("email_send", Map.of("to", List.of(), "subject", "S", "body", "B"))))
			.isInstanceOf(ToolArgumentException.class)
			.hasMessageStartingWith("Invalid argument 'to'");
		assertThat(failure(this.send, call("email_send", Map.of("to", List.of("a@b.example"), "bcc",
				List.of("Eve <eve@x.example>"), "subject", "S", "body", "B"))))
			.hasMessageStartingWith("Invalid argument 'bcc'");
		assertThat(failure(this.send,
				call("email_send",
						Map.of("to", List.of("a@b.example"), "subject", "S\r\nBcc: eve@x.example", "body", "B"))))
			.hasMessageStartingWith("Invalid argument 'subject'");
		assertThat(failure(this.send, call("email_send", Map.of("to", List.of("a@b.example"), "subject", "S"))))
			.hasMessageStartingWith("Invalid argument 'body'");
		assertThat(failure(this.send,
				call("email_send", Map.of("to", List.of("a@b.example"), "subject", "S", "body", "x".repeat(100_001)))))
			.hasMessageStartingWith("Invalid argument 'body'");
		google.verify(0, anyRequestedFor(anyUrl()));
		assertThat(queued()).isEmpty();
	}

}
