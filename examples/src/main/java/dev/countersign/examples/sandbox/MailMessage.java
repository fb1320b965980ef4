package dev.countersign.examples.sandbox;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UnsupportedEncodingException;
import java.time.Instant;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;

import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeUtility;
import org.jspecify.annotations.Nullable;

/**
 * One message of an emulated Gmail mailbox: its RFC 822 bytes, as Gmail keeps them, and
 * what Gmail indexes about it for search and listing. Immutable; build it with
 * {@link #of}, which parses the bytes with Jakarta Mail.
 *
 * @param id the Gmail message id (16 hex digits)
 * @param threadId the Gmail thread id
 * @param labelIds the labels ({@code INBOX}, {@code UNREAD}, {@code SENT}, …)
 * @param internalDate when Gmail received it
 * @param raw the RFC 822 message
 * @param from the decoded {@code From} header
 * @param to the decoded {@code To} and {@code Cc} headers
 * @param subject the decoded subject
 * @param text the readable body text, attachments left out
 * @param hasAttachment whether a part is an attachment
 */
record MailMessage(String id, String threadId, Set<String> labelIds, Instant internalDate, byte[] raw, String from,
		String to, String subject, String text, boolean hasAttachment) {

	private static final Session SESSION = Session.getInstance(new Properties());

	MailMessage {
		labelIds = Set.copyOf(labelIds);
		raw = raw.clone();
	}

	@Override
	public byte[] raw() {
		return this.raw.clone();
	}

	/**
	 * Parses an RFC 822 message into a mailbox entry.
	 * @param id the message id
	 * @param threadId the thread id
	 * @param labelIds the labels
	 * @param internalDate when it was received
	 * @param raw the RFC 822 bytes
	 * @return the entry
	 * @throws IllegalArgumentException when the bytes are not a readable message
	 */
	static MailMessage of(String id, String threadId, Set<String> labelIds, Instant internalDate, byte[] raw) {
		try {
			MimeMessage message = parse(raw);
			String subject = (message.getSubject() != null) ? message.getSubject() : "";
			String to = join(header(message, "To"), header(message, "Cc"));
			StringBuilder text = new StringBuilder();
			boolean attachment = collect(message, text);
			return new MailMessage(id, threadId, labelIds, internalDate, raw, header(message, "From"), to, subject,
					text.toString().strip(), attachment);
		}
		catch (MessagingException | IOException ex) {
			throw new IllegalArgumentException("Not a readable RFC 822 message", ex);
		}
	}

	/**
	 * Parses RFC 822 bytes with Jakarta Mail.
	 * @param raw the bytes
	 * @return the message
	 * @throws MessagingException when they cannot be read
	 */
	static MimeMessage parse(byte[] raw) throws MessagingException {
		return new MimeMessage(SESSION, new ByteArrayInputStream(raw));
	}

	MimeMessage mime() {
		try {
			return parse(this.raw);
		}
		catch (MessagingException ex) {
			throw new IllegalStateException("A stored message could not be read", ex);
		}
	}

	/**
	 * The text Gmail shows in a list: the start of the body, whitespace collapsed and
	 * HTML-escaped, as Gmail's {@code snippet}.
	 * @return the snippet
	 */
	String snippet() {
		String collapsed = this.text.replaceAll("\\s+", " ").strip();
		if (collapsed.length() > 200) {
			int cut = collapsed.lastIndexOf(' ', 200);
			collapsed = collapsed.substring(0, (cut > 100) ? cut : 200);
		}
		return collapsed.replace("&", "&amp;")
			.replace("<", "&lt;")
			.replace(">", "&gt;")
			.replace("\"", "&quot;")
			.replace("'", "&#39;");
	}

	/**
	 * Everything free-text search looks at, in lower case.
	 * @return the searchable text
	 */
	String searchable() {
		return (this.from + "\n" + this.to + "\n" + this.subject + "\n" + this.text).toLowerCase(Locale.ROOT);
	}

	static String decode(String value) {
		try {
			return MimeUtility.decodeText(MimeUtility.unfold(value));
		}
		catch (UnsupportedEncodingException ex) {
			return value;
		}
	}

	private static String header(MimeMessage message, String name) throws MessagingException {
		String value = message.getHeader(name, ", ");
		return (value != null) ? decode(value) : "";
	}

	private static String join(String a, String b) {
		return (a.isEmpty() || b.isEmpty()) ? a + b : a + ", " + b;
	}

	// Appends the readable text of a part; answers whether it holds an attachment.
	private static boolean collect(Part part, StringBuilder text) throws MessagingException, IOException {
		if (Part.ATTACHMENT.equalsIgnoreCase(part.getDisposition()) || part.getFileName() != null) {
			return true;
		}
		if (part.isMimeType("multipart/alternative")) {
			Multipart multipart = (Multipart) part.getContent();
			Part chosen = null;
			for (int i = 0; i < multipart.getCount(); i++) {
				Part candidate = multipart.getBodyPart(i);
				if (chosen == null || candidate.isMimeType("text/plain")) {
					chosen = candidate;
				}
			}
			return (chosen != null) && collect(chosen, text);
		}
		if (part.isMimeType("multipart/*")) {
			Multipart multipart = (Multipart) part.getContent();
			boolean attachment = false;
			for (int i = 0; i < multipart.getCount(); i++) {
				attachment |= collect(multipart.getBodyPart(i), text);
			}
			return attachment;
		}
		if (part.isMimeType("text/plain")) {
			text.append(part.getContent()).append('\n');
		}
		else if (part.isMimeType("text/html")) {
			text.append(stripTags(String.valueOf(part.getContent()))).append('\n');
		}
		return false;
	}

	private static String stripTags(String html) {
		return html.replaceAll("(?s)<(style|script)[^>]*>.*?</\\1>", " ")
			.replaceAll("<[^>]+>", " ")
			.replace("&nbsp;", " ")
			.replace("&amp;", "&");
	}

	@Override
	public boolean equals(@Nullable Object other) {
		return (other instanceof MailMessage message) && this.id.equals(message.id);
	}

	@Override
	public int hashCode() {
		return this.id.hashCode();
	}

	@Override
	public String toString() {
		return "MailMessage[id=" + this.id + ", threadId=" + this.threadId + ", subject=" + this.subject + "]";
	}

}
