package dev.countersign.server.tool.email;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * A Gmail thread as a reply to it needs it: the {@code In-Reply-To} and
 * {@code References} headers that tie a new message to the thread's last message (RFC
 * 5322 §3.6.4).
 *
 * @param id the Gmail thread id
 * @param inReplyTo the {@code Message-ID} of the thread's last message (drafts left out),
 * or null when it carries none that is well formed
 * @param references that message's references followed by its {@code Message-ID}, or null
 * with {@code inReplyTo}
 */
public record MailThread(String id, @Nullable String inReplyTo, @Nullable String references) {

	/**
	 * The most message ids a {@code References} header keeps: the first and the latest.
	 */
	public static final int MAX_REFERENCES = 20;

	// RFC 5322 §3.6.4 msg-id, kept to printable ASCII without brackets or white space:
	// nothing that could end a header line.
	private static final Pattern MESSAGE_ID = Pattern.compile("<[!-;=?-~]{1,250}>");

	private static final Pattern ANY_ID = Pattern.compile("<[^<>]*>");

	public MailThread {
		Objects.requireNonNull(id, "id must not be null");
		if (inReplyTo != null && !isMessageId(inReplyTo)) {
			throw new IllegalArgumentException("inReplyTo must be a message id, but was " + inReplyTo);
		}
		if (references != null && !isReferences(references)) {
			throw new IllegalArgumentException("references must be message ids, but was " + references);
		}
	}

	/**
	 * The thread with the reply headers for a last message.
	 * @param id the thread id
	 * @param lastMessageId the last message's {@code Message-ID} header, or null
	 * @param lastReferences the last message's {@code References} header, or null
	 * @return the thread; without reply headers when the message id is not well formed
	 */
	static MailThread replyingTo(String id, @Nullable String lastMessageId, @Nullable String lastReferences) {
		String parent = (lastMessageId != null) ? lastMessageId.strip() : null;
		if (parent == null || !isMessageId(parent)) {
			return new MailThread(id, null, null);
		}
		List<String> chain = new ArrayList<>();
		if (lastReferences != null) {
			Matcher ids = ANY_ID.matcher(lastReferences);
			while (ids.find()) {
				if (isMessageId(ids.group()) && !chain.contains(ids.group())) {
					chain.add(ids.group());
				}
			}
		}
		chain.remove(parent);
		chain.add(parent);
		if (chain.size() > MAX_REFERENCES) {
			// Keep the thread's first message and the latest ones.
			List<String> kept = new ArrayList<>();
			kept.add(chain.get(0));
			kept.addAll(chain.subList(chain.size() - MAX_REFERENCES + 1, chain.size()));
			chain = kept;
		}
		return new MailThread(id, parent, String.join(" ", chain));
	}

	/**
	 * Whether a value is one well-formed message id, {@code <left@right>}, safe to write
	 * as a header value.
	 * @param value the value
	 * @return whether it is
	 */
	public static boolean isMessageId(String value) {
		return MESSAGE_ID.matcher(value).matches();
	}

	/**
	 * Whether a value is a space-separated list of well-formed message ids.
	 * @param value the value
	 * @return whether it is
	 */
	public static boolean isReferences(String value) {
		String[] ids = value.split(" ");
		if (ids.length > MAX_REFERENCES) {
			return false;
		}
		for (String one : ids) {
			if (!isMessageId(one)) {
				return false;
			}
		}
		return true;
	}

}
