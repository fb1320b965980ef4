package dev.countersign.server.tool.email;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UnsupportedEncodingException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Properties;

import jakarta.mail.Address;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeUtility;
import org.jspecify.annotations.Nullable;

/**
 * Reads an RFC 5322 message with Jakarta Mail: its headers, its text (the text/plain
 * parts, else the text/html ones reduced to text) and the names of its attachments,
 * walking the real MIME tree (multipart/alternative, mixed, related, nested). Transfer
 * encodings and charsets are Jakarta Mail's to decode. Blocks only on the bytes it is
 * given; thread-safe.
 */
final class MimeReader {

	/** The longest body answered; longer ones are cut and marked. */
	static final int MAX_BODY_CHARS = 100_000;

	private static final Session SESSION = Session.getInstance(new Properties());

	private MimeReader() {
	}

	static MailMessage read(byte[] rfc822) throws MessagingException, IOException {
		MimeMessage message = new MimeMessage(SESSION, new ByteArrayInputStream(rfc822));
		Texts texts = new Texts();
		walk(message, texts);
		String body = !texts.plain.isEmpty() ? texts.plain.toString()
				: (!texts.html.isEmpty() ? HtmlText.reduce(texts.html.toString()) : null);
		if (body != null && body.length() > MAX_BODY_CHARS) {
			body = body.substring(0, MAX_BODY_CHARS) + "\n[… cut: the message is longer]";
		}
		Address[] from = message.getFrom();
		Date sent = message.getSentDate();
		return new MailMessage((from != null && from.length > 0) ? display(from[0]) : null,
				addresses(message.getRecipients(Message.RecipientType.TO)),
				addresses(message.getRecipients(Message.RecipientType.CC)), message.getSubject(),
				(sent != null) ? sent.toInstant() : null, message.getHeader("Date", null), body,
				List.copyOf(texts.attachments));
	}

	private static void walk(Part part, Texts texts) throws MessagingException, IOException {
		if (part.isMimeType("multipart/*") && part.getContent() instanceof Multipart multipart) {
			for (int i = 0; i < multipart.getCount(); i++) {
				walk(multipart.getBodyPart(i), texts);
			}
			return;
		}
		String fileName = fileName(part);
		if (Part.ATTACHMENT.equalsIgnoreCase(part.getDisposition()) || fileName != null
				|| part.isMimeType("message/rfc822")) {
			texts.attachments.add((fileName != null) ? fileName : "attached message");
			return;
		}
		if (part.isMimeType("text/plain")) {
			append(texts.plain, lines(text(part)));
		}
		else if (part.isMimeType("text/html")) {
			append(texts.html, text(part));
		}
	}

	private static @Nullable String fileName(Part part) throws MessagingException {
		String name = part.getFileName();
		if (name == null || name.isBlank()) {
			return null;
		}
		try {
			// Some mailers put RFC 2047 words in the filename parameter; RFC 2231 is
			// decoded already.
			return MimeUtility.decodeText(name);
		}
		catch (UnsupportedEncodingException ex) {
			return name;
		}
	}

	private static String text(Part part) throws MessagingException, IOException {
		try {
			Object content = part.getContent();
			if (content instanceof String text) {
				return text;
			}
		}
		catch (UnsupportedEncodingException ex) {
			// An unknown charset: read the decoded bytes as UTF-8 rather than lose the
			// text.
		}
		try (InputStream in = part.getInputStream()) {
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
	}

	// RFC 2046 §4.1.1: text travels with CRLF line breaks; answer plain new lines.
	private static String lines(String text) {
		return text.replace("\r\n", "\n").replace('\r', '\n');
	}

	private static void append(StringBuilder texts, String text) {
		String stripped = text.strip();
		if (stripped.isEmpty()) {
			return;
		}
		if (!texts.isEmpty()) {
			texts.append("\n\n");
		}
		texts.append(stripped);
	}

	private static List<String> addresses(Address @Nullable [] addresses) {
		List<String> result = new ArrayList<>();
		if (addresses != null) {
			for (Address address : addresses) {
				result.add(display(address));
			}
		}
		return result;
	}

	private static String display(Address address) {
		return (address instanceof InternetAddress internet) ? internet.toUnicodeString() : address.toString();
	}

	private static final class Texts {

		final StringBuilder plain = new StringBuilder();

		final StringBuilder html = new StringBuilder();

		final List<String> attachments = new ArrayList<>();

	}

	/**
	 * A parsed message.
	 *
	 * @param from the sender, or null
	 * @param to the recipients
	 * @param cc the copied recipients
	 * @param subject the decoded subject, or null
	 * @param sent when it was sent, or null when the Date header is missing or unreadable
	 * @param dateHeader the Date header as written, or null
	 * @param body the text, or null when the message has none
	 * @param attachments the attachment file names
	 */
	record MailMessage(@Nullable String from, List<String> to, List<String> cc, @Nullable String subject,
			@Nullable Instant sent, @Nullable String dateHeader, @Nullable String body, List<String> attachments) {
	}

}
