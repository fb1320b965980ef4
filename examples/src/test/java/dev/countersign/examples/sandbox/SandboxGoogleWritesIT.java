package dev.countersign.examples.sandbox;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeUtility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.countersign.server.tool.ToolCatalog;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Google writes with preconditions end to end (DESIGN §4 steps 2 and 6): a real MCP
 * client deletes a calendar event and sends email through the sandbox; the phone
 * approves; the emulated Google APIs receive exactly the frozen write — the event's ETag
 * as {@code If-Match}, the complete message with its Bcc and reply headers — once, or not
 * at all when the event changed after it was frozen.
 */
class SandboxGoogleWritesIT {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final Duration FINAL_WITHIN = Duration.ofSeconds(40);

	private static RunningSandbox sandbox;

	private static Phone phone;

	@BeforeAll
	static void start() {
		sandbox = RunningSandbox.start("--countersign.approval.batch-window=1s");
		phone = new Phone(sandbox);
	}

	@AfterAll
	static void stop() {
		sandbox.close();
	}

	@Test
	void deleteEventApprovedThenSucceededOnceAndGoneFromTheCalendar() throws Exception {
		String user = "event-deleter";
		try (SandboxAgent agent = SandboxAgent.connect(sandbox, user)) {
			assertThat(eventIds(agent)).contains(SandboxCalendars.Q4_PLANNING);
			String id = agent.queue("calendar_delete_event", Map.of("event_id", SandboxCalendars.Q4_PLANNING));
			JsonNode request = phone.awaitRequest(user);
			assertThat(request.get("authorization_details").toString())
				.contains("calendar_delete_event: 'Q4 planning' at ")
				.contains("(event " + SandboxCalendars.Q4_PLANNING + "), notifying 3");
			phone.decide(request.get("auth_req_id").asString(), "approve");
			assertThat(agent.awaitFinal(id, FINAL_WITHIN)).isEqualTo("succeeded");
			assertThat(status(agent, id).get("result").get("event_id").asString())
				.isEqualTo(SandboxCalendars.Q4_PLANNING);
			assertThat(sandbox.bean(ProviderWrites.class).count(user, ProviderWrites.CALENDAR_DELETE)).isEqualTo(1);
			assertThat(eventIds(agent)).doesNotContain(SandboxCalendars.Q4_PLANNING)
				.contains(SandboxCalendars.ONE_ON_ONE);
		}
	}

	@Test
	void deleteEventChangedAfterFreezingThenFailedAndTheEventStays() throws Exception {
		String user = "stale-deleter";
		try (SandboxAgent agent = SandboxAgent.connect(sandbox, user)) {
			String id = agent.queue("calendar_delete_event", Map.of("event_id", SandboxCalendars.Q4_PLANNING));
			// Someone moves the meeting after the agent asked: a new version, a new ETag.
			SandboxCalendars calendars = sandbox.bean(SandboxCalendars.class);
			Instant now = calendars.now();
			assertThat(calendars.update(user, SandboxCalendars.Q4_PLANNING,
					(event) -> new CalendarEvent(event.id(), event.summary(), event.description(), "Room 101",
							event.start(), event.end(), event.attendees(), event.transparent(), event.status(),
							event.created(), now, event.sequence() + 1)))
				.isPresent();
			phone.decide(phone.awaitRequest(user).get("auth_req_id").asString(), "approve");
			assertThat(agent.awaitFinal(id, FINAL_WITHIN)).isEqualTo("failed");
			assertThat(status(agent, id).get("reason").asString()).contains("the event changed since you approved");
			assertThat(sandbox.bean(ProviderWrites.class).count(user, ProviderWrites.CALENDAR_DELETE)).isZero();
			assertThat(eventIds(agent)).contains(SandboxCalendars.Q4_PLANNING);
		}
	}

	@Test
	void emailSendToCcAndBccThenThreeRecipientsOneExternalOnThePhoneAndOneSentMessage() throws Exception {
		String user = "email-sender";
		String from = user + "@countersign.example";
		try (SandboxAgent agent = SandboxAgent.connect(sandbox, user)) {
			String id = agent.queue("email_send",
					Map.of("to", List.of(ToolCatalog.EXAMPLE_RECIPIENT), "cc",
							List.of("charles.babbage@countersign.example"), "bcc", List.of("audit@countersign.example"),
							"subject", "Gold tier terms", "body", "Hi Grace,\n\nhere are the Gold tier terms.\n\nAda"));
			JsonNode request = phone.awaitRequest(user);
			assertThat(request.get("authorization_details").toString())
				.contains("email_send: 3 recipients (1 external), subject 'Gold tier terms'");
			phone.decide(request.get("auth_req_id").asString(), "approve");
			assertThat(agent.awaitFinal(id, FINAL_WITHIN)).isEqualTo("succeeded");
			String messageId = status(agent, id).get("result").get("message_id").asString();

			assertThat(sandbox.bean(ProviderWrites.class).count(user, ProviderWrites.GMAIL_SEND)).isEqualTo(1);
			SandboxMailboxes mailboxes = sandbox.bean(SandboxMailboxes.class);
			List<MailMessage> sent = mailboxes.messages(user)
				.stream()
				.filter((message) -> message.labelIds().contains("SENT"))
				.filter((message) -> message.subject().equals("Gold tier terms"))
				.toList();
			assertThat(sent).singleElement().satisfies((message) -> {
				assertThat(message.id()).isEqualTo(messageId);
				assertThat(message.to())
					.isEqualTo(ToolCatalog.EXAMPLE_RECIPIENT + ", charles.babbage@countersign.example");
				assertThat(message.mime().getHeader("Bcc")).isNull();
				assertThat(message.from()).isEqualTo(from);
			});
			// The Bcc reached Gmail in the raw message: Gmail delivered to it.
			assertThat(mailboxes.envelope(user, messageId)).containsExactlyInAnyOrder(ToolCatalog.EXAMPLE_RECIPIENT,
					"charles.babbage@countersign.example", "audit@countersign.example");

			JsonNode found = agent.call("email_search", Map.of("query", "\"Gold tier terms\" in:sent"));
			// Newest first; the seeded reply that promised the terms matches too.
			assertThat(found.get("messages").findValuesAsString("id")).first().isEqualTo(messageId);
			JsonNode read = agent.call("email_get", Map.of("message_id", messageId));
			assertThat(read.get("to").toString()).contains(ToolCatalog.EXAMPLE_RECIPIENT);
			assertThat(read.get("cc").toString()).contains("charles.babbage@countersign.example");
			assertThat(read.toString()).doesNotContain("audit@countersign.example");
		}
	}

	@Test
	void emailSendReplyInASeededThreadThenInReplyToItsLastMessage() throws Exception {
		String user = "email-replier";
		String parent = "<" + SandboxMailboxes.RENEWAL_REPLY + "@mail.countersign.example>";
		try (SandboxAgent agent = SandboxAgent.connect(sandbox, user)) {
			String id = agent.queue("email_send", Map.of("to", List.of(ToolCatalog.EXAMPLE_RECIPIENT), "subject",
					"Re: Northwind contract renewal: terms for next year", "body",
					"Hi Grace,\n\nthe Gold tier terms, as promised.\n\nAda", "thread_id", SandboxMailboxes.RENEWAL));
			phone.decide(phone.awaitRequest(user).get("auth_req_id").asString(), "approve");
			assertThat(agent.awaitFinal(id, FINAL_WITHIN)).isEqualTo("succeeded");
			JsonNode result = status(agent, id).get("result");
			assertThat(result.get("thread_id").asString()).isEqualTo(SandboxMailboxes.RENEWAL);
			MailMessage reply = sandbox.bean(SandboxMailboxes.class)
				.find(user, result.get("message_id").asString())
				.orElseThrow();
			assertThat(reply.threadId()).isEqualTo(SandboxMailboxes.RENEWAL);
			MimeMessage mime = reply.mime();
			assertThat(mime.getHeader("In-Reply-To", null)).isEqualTo(parent);
			assertThat(MimeUtility.unfold(mime.getHeader("References", null)))
				.isEqualTo("<" + SandboxMailboxes.RENEWAL + "@mail.countersign.example> " + parent);
		}
	}

	private static List<String> eventIds(SandboxAgent agent) {
		return agent.call("calendar_list_events", Map.of()).get("events").findValuesAsString("id");
	}

	private static JsonNode status(SandboxAgent agent, String actionId) {
		return agent.call("action_status", Map.of("action_id", actionId));
	}

}
