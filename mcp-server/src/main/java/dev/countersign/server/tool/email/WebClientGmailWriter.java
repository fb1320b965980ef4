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
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.http.MediaType;

import dev.countersign.policy.action.Action;
import dev.countersign.server.approval.ProviderWriter;
import dev.countersign.server.approval.WriteOutcomeUnknownException;
import dev.countersign.server.approval.WriteRejectedException;
import dev.countersign.server.provider.ProviderWriteHttp;

/**
 * Executes approved {@code email_create_draft} actions: builds the message with Jakarta
 * Mail from the frozen recipients (To, Cc, Bcc), subject and plain-text body, and sends
 * it once as {@code POST /users/me/drafts} {@code {"message":{"raw":…,"threadId"?}}}.
 * Gmail fills in the sender. Answers {@code {draft_id, message_id}}. Thread-safe.
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
		return Set.of("email_create_draft");
	}

	@Override
	public Mono<Map<String, Object>> execute(Action action, @Nullable String providerToken) {
		if (providerToken == null) {
			return Mono.error(new WriteRejectedException("No Google token was obtained; nothing was sent."));
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

	/**
	 * The RFC 5322 message of a frozen draft.
	 * @param args the frozen arguments: {@code to}, {@code cc}, {@code bcc},
	 * {@code subject}, {@code body}
	 * @return the message bytes
	 * @throws WriteRejectedException when the frozen values do not make a message
	 */
	static byte[] mime(Map<String, @Nullable Object> args) {
		try {
			MimeMessage message = new MimeMessage(SESSION);
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
			throw new WriteRejectedException("The approved draft could not be built as an email message ("
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
