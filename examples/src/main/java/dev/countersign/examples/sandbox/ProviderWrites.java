package dev.countersign.examples.sandbox;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts the writes the emulated provider APIs applied, per user and kind, so tests can
 * check that a write happened at most once. A refused write (bad token, failed
 * precondition, injected failure) is not counted. Thread-safe.
 *
 * <pre>{@code
 * assertThat(writes.count("ada", ProviderWrites.GITHUB_MERGE)).isEqualTo(1);
 * }</pre>
 */
final class ProviderWrites {

	static final String GITHUB_ISSUE = "github.issue.create";

	static final String GITHUB_COMMENT = "github.issue.comment";

	static final String GITHUB_MERGE = "github.pull.merge";

	static final String CALENDAR_INSERT = "calendar.event.insert";

	static final String CALENDAR_DELETE = "calendar.event.delete";

	static final String GMAIL_DRAFT = "gmail.draft.create";

	static final String GMAIL_SEND = "gmail.message.send";

	private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();

	/**
	 * Counts one applied write.
	 * @param user the sandbox user name
	 * @param kind the kind, one of the constants
	 */
	void record(String user, String kind) {
		this.counts.computeIfAbsent(key(user, kind), (key) -> new AtomicLong()).incrementAndGet();
	}

	/**
	 * How many writes of a kind were applied for a user.
	 * @param user the sandbox user name
	 * @param kind the kind
	 * @return the count
	 */
	long count(String user, String kind) {
		AtomicLong count = this.counts.get(key(user, kind));
		return (count != null) ? count.get() : 0;
	}

	/**
	 * How many writes of any kind were applied for a user.
	 * @param user the sandbox user name
	 * @return the count
	 */
	long total(String user) {
		String prefix = user + "\n";
		return this.counts.entrySet()
			.stream()
			.filter((entry) -> entry.getKey().startsWith(prefix))
			.mapToLong((entry) -> entry.getValue().get())
			.sum();
	}

	private static String key(String user, String kind) {
		return user + "\n" + kind;
	}

}
