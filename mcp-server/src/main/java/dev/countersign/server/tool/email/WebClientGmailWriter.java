package dev.countersign.server.tool.email;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;

import jakarta.mail.Message.RecipientType;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeUtility;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClientResponseException;

import dev.countersign.policy.action.Action;
import dev.countersign.server.approval.ProviderWriter;
import dev.countersign.server.approval.WriteOutcomeUnknownException;
import dev.countersign.server.approval.WriteRejectedException;
import dev.countersign.server.provider.ProviderWriteHttp;

/**
 * Executes approved {@code email_create_draft} and {@code email_send} actions: builds the
 * message with Jakarta Mail from the frozen recipients (To, Cc, Bcc), subject and
 * plain-text body, and sends it once.
 *
 * <ul>
 * <li>Draft: {@code POST /users/me/drafts} {@code {"message":{"raw":…,"threadId"?}}};
 * Gmail fills in the sender. Answers {@code {draft_id, message_id}}.</li>
 * <li>Send: {@code POST /users/me/messages/send} {@code {"raw":…,"threadId"?}}. The
 * message also carries the frozen preconditions: {@code From} (the user's address) and,
 * for a reply, {@code In-Reply-To} and {@code References}. Bcc stays in the raw message:
 * Gmail delivers to it and strips it. Answers {@code {message_id, thread_id}}. A 4xx
 * fails with Gmail's message; a 5xx, a time limit or a lost answer is an unknown outcome,
 * since the mail may have gone out: the user checks the Sent folder.</li>
 * </ul>
 * Thread-safe.
 */
public final class WebClientGmailWriter implements ProviderWriter {

	private static final Session SESSION = Session.getInstance(new Properties());

	private final ProviderWriteHttp http;

	/**
	 * A writer over the given HTTP access, whose base URL is the API's
	 * ({@code https://gmail.googleapis.com/gmail/v1}).
	 * @param http the write access to Gmail
	 */
	public WebClientGmailWriter(ProviderWriteHttp http) {
		this.http = Objects.requireNonNull(http, "http must not be null");
	}

	@Override
	public Set<String> tools() {
		return Set.of("email_create_draft", "email_send");
	}

	@Override
	public Mono<Map<String, Object>> execute(Action action, @Nullable String providerToken) {
		if (providerToken == null) {
			return Mono.error(new WriteRejectedException("No Google token was obtained; nothing was sent."));
		}
		if ("email_send".equals(action.tool())) {
			return send(action, providerToken);
		}
		Map<String, @Nullable Object> args = action.arguments();
		String what = "the draft \"" + args.get("subject") + "\"";
		// Building the MIME may look up the local host name for the Message-ID: off the
		// event loop.
		return Mono.fromCallable(() -> mime(args)).subscribeOn(Schedulers.boundedElastic()).flatMap((raw) -> {
			Map<String, Object> message = new LinkedHashMap<>();
			// Gmail: "raw" is the whole RFC 2822 message, base64url-encoded.
			message.put("raw", Base64.getUrlEncoder().encodeToString(raw));
			if (args.get("thread_id") != null) {
				message.put("threadId", args.get("thread_id"));
			}
			return this.http.send(providerToken,
					(client) -> client.post()
						.uri("/users/me/drafts")
						.contentType(MediaType.APPLICATION_JSON)
						.bodyValue(Map.of("message", message)));
		})
			.switchIfEmpty(Mono.error(() -> new WriteOutcomeUnknownException(
					"Gmail answered " + what + " without its content; check the drafts folder.")))
			.<Map<String, Object>>map((draft) -> {
				if (!draft.path("id").isString()) {
					throw new WriteOutcomeUnknownException("Gmail answered " + what
							+ " in a form Countersign could not read; check the drafts folder.");
				}
				Map<String, Object> result = new LinkedHashMap<>();
				result.put("draft_id", draft.path("id").stringValue());
				if (draft.path("message").path("id").isString()) {
					result.put("message_id", draft.path("message").path("id").stringValue());
				}
				return result;
			})
			.onErrorMap((ex) -> this.http.explain(ex, what, providerToken,
					"Gmail found no such thread for the connected account; nothing was created."));
	}

	private Mono<Map<String, Object>> send(Action action, String providerToken) {
		Map<String, @Nullable Object> args = action.arguments();
		String what = "the message \"" + args.get("subject") + "\"";
		// Building the MIME may look up the local host name for the Message-ID: off the
		// event loop.
		return Mono.fromCallable(() -> mime(args, action.preconditions()))
			.subscribeOn(Schedulers.boundedElastic())
			.flatMap((raw) -> {
				Map<String, Object> message = new LinkedHashMap<>();
				// Gmail: "raw" is the whole RFC 2822 message, base64url-encoded.
				message.put("raw", Base64.getUrlEncoder().encodeToString(raw));
				if (args.get("thread_id") != null) {
					message.put("threadId", args.get("thread_id"));
				}
				return this.http.send(providerToken,
						(client) -> client.post()
							.uri("/users/me/messages/send")
							.contentType(MediaType.APPLICATION_JSON)
							.bodyValue(message));
			})
			.switchIfEmpty(Mono.error(() -> new WriteOutcomeUnknownException(
					"Gmail answered " + what + " without its content; check the Sent folder.")))
			.<Map<String, Object>>map((sent) -> {
				if (!sent.path("id").isString()) {
					throw new WriteOutcomeUnknownException(
							"Gmail answered " + what + " in a form Countersign could not read; check the Sent folder.");
				}
				Map<String, Object> result = new LinkedHashMap<>();
				result.put("message_id", sent.path("id").stringValue());
				if (sent.path("threadId").isString()) {
					result.put("thread_id", sent.path("threadId").stringValue());
				}
				return result;
			})
			.onErrorMap((ex) -> sendFailure(ex, what, providerToken, args.get("thread_id")));
	}

	private RuntimeException sendFailure(Throwable ex, String what, String providerToken, @Nullable Object thread) {
		if (ex instanceof WebClientResponseException response && response.getStatusCode().is5xxServerError()) {
			// An email cannot be taken back: a failed send may still have gone out.
			return new WriteOutcomeUnknownException("Gmail failed (HTTP " + response.getStatusCode().value()
					+ ") while sending " + what + "; check the Sent folder to see whether it went out.");
		}
		return this.http.explain(ex, what, providerToken,
				(thread != null) ? "Gmail found no thread " + thread + " for the connected account; nothing was sent."
						: "Gmail found no mailbox for the connected account; nothing was sent.");
	}

	/**
	 * The RFC 5322 message of a frozen draft.
	 * @param args the frozen arguments: {@code to}, {@code cc}, {@code bcc},
	 * {@code subject}, {@code body}
	 * @return the message bytes
	 * @throws WriteRejectedException when the frozen values do not make a message
	 */
	static byte[] mime(Map<String, @Nullable Object> args) {
		return mime(args, Map.of());
	}

	/**
	 * The RFC 5322 message of a frozen email.
	 * @param args the frozen arguments: {@code to}, {@code cc}, {@code bcc},
	 * {@code subject}, {@code body}
	 * @param headers the frozen preconditions that are headers: {@code from},
	 * {@code in_reply_to}, {@code references}; each optional
	 * @return the message bytes
	 * @throws WriteRejectedException when the frozen values do not make a message
	 */
	static byte[] mime(Map<String, @Nullable Object> args, Map<String, @Nullable Object> headers) {
		try {
			MimeMessage message = new MimeMessage(SESSION);
			if (headers.get("from") instanceof String from) {
				message.setFrom(new InternetAddress(from, true));
			}
			if (headers.get("in_reply_to") instanceof String parent
					&& headers.get("references") instanceof String chain) {
				// Set only what MailThread vouched for: nothing that could end a header
				// line.
				if (!MailThread.isMessageId(parent) || !MailThread.isReferences(chain)) {
					throw new WriteRejectedException(
							"The approved reply holds malformed thread headers; nothing was sent.");
				}
				message.setHeader("In-Reply-To", parent);
				message.setHeader("References", MimeUtility.fold("References: ".length(), chain));
			}
			message.setRecipients(RecipientType.TO, addresses(args.get("to")));
			message.setRecipients(RecipientType.CC, addresses(args.get("cc")));
			message.setRecipients(RecipientType.BCC, addresses(args.get("bcc")));
			message.setSubject((String) Objects.requireNonNull(args.get("subject")), StandardCharsets.UTF_8.name());
			message.setText((String) Objects.requireNonNull(args.get("body")), StandardCharsets.UTF_8.name());
			message.saveChanges();
			ByteArrayOutputStream out = new ByteArrayOutputStream();
			message.writeTo(out);
			return out.toByteArray();
		}
		catch (MessagingException | IOException ex) {
			throw new WriteRejectedException("The approved email could not be built as a message ("
					+ ex.getClass().getSimpleName() + "); nothing was sent.");
		}
	}

	private static InternetAddress @Nullable [] addresses(@Nullable Object value) throws AddressException {
		if (!(value instanceof List<?> list) || list.isEmpty()) {
			return null;
		}
		InternetAddress[] addresses = new InternetAddress[list.size()];
		for (int i = 0; i < addresses.length; i++) {
			addresses[i] = new InternetAddress((String) list.get(i), true);
		}
		return addresses;
	}

}
