package dev.countersign.server.tool.write;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.countersign.policy.action.ActionStore;
import dev.countersign.policy.approval.ActionFreezer;
import dev.countersign.policy.tool.Risk;
import dev.countersign.server.audit.ApprovalAudit;
import dev.countersign.server.mcp.McpProperties;
import dev.countersign.server.tool.ToolArgumentException;
import dev.countersign.server.tool.ToolFailure;
import dev.countersign.server.tool.ToolHandler;
import dev.countersign.server.tool.ToolHandlers;
import dev.countersign.server.tool.calendar.EventVersion;
import dev.countersign.server.tool.calendar.WebClientGoogleCalendar;
import dev.countersign.server.tool.email.MailThread;
import dev.countersign.server.tool.email.WebClientGmail;

/**
 * {@code calendar_delete_event} and {@code email_send}: the Google writes whose meaning
 * depends on what the provider holds when they are called. Each reads that state through
 * the caller's read token, freezes it as the action's preconditions (DESIGN §4 step 2)
 * and answers pending, as {@link WriteTools} does.
 *
 * <ul>
 * <li>{@code calendar_delete_event} reads the event: its ETag is the precondition
 * ({@code {"etag":…}}, sent as {@code If-Match}, so a changed event is not deleted), and
 * its summary, start and guests join the frozen arguments so the phone shows what goes.
 * An unknown or already deleted event is a tool error and nothing is queued.</li>
 * <li>{@code email_send} freezes the complete message: recipients, subject, body and the
 * optional thread. The preconditions carry {@code from} (the caller's email claim) and,
 * for a reply, the {@code in_reply_to} and {@code references} headers of the thread's
 * last message, read when the call is made. An unknown thread is a tool error and nothing
 * is queued.</li>
 * </ul>
 * Risks are the catalog's: MEDIUM for a deletion, HIGH for sending.
 */
@Configuration(proxyBeanMethods = false)
public class GoogleWrites {

	/**
	 * The handlers, over the approval engine's freezer and the caller's Google reads.
	 */
	@Bean
	ToolHandlers googleWriteToolHandlers(ActionFreezer freezer, WebClientGoogleCalendar calendar, WebClientGmail gmail,
			ApprovalAudit audit, ActionStore actions, McpProperties mcp) {
		Supplier<@Nullable ActionFreezer> freezers = () -> freezer;
		ProgressHold hold = new ProgressHold(actions, mcp.effectiveMaxWait(), Duration.ofSeconds(1));
		return () -> Map.of("calendar_delete_event", hold.around(calendarDeleteEvent(freezers, calendar, audit)),
				"email_send", hold.around(emailSend(freezers, gmail, audit)));
	}

	static ToolHandler calendarDeleteEvent(Supplier<@Nullable ActionFreezer> freezers, WebClientGoogleCalendar calendar,
			ApprovalAudit audit) {
		return (call) -> {
			WriteArguments args = new WriteArguments(call.arguments());
			String eventId = args.line("event_id", 1024);
			Optional<Double> confidence = args.confidence();
			return calendar.findEvent(call.caller(), eventId)
				.switchIfEmpty(Mono.error(() -> new ToolFailure("Google Calendar has no event " + eventId
						+ " on the primary calendar; calendar_list_events gives event ids. Nothing was queued.")))
				.flatMap((event) -> {
					if (event.cancelled()) {
						return Mono.error(new ToolFailure("Event " + eventId
								+ " is already deleted from the primary calendar. Nothing was queued."));
					}
					return WriteTools.freeze(freezers, audit, call, Risk.MEDIUM, deletion(event),
							Map.of("etag", event.etag()), confidence);
				});
		};
	}

	/**
	 * What the user approves when an event is deleted: its id, and what they know it by.
	 * The guests are the people Google Calendar tells of the cancellation.
	 */
	private static Map<String, Object> deletion(EventVersion event) {
		Map<String, Object> frozen = new LinkedHashMap<>();
		frozen.put("event_id", event.id());
		if (event.summary() != null) {
			frozen.put("summary", event.summary());
		}
		if (event.start() != null) {
			frozen.put("start", event.start());
		}
		if (!event.guests().isEmpty()) {
			frozen.put("attendees", event.guests());
		}
		return frozen;
	}

	static ToolHandler emailSend(Supplier<@Nullable ActionFreezer> freezers, WebClientGmail gmail,
			ApprovalAudit audit) {
		return (call) -> {
			WriteArguments args = new WriteArguments(call.arguments());
			Map<String, Object> frozen = message(args);
			Optional<Double> confidence = args.confidence();
			Map<String, Object> preconditions = new LinkedHashMap<>(WriteTools.preconditions(call));
			if (!(frozen.get("thread_id") instanceof String threadId)) {
				return WriteTools.freeze(freezers, audit, call, Risk.HIGH, frozen, preconditions, confidence);
			}
			return gmail.findThread(call.caller(), threadId)
				.switchIfEmpty(Mono.error(() -> new ToolFailure("Gmail has no thread " + threadId
						+ " in the mailbox; email_search and email_get give thread ids. Nothing was queued.")))
				.flatMap((thread) -> {
					replyHeaders(thread, preconditions);
					return WriteTools.freeze(freezers, audit, call, Risk.HIGH, frozen, preconditions, confidence);
				});
		};
	}

	// RFC 5322 §3.6.4: a reply names its parent (In-Reply-To) and the parent's chain
	// (References).
	private static void replyHeaders(MailThread thread, Map<String, Object> preconditions) {
		if (thread.inReplyTo() != null && thread.references() != null) {
			preconditions.put("in_reply_to", thread.inReplyTo());
			preconditions.put("references", thread.references());
		}
	}

	/**
	 * The complete message, validated and normalised as {@code email_create_draft}'s: at
	 * least one To address, bare lower-cased addresses, a one-line subject, the body
	 * verbatim.
	 */
	private static Map<String, Object> message(WriteArguments args) {
		Map<String, Object> frozen = new LinkedHashMap<>();
		frozen.put("to", args.emails("to", 1, 50));
		List<String> cc = args.emails("cc", 0, 50);
		if (!cc.isEmpty()) {
			frozen.put("cc", cc);
		}
		List<String> bcc = args.emails("bcc", 0, 50);
		if (!bcc.isEmpty()) {
			frozen.put("bcc", bcc);
		}
		frozen.put("subject", args.line("subject", 998));
		frozen.put("body", args.optionalBody("body", 100_000)
			.orElseThrow(() -> new ToolArgumentException("body", "it is required")));
		args.optionalText("thread_id", 200).ifPresent((thread) -> frozen.put("thread_id", thread));
		return frozen;
	}

}
