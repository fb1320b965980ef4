package dev.countersign.examples.sandbox;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UnsupportedEncodingException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.activation.DataHandler;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.util.ByteArrayDataSource;
import org.jspecify.annotations.Nullable;

import dev.countersign.server.tool.ToolCatalog;

/**
 * Each sandbox user's Gmail mailbox, seeded the first time the user is seen with a dozen
 * real RFC 822 messages (built with Jakarta Mail) dated back from the clock at that
 * moment: plain text, {@code multipart/alternative}, {@code multipart/mixed} with
 * attachments, and replies in threads. Every user gets a copy of their own. Thread-safe.
 */
final class SandboxMailboxes {

	/** Grace's renewal message, {@code multipart/alternative}, unread. */
	static final String RENEWAL = ToolCatalog.EXAMPLE_MESSAGE_ID;

	/** The user's reply to {@link #RENEWAL}, in its thread. */
	static final String RENEWAL_REPLY = "18f2a9c4d5e6b702";

	/** A plain-text invitation to lunch. */
	static final String LUNCH = "18f2a9c4d5e6b6f3";

	/** The user's reply to {@link #LUNCH}. */
	static final String LUNCH_REPLY = "18f2a9c4d5e6b6f4";

	/** A {@code multipart/mixed} message with a CSV attachment. */
	static final String PLANNING_DECK = "18f2a9c4d5e6b6e1";

	/** A GitHub notification about the seeded pull request. */
	static final String GITHUB_NOTIFICATION = "18f2a9c4d5e6b6d2";

	/** An invoice with a PDF attachment. */
	static final String INVOICE = "18f2a9c4d5e6b6c3";

	/** A security alert, {@code multipart/alternative}. */
	static final String SECURITY_ALERT = "18f2a9c4d5e6b6b4";

	/** An HTML-only newsletter. */
	static final String NEWSLETTER = "18f2a9c4d5e6b6a5";

	/** Offsite logistics, plain text. */
	static final String OFFSITE = "18f2a9c4d5e6b696";

	/** A starred acceptance of a talk. */
	static final String TALK_ACCEPTED = "18f2a9c4d5e6b687";

	/** The oldest message, a welcome from Northwind. */
	static final String WELCOME = "18f2a9c4d5e6b678";

	/** Newest first, as Gmail lists. */
	static final Comparator<MailMessage> NEWEST_FIRST = Comparator.comparing(MailMessage::internalDate)
		.reversed()
		.thenComparing(MailMessage::id, Comparator.reverseOrder());

	private static final Session SESSION = Session.getInstance(new Properties());

	private static final String GRACE = ToolCatalog.EXAMPLE_RECIPIENT;

	private final Clock clock;

	private final Map<String, Map<String, MailMessage>> mailboxes = new ConcurrentHashMap<>();

	private final Map<String, List<String>> envelopes = new ConcurrentHashMap<>();

	SandboxMailboxes(Clock clock) {
		this.clock = clock;
	}

	/**
	 * A user's messages, seeding them on first use.
	 * @param user the sandbox user name
	 * @return a snapshot, newest first
	 */
	List<MailMessage> messages(String user) {
		List<MailMessage> messages = new ArrayList<>(mailbox(user).values());
		messages.sort(NEWEST_FIRST);
		return messages;
	}

	Optional<MailMessage> find(String user, String id) {
		return Optional.ofNullable(mailbox(user).get(id));
	}

	/**
	 * Stores a message, replacing one with the same id.
	 * @param user the sandbox user name
	 * @param message the message
	 */
	void put(String user, MailMessage message) {
		mailbox(user).put(message.id(), message);
	}

	/**
	 * Stores a new message, unless one with its id exists.
	 * @param user the sandbox user name
	 * @param message the message
	 * @return whether it was stored
	 */
	boolean insert(String user, MailMessage message) {
		return mailbox(user).putIfAbsent(message.id(), message) == null;
	}

	/**
	 * Records where a sent message was delivered.
	 * @param user the sandbox user name
	 * @param id the message id
	 * @param recipients every To, Cc and Bcc address
	 */
	void delivered(String user, String id, List<String> recipients) {
		this.envelopes.put(user + "\n" + id, List.copyOf(recipients));
	}

	/**
	 * Where a message sent through the API was delivered: its To, Cc and Bcc addresses,
	 * Bcc included although the stored message no longer names it.
	 * @param user the sandbox user name
	 * @param id the message id
	 * @return the addresses, lower-cased; empty for a message not sent through the API
	 */
	List<String> envelope(String user, String id) {
		return this.envelopes.getOrDefault(user + "\n" + id, List.of());
	}

	private Map<String, MailMessage> mailbox(String user) {
		return this.mailboxes.computeIfAbsent(user, this::seed);
	}

	private Map<String, MailMessage> seed(String user) {
		try {
			return new Seed(user, this.clock.instant()).messages();
		}
		catch (MessagingException | IOException ex) {
			throw new IllegalStateException("Could not build the seeded mailbox", ex);
		}
	}

	/**
	 * Builds one user's seeded mailbox.
	 */
	private static final class Seed {

		private final InternetAddress me;

		private final Instant now;

		private final Map<String, MailMessage> messages = new ConcurrentHashMap<>();

		Seed(String user, Instant now) throws UnsupportedEncodingException {
			this.me = new InternetAddress(SandboxUsers.email(user),
					SandboxUsers.DEFAULT_USER.equals(user) ? "Ada Lovelace" : user);
			this.now = now.truncatedTo(ChronoUnit.SECONDS);
		}

		Map<String, MailMessage> messages() throws MessagingException, IOException {
			InternetAddress grace = address(GRACE, "Grace Hopper");
			InternetAddress charles = address("charles.babbage@countersign.example", "Charles Babbage");
			MimeMessage renewal = message(grace, this.me, "Northwind contract renewal: terms for next year",
					Duration.ofHours(3));
			alternative(renewal, """
					Hi Ada,

					Our contract renewal is due at the end of the month. We would like to renew for two years at the
					current rate, with the support tier raised to Gold. Could you confirm the terms by Friday?

					Best,
					Grace Hopper
					Northwind Traders""", """
					<p>Hi Ada,</p><p>Our contract <b>renewal</b> is due at the end of the month. We would like to
					renew for two years at the current rate, with the support tier raised to <b>Gold</b>. Could you
					confirm the terms by Friday?</p><p>Best,<br>Grace Hopper<br>Northwind Traders</p>""");
			store(RENEWAL, RENEWAL, renewal, "INBOX", "UNREAD", "IMPORTANT", "CATEGORY_PERSONAL");

			MimeMessage renewalReply = reply(renewal, this.me, grace, Duration.ofMinutes(40));
			renewalReply.setText("""
					Hi Grace,

					Thanks, two years at the current rate works for us. I will send the Gold tier terms tomorrow.

					Ada""", "UTF-8");
			store(RENEWAL_REPLY, RENEWAL, renewalReply, "SENT");

			MimeMessage lunch = message(charles, this.me, "Lunch on Thursday?", Duration.ofHours(5));
			lunch.setText("""
					Ada, are you free for lunch on Thursday? The Mill Café at 12:30, my treat.

					Charles""", "UTF-8");
			store(LUNCH, LUNCH, lunch, "INBOX", "CATEGORY_PERSONAL");

			MimeMessage lunchReply = reply(lunch, this.me, charles, Duration.ofHours(4));
			lunchReply.setText("Thursday at 12:30 is perfect. See you there!\n\nAda", "UTF-8");
			store(LUNCH_REPLY, LUNCH, lunchReply, "SENT");

			MimeMessage deck = message(address("mary.somerville@countersign.example", "Mary Somerville"), this.me,
					"Q4 planning: pipeline export", Duration.ofDays(1));
			mixed(deck, """
					Ada,

					Attached is the pipeline export for the Q4 planning meeting. Northwind's renewal is the largest
					line; the Contoso expansion is still at the proposal stage.

					Mary""", attachment("pipeline-q4.csv", "text/csv", """
					deal,stage,amount
					Northwind renewal,negotiation,120000
					Contoso expansion,proposal,45000
					Fabrikam pilot,qualified,18000
					""".getBytes(StandardCharsets.UTF_8)));
			store(PLANNING_DECK, PLANNING_DECK, deck, "INBOX", "IMPORTANT", "CATEGORY_PERSONAL");

			MimeMessage notification = message(
					address("notifications@github.com", "Charles Babbage"), this.me, "[" + ToolCatalog.EXAMPLE_REPO
							+ "] Fix carry propagation in the mill (PR #" + ToolCatalog.EXAMPLE_PULL_REQUEST + ")",
					Duration.ofHours(26));
			notification.setText("""
					@charles-babbage requested your review on: %s#%d Fix carry propagation in the mill.

					Reply to this email directly or view it on GitHub:
					https://github.com/%s/pull/%d""".formatted(ToolCatalog.EXAMPLE_REPO,
					ToolCatalog.EXAMPLE_PULL_REQUEST, ToolCatalog.EXAMPLE_REPO, ToolCatalog.EXAMPLE_PULL_REQUEST),
					"UTF-8");
			store(GITHUB_NOTIFICATION, GITHUB_NOTIFICATION, notification, "INBOX", "UNREAD", "CATEGORY_UPDATES");

			MimeMessage invoice = message(address("billing@contoso.example", "Contoso Billing"), this.me,
					"Invoice INV-2041 for October", Duration.ofDays(3));
			mixed(invoice, "Please find invoice INV-2041 (EUR 4,800.00, due in 30 days) attached.\n\nContoso Billing",
					attachment("INV-2041.pdf", "application/pdf",
							"%PDF-1.4\n% sandbox invoice INV-2041\n%%EOF\n".getBytes(StandardCharsets.US_ASCII)));
			store(INVOICE, INVOICE, invoice, "INBOX", "CATEGORY_UPDATES");

			MimeMessage alert = message(address("no-reply@accounts.google.com", "Google"), this.me,
					"Security alert: new sign-in on Linux", Duration.ofDays(4));
			alternative(alert, "A new sign-in to your Google Account was detected on a Linux device.",
					"<p>A new sign-in to your Google Account was detected on a <b>Linux</b> device.</p>");
			store(SECURITY_ALERT, SECURITY_ALERT, alert, "INBOX", "CATEGORY_UPDATES");

			MimeMessage newsletter = message(address("newsletter@northwind.example", "Northwind Traders"), this.me,
					"Northwind monthly: what's new", Duration.ofDays(6));
			newsletter.setContent("<html><body><h1>Northwind monthly</h1><p>New warehouses in Lyon and Turin; "
					+ "partner pricing for next year.</p></body></html>", "text/html; charset=UTF-8");
			store(NEWSLETTER, NEWSLETTER, newsletter, "INBOX", "CATEGORY_PROMOTIONS");

			MimeMessage offsite = message(address("ops@countersign.example", "Countersign Ops"), this.me,
					"Offsite logistics", Duration.ofDays(10));
			offsite.setText("The team offsite is at Bletchley Park. The coach leaves at 08:00 from the office.",
					"UTF-8");
			store(OFFSITE, OFFSITE, offsite, "INBOX");

			MimeMessage talk = message(address("program@engines.example", "Engines Conference"), this.me,
					"Your talk was accepted: Notes on the Analytical Engine", Duration.ofDays(20));
			alternative(talk, "Congratulations! Your talk \"Notes on the Analytical Engine\" was accepted.",
					"<p>Congratulations! Your talk <i>Notes on the Analytical Engine</i> was accepted.</p>");
			store(TALK_ACCEPTED, TALK_ACCEPTED, talk, "INBOX", "STARRED");

			MimeMessage welcome = message(grace, this.me, "Welcome to Northwind's partner programme",
					Duration.ofDays(45));
			welcome.setText("Welcome aboard! Your partner manager is Grace Hopper.", "UTF-8");
			store(WELCOME, WELCOME, welcome, "INBOX");
			return this.messages;
		}

		private MimeMessage message(InternetAddress from, InternetAddress to, String subject, Duration age)
				throws MessagingException {
			MimeMessage message = new MimeMessage(SESSION);
			message.setFrom(from);
			message.setRecipient(Message.RecipientType.TO, to);
			message.setSubject(subject, "UTF-8");
			message.setSentDate(Date.from(this.now.minus(age)));
			return message;
		}

		private MimeMessage reply(MimeMessage original, InternetAddress from, InternetAddress to, Duration age)
				throws MessagingException {
			MimeMessage reply = message(from, to, "Re: " + original.getSubject(), age);
			String id = original.getMessageID();
			reply.setHeader("In-Reply-To", id);
			reply.setHeader("References", id);
			return reply;
		}

		private void store(String id, String threadId, MimeMessage message, String... labels)
				throws MessagingException, IOException {
			message.saveChanges();
			// saveChanges() makes a Message-ID; Gmail keeps the sender's, so set a stable
			// one.
			message.setHeader("Message-ID", "<" + id + "@mail.countersign.example>");
			ByteArrayOutputStream out = new ByteArrayOutputStream();
			message.writeTo(out);
			Instant received = message.getSentDate().toInstant();
			this.messages.put(id, MailMessage.of(id, threadId, Set.of(labels), received, out.toByteArray()));
		}

		private static void alternative(MimeMessage message, String text, String html) throws MessagingException {
			MimeMultipart alternative = new MimeMultipart("alternative");
			MimeBodyPart plain = new MimeBodyPart();
			plain.setText(text, "UTF-8");
			MimeBodyPart rich = new MimeBodyPart();
			rich.setContent("<html><body>" + html + "</body></html>", "text/html; charset=UTF-8");
			alternative.addBodyPart(plain);
			alternative.addBodyPart(rich);
			message.setContent(alternative);
		}

		private static void mixed(MimeMessage message, String text, MimeBodyPart attachment) throws MessagingException {
			MimeMultipart mixed = new MimeMultipart("mixed");
			MimeBodyPart body = new MimeBodyPart();
			body.setText(text, "UTF-8");
			mixed.addBodyPart(body);
			mixed.addBodyPart(attachment);
			message.setContent(mixed);
		}

		private static MimeBodyPart attachment(String filename, String type, byte[] content) throws MessagingException {
			MimeBodyPart part = new MimeBodyPart();
			part.setDataHandler(new DataHandler(new ByteArrayDataSource(content, type)));
			part.setFileName(filename);
			part.setDisposition(Part.ATTACHMENT);
			return part;
		}

		private static InternetAddress address(String email, @Nullable String name)
				throws UnsupportedEncodingException {
			return new InternetAddress(email, name, "UTF-8");
		}

	}

}
