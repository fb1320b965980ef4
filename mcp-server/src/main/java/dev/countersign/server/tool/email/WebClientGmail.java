package dev.countersign.server.tool.email;

import java.io.IOException;
import java.text.ParseException;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.MailDateFormat;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.JsonNode;

import dev.countersign.server.auth.Caller;
import dev.countersign.server.provider.ProviderHttp;
import dev.countersign.server.provider.ProviderJson;
import dev.countersign.server.tool.ToolFailure;
import dev.countersign.server.tool.email.MimeReader.MailMessage;

/**
 * Gmail API v1 over WebClient: reads of the caller's mailbox, answered in the tools'
 * snake_case shape; failures are {@link ToolFailure}s (see {@link ProviderHttp}).
 * Thread-safe.
 */
public final class WebClientGmail {

	/** How many message summaries a search fetches at once. */
	static final int SEARCH_CONCURRENCY = 4;

	private final ProviderHttp http;

	/**
	 * An adapter over the given HTTP access, whose base URL is the API's
	 * ({@code https://gmail.googleapis.com/gmail/v1}).
	 * @param http the HTTP access for the {@code google-oauth2} connection
	 */
	public WebClientGmail(ProviderHttp http) {
		this.http = Objects.requireNonNull(http, "http must not be null");
	}

	/**
	 * Searches the mailbox ({@code messages.list}), then fetches each match's summary
	 * ({@code messages.get?format=metadata}), a few at a time, keeping Gmail's order
	 * (newest first). A message deleted between the two steps is left out.
	 * @param caller the caller
	 * @param query a Gmail query
	 * @param maxResults the most messages
	 * @return the summaries as tool results
	 */
	public Mono<List<Map<String, Object>>> search(Caller caller, String query, int maxResults) {
		return this.http
			.read(caller, "mailbox",
					(client) -> client.get()
						.uri("/users/me/messages?q={q}&maxResults={max}", Map.of("q", query, "max", maxResults)))
			.flatMapMany((list) -> Flux.fromIterable(list.path("messages").values()))
			.map((message) -> message.path("id"))
			.filter(JsonNode::isString)
			.map(JsonNode::stringValue)
			.take(maxResults)
			.flatMapSequential((id) -> this.http.find(caller, "message " + id, (client) -> client.get()
				.uri("/users/me/messages/{id}?format=metadata&metadataHeaders=From&metadataHeaders=Subject&metadataHeaders=Date",
						id)),
					SEARCH_CONCURRENCY)
			.map(WebClientGmail::summary)
			.collectList();
	}

	/**
	 * Reads one message ({@code messages.get?format=raw}) and parses its MIME structure.
	 * @param caller the caller
	 * @param messageId the message id
	 * @return the message as a tool result
	 */
	public Mono<Map<String, Object>> get(Caller caller, String messageId) {
		String subject = "message " + messageId;
		return this.http
			.read(caller, subject, (client) -> client.get().uri("/users/me/messages/{id}?format=raw", messageId))
			.publishOn(Schedulers.boundedElastic())
			.map((raw) -> message(raw, messageId));
	}

	/**
	 * Reads a thread ({@code threads.get?format=metadata}, Gmail lists its messages
	 * oldest first) for a reply to its last message that is not a draft.
	 * @param caller the caller
	 * @param threadId the thread id
	 * @return the thread, empty when Gmail knows no such thread
	 */
	public Mono<MailThread> findThread(Caller caller, String threadId) {
		return this.http
			.find(caller, "thread " + threadId, (client) -> client.get()
				.uri("/users/me/threads/{id}?format=metadata&metadataHeaders=Message-ID&metadataHeaders=References",
						threadId))
			.map((thread) -> {
				JsonNode last = null;
				for (JsonNode message : thread.path("messages").values()) {
					if (!isDraft(message)) {
						last = message;
					}
				}
				if (last == null) {
					return new MailThread(thread.path("id").asString(threadId), null, null);
				}
				JsonNode headers = last.path("payload").path("headers");
				return MailThread.replyingTo(thread.path("id").asString(threadId), header(headers, "Message-ID"),
						header(headers, "References"));
			});
	}

	private static boolean isDraft(JsonNode message) {
		for (JsonNode label : message.path("labelIds").values()) {
			if ("DRAFT".equals(label.asString(""))) {
				return true;
			}
		}
		return false;
	}

	private static Map<String, Object> summary(JsonNode message) {
		Map<String, Object> summary = new LinkedHashMap<>();
		summary.put("id", message.path("id").asString(""));
		summary.put("thread_id", message.path("threadId").asString(""));
		JsonNode headers = message.path("payload").path("headers");
		putString(summary, "from", header(headers, "From"));
		putString(summary, "subject", header(headers, "Subject"));
		String date = header(headers, "Date");
		putString(summary, "date", (date != null) ? isoDate(date) : null);
		ProviderJson.putString(summary, "snippet", message.path("snippet"));
		return summary;
	}

	private static Map<String, Object> message(JsonNode raw, String messageId) {
		JsonNode encoded = raw.path("raw");
		if (!encoded.isString()) {
			throw new ToolFailure("Gmail sent message " + messageId + " without its content; try again shortly.");
		}
		MailMessage mail;
		try {
			// Gmail: "raw" is the whole RFC 2822 message, base64url-encoded.
			mail = MimeReader.read(Base64.getUrlDecoder().decode(encoded.stringValue()));
		}
		catch (IllegalArgumentException | MessagingException | IOException ex) {
			throw new ToolFailure("Gmail message " + messageId + " could not be read as an email message.");
		}
		Map<String, Object> result = new LinkedHashMap<>();
		result.put("id", raw.path("id").asString(messageId));
		result.put("thread_id", raw.path("threadId").asString(""));
		putString(result, "from", mail.from());
		ProviderJson.putList(result, "to", mail.to());
		ProviderJson.putList(result, "cc", mail.cc());
		putString(result, "subject", mail.subject());
		if (mail.sent() != null) {
			result.put("date", DateTimeFormatter.ISO_INSTANT.format(mail.sent()));
		}
		else {
			putString(result, "date", mail.dateHeader());
		}
		putString(result, "body", mail.body());
		ProviderJson.putList(result, "attachments", mail.attachments());
		return result;
	}

	private static @Nullable String header(JsonNode headers, String name) {
		for (JsonNode header : headers.values()) {
			if (name.equalsIgnoreCase(header.path("name").asString("")) && header.path("value").isString()) {
				return header.path("value").stringValue();
			}
		}
		return null;
	}

	/** An RFC 5322 date as an RFC 3339 instant, or as written when unreadable. */
	private static String isoDate(String header) {
		try {
			return DateTimeFormatter.ISO_INSTANT.format(new MailDateFormat().parse(header).toInstant());
		}
		catch (ParseException ex) {
			return header;
		}
	}

	private static void putString(Map<String, Object> result, String key, @Nullable String value) {
		if (value != null) {
			result.put(key, value);
		}
	}

}
