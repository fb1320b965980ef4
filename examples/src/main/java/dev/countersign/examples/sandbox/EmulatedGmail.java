package dev.countersign.examples.sandbox;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import jakarta.mail.Address;
import jakarta.mail.Header;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * An EMULATED Gmail API v1 under {@value #BASE_PATH}: {@code GET /users/me/messages}
 * (with {@code q}, {@code maxResults}, {@code pageToken}, {@code labelIds}) and
 * {@code GET /users/me/messages/{id}} in the formats {@code full} (the default),
 * {@code metadata} (with repeated {@code metadataHeaders}), {@code minimal} and
 * {@code raw} (base64url RFC 822), and {@code GET /users/me/threads/{id}} (its messages
 * oldest first, in {@code full}, {@code metadata} or {@code minimal}), over the user's
 * mailbox in {@link SandboxMailboxes}. Writes: {@code POST /users/me/drafts} and
 * {@code POST /users/me/messages/send} store the message (labelled {@code DRAFT} or
 * {@code SENT}, searchable at once), each counted in {@link ProviderWrites}; a sent
 * message is delivered to its To, Cc and Bcc addresses (kept as its envelope) and stored
 * without its Bcc header. Answers and errors have Gmail's shapes: a list without matches
 * has no {@code messages}.
 */
final class EmulatedGmail extends EmulatedGoogleApi {

	static final String BASE_PATH = "/sandbox/google/gmail/v1";

	static final int DEFAULT_MAX_RESULTS = 100;

	static final int MAX_MAX_RESULTS = 500;

	private static final Set<String> FORMATS = Set.of("full", "metadata", "minimal", "raw");

	private final SandboxMailboxes mailboxes;

	private final Clock clock;

	private final ProviderWrites writes;

	private final SecureRandom random = new SecureRandom();

	EmulatedGmail(SandboxMailboxes mailboxes, EmulatedProviderTokens tokens, ProviderFaults faults, Clock clock,
			ProviderWrites writes) {
		super(tokens, faults.gmail());
		this.mailboxes = mailboxes;
		this.clock = clock;
		this.writes = writes;
	}

	RouterFunction<ServerResponse> routes() {
		return RouterFunctions.route()
			.GET(BASE_PATH + "/users/{userId}/messages", authorized(this::list))
			.GET(BASE_PATH + "/users/{userId}/messages/{id}", authorized(this::get))
			.GET(BASE_PATH + "/users/{userId}/threads/{id}", authorized(this::thread))
			.POST(BASE_PATH + "/users/{userId}/drafts", authorizedWrite(this::draft))
			.POST(BASE_PATH + "/users/{userId}/messages/send", authorizedWrite(this::send))
			.build();
	}

	private Mono<ServerResponse> list(ServerRequest request, EmulatedProviderTokens.Grant grant) {
		String user = grant.user();
		requireMailbox(request.pathVariable("userId"), user);
		int maxResults = Pages.size(request.queryParam("maxResults").orElse(null), DEFAULT_MAX_RESULTS,
				MAX_MAX_RESULTS);
		GmailQuery query = GmailQuery.parse(request.queryParam("q").orElse(""), this.clock.instant());
		List<String> labelIds = request.queryParams().getOrDefault("labelIds", List.of());
		List<MailMessage> matching = this.mailboxes.messages(user)
			.stream()
			// Gmail leaves spam and trash out unless includeSpamTrash=true.
			.filter((message) -> !message.labelIds().contains("SPAM") && !message.labelIds().contains("TRASH"))
			.filter((message) -> message.labelIds().containsAll(labelIds))
			.filter(query::matches)
			.toList();
		int offset = Pages.offset(request.queryParam("pageToken").orElse(null));
		List<MailMessage> page = Pages.page(matching, offset, maxResults);
		Map<String, @Nullable Object> body = Json.object();
		if (!page.isEmpty()) {
			body.put("messages",
					page.stream()
						.map((message) -> Json.object("id", message.id(), "threadId", message.threadId()))
						.toList());
		}
		if (offset + maxResults < matching.size()) {
			body.put("nextPageToken", Pages.token(offset + maxResults));
		}
		body.put("resultSizeEstimate", matching.size());
		return ok(body);
	}

	private Mono<ServerResponse> get(ServerRequest request, EmulatedProviderTokens.Grant grant) {
		String user = grant.user();
		requireMailbox(request.pathVariable("userId"), user);
		String id = request.pathVariable("id");
		String format = request.queryParam("format").orElse("full").toLowerCase(Locale.ROOT);
		if (!FORMATS.contains(format)) {
			throw ProviderApiException.badRequest("Invalid value at 'format' (type.googleapis.com/gmail.Format), \""
					+ request.queryParam("format").orElse("") + "\"");
		}
		if (!id.matches("[0-9a-fA-F]{1,32}")) {
			throw ProviderApiException.badRequest("Invalid id value");
		}
		MailMessage message = this.mailboxes.find(user, id.toLowerCase(Locale.ROOT))
			.orElseThrow(() -> ProviderApiException.notFound("Requested entity was not found."));
		return ok(render(message, format, request.queryParams().getOrDefault("metadataHeaders", List.of())));
	}

	// threads.get: the thread's messages oldest first, each as messages.get renders it
	// (format full, metadata or minimal; raw is not a thread format).
	private Mono<ServerResponse> thread(ServerRequest request, EmulatedProviderTokens.Grant grant) {
		String user = grant.user();
		requireMailbox(request.pathVariable("userId"), user);
		String id = request.pathVariable("id");
		String format = request.queryParam("format").orElse("full").toLowerCase(Locale.ROOT);
		if (!FORMATS.contains(format) || format.equals("raw")) {
			throw ProviderApiException.badRequest("Invalid value at 'format' (type.googleapis.com/gmail.Format), \""
					+ request.queryParam("format").orElse("") + "\"");
		}
		if (!id.matches("[0-9a-fA-F]{1,32}")) {
			throw ProviderApiException.badRequest("Invalid id value");
		}
		String threadId = id.toLowerCase(Locale.ROOT);
		List<MailMessage> messages = new ArrayList<>(this.mailboxes.messages(user)
			.stream()
			.filter((message) -> message.threadId().equals(threadId))
			.toList());
		if (messages.isEmpty()) {
			throw ProviderApiException.notFound("Requested entity was not found.");
		}
		Collections.reverse(messages);
		List<String> wanted = request.queryParams().getOrDefault("metadataHeaders", List.of());
		MailMessage latest = messages.get(messages.size() - 1);
		return ok(Json.object("id", threadId, "historyId",
				Long.toString(latest.internalDate().getEpochSecond() % 10_000_000L), "messages",
				messages.stream().map((message) -> render(message, format, wanted)).toList()));
	}

	private static Map<String, @Nullable Object> render(MailMessage message, String format, List<String> wanted) {
		Map<String, @Nullable Object> body = Json.object("id", message.id(), "threadId", message.threadId(), "labelIds",
				new ArrayList<>(new TreeSet<>(message.labelIds())), "snippet", message.snippet());
		byte[] raw = message.raw();
		if (format.equals("full") || format.equals("metadata")) {
			body.put("payload", format.equals("full") ? full(message) : metadata(message, wanted));
		}
		body.put("sizeEstimate", raw.length);
		body.put("historyId", Long.toString(message.internalDate().getEpochSecond() % 10_000_000L));
		body.put("internalDate", Long.toString(message.internalDate().toEpochMilli()));
		if (format.equals("raw")) {
			body.put("raw", Base64.getUrlEncoder().encodeToString(raw));
		}
		return body;
	}

	private Mono<ServerResponse> draft(ServerRequest request, EmulatedProviderTokens.Grant grant) {
		String user = grant.user();
		requireMailbox(request.pathVariable("userId"), user);
		return json(request).flatMap((body) -> {
			JsonNode message = body.get("message");
			if (message == null || !message.isObject()) {
				throw ProviderApiException.badRequest("Missing draft message");
			}
			MailMessage stored = store(user, message, "DRAFT");
			this.writes.record(user, ProviderWrites.GMAIL_DRAFT);
			String draftId = "r" + Long.toUnsignedString(this.random.nextLong());
			return ok(Json.object("id", draftId, "message",
					Json.object("id", stored.id(), "threadId", stored.threadId(), "labelIds", List.of("DRAFT"))));
		});
	}

	private Mono<ServerResponse> send(ServerRequest request, EmulatedProviderTokens.Grant grant) {
		String user = grant.user();
		requireMailbox(request.pathVariable("userId"), user);
		return json(request).flatMap((body) -> {
			MailMessage sent = store(user, body, "SENT");
			this.writes.record(user, ProviderWrites.GMAIL_SEND);
			return ok(Json.object("id", sent.id(), "threadId", sent.threadId(), "labelIds", List.of("SENT")));
		});
	}

	// Stores {"raw": base64url RFC 822, "threadId"?} with one label, under a new id.
	private MailMessage store(String user, JsonNode message, String label) {
		JsonNode raw = message.get("raw");
		if (raw == null || !raw.isString() || raw.asString().isEmpty()) {
			throw ProviderApiException
				.badRequest("'raw' RFC822 payload message string or uploading message via /upload/* URL required");
		}
		byte[] bytes;
		try {
			bytes = Base64.getUrlDecoder().decode(raw.asString());
		}
		catch (IllegalArgumentException ex) {
			throw ProviderApiException
				.badRequest("Invalid value at 'message.raw' (TYPE_BYTES), Base64 decoding failed");
		}
		JsonNode threadNode = message.get("threadId");
		String threadId = (threadNode != null && threadNode.isString()) ? threadNode.asString() : null;
		if (threadId != null && this.mailboxes.messages(user)
			.stream()
			.noneMatch((existing) -> existing.threadId().equals(threadId))) {
			throw ProviderApiException.notFound("Requested entity was not found.");
		}
		for (int attempt = 0; attempt < 10; attempt++) {
			String id = "19" + HexFormat.of().toHexDigits(this.random.nextLong()).substring(2);
			MailMessage parsed;
			try {
				parsed = MailMessage.of(id, (threadId != null) ? threadId : id, Set.of(label), this.clock.instant(),
						bytes);
			}
			catch (IllegalArgumentException ex) {
				throw ProviderApiException.badRequest("Invalid RFC822 payload");
			}
			List<String> envelope = List.of();
			if ("SENT".equals(label)) {
				envelope = envelope(parsed);
				if (envelope.isEmpty()) {
					throw ProviderApiException.badRequest("Recipient address required");
				}
				// Gmail delivers to To, Cc and Bcc, and keeps the message without Bcc.
				parsed = withoutBcc(parsed);
			}
			if (this.mailboxes.insert(user, parsed)) {
				if (!envelope.isEmpty()) {
					this.mailboxes.delivered(user, parsed.id(), envelope);
				}
				return parsed;
			}
		}
		throw new IllegalStateException("Could not make a unique message id");
	}

	// Every address of To, Cc and Bcc, as Gmail delivers them.
	private static List<String> envelope(MailMessage message) {
		try {
			Address[] recipients = message.mime().getAllRecipients();
			if (recipients == null) {
				return List.of();
			}
			return Arrays.stream(recipients)
				.map((address) -> (address instanceof InternetAddress internet) ? internet.getAddress()
						: address.toString())
				.map((address) -> address.toLowerCase(Locale.ROOT))
				.distinct()
				.toList();
		}
		catch (MessagingException ex) {
			throw ProviderApiException.badRequest("Invalid To header");
		}
	}

	private static MailMessage withoutBcc(MailMessage message) {
		try {
			MimeMessage mime = message.mime();
			if (mime.getHeader("Bcc") == null) {
				return message;
			}
			mime.removeHeader("Bcc");
			ByteArrayOutputStream out = new ByteArrayOutputStream();
			mime.writeTo(out);
			return MailMessage.of(message.id(), message.threadId(), message.labelIds(), message.internalDate(),
					out.toByteArray());
		}
		catch (MessagingException | IOException ex) {
			throw ProviderApiException.badRequest("Invalid RFC822 payload");
		}
	}

	private static Mono<JsonNode> json(ServerRequest request) {
		return request.bodyToMono(JsonNode.class)
			.switchIfEmpty(Mono.error(() -> ProviderApiException.badRequest("Invalid JSON payload received.")))
			.onErrorMap((ex) -> !(ex instanceof ProviderApiException),
					(ex) -> ProviderApiException.badRequest("Invalid JSON payload received."))
			.map((body) -> {
				if (!body.isObject()) {
					throw ProviderApiException.badRequest("Invalid JSON payload received.");
				}
				return body;
			});
	}

	private static Map<String, @Nullable Object> metadata(MailMessage message, List<String> wanted) {
		MimeMessage mime = message.mime();
		Set<String> names = wanted.stream().map((name) -> name.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
		try {
			List<Map<String, @Nullable Object>> headers = headers(mime).stream()
				.filter((header) -> names.isEmpty()
						|| names.contains(String.valueOf(header.get("name")).toLowerCase(Locale.ROOT)))
				.toList();
			return Json.object("partId", "", "mimeType", mimeType(mime), "filename", "", "headers", headers);
		}
		catch (MessagingException ex) {
			throw new IllegalStateException("A stored message could not be read", ex);
		}
	}

	private static Map<String, @Nullable Object> full(MailMessage message) {
		try {
			return part(message.mime(), "", message.id());
		}
		catch (MessagingException | IOException ex) {
			throw new IllegalStateException("A stored message could not be read", ex);
		}
	}

	// Gmail's MessagePart: the root's partId is "", its children "0", "1", theirs "0.0".
	private static Map<String, @Nullable Object> part(Part part, String partId, String messageId)
			throws MessagingException, IOException {
		String filename = (part.getFileName() != null) ? part.getFileName() : "";
		Map<String, @Nullable Object> json = Json.object("partId", partId, "mimeType", mimeType(part), "filename",
				filename, "headers", headers(part));
		if (part.isMimeType("multipart/*")) {
			Multipart multipart = (Multipart) part.getContent();
			List<Map<String, @Nullable Object>> parts = new ArrayList<>();
			for (int i = 0; i < multipart.getCount(); i++) {
				parts.add(part(multipart.getBodyPart(i), partId.isEmpty() ? Integer.toString(i) : partId + "." + i,
						messageId));
			}
			json.put("body", Json.object("size", 0));
			json.put("parts", parts);
			return json;
		}
		byte[] content;
		try (var in = part.getInputStream()) {
			content = in.readAllBytes();
		}
		if (!filename.isEmpty()) {
			String attachmentId = "ANGjdJ" + Base64.getUrlEncoder()
				.withoutPadding()
				.encodeToString((messageId + ":" + partId).getBytes(StandardCharsets.UTF_8));
			json.put("body", Json.object("attachmentId", attachmentId, "size", content.length));
		}
		else {
			json.put("body",
					Json.object("size", content.length, "data", Base64.getUrlEncoder().encodeToString(content)));
		}
		return json;
	}

	private static List<Map<String, @Nullable Object>> headers(Part part) throws MessagingException {
		List<Map<String, @Nullable Object>> headers = new ArrayList<>();
		Enumeration<Header> all = part.getAllHeaders();
		for (Header header : Collections.list(all)) {
			headers.add(Json.object("name", header.getName(), "value", MailMessage.decode(header.getValue())));
		}
		return headers;
	}

	private static String mimeType(Part part) throws MessagingException {
		return new ContentType(part.getContentType()).getBaseType().toLowerCase(Locale.ROOT);
	}

	private static void requireMailbox(String userId, String user) {
		if (!"me".equals(userId) && !SandboxUsers.email(user).equalsIgnoreCase(userId)) {
			throw new ProviderApiException(HttpStatus.FORBIDDEN, "Delegation denied for " + SandboxUsers.email(user),
					"forbidden");
		}
	}

	private static Mono<ServerResponse> ok(Map<String, @Nullable Object> body) {
		return ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(body);
	}

}
