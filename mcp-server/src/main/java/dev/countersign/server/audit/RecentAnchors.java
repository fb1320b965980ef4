package dev.countersign.server.audit;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import dev.countersign.policy.audit.AuditCheckpoint;

/**
 * The newest checkpoint this replica made for each of the users it served lately: anchors
 * outside the store that {@code GET /api/v1/audit/verify} checks the stored chain
 * against, so that a stream deleted or cut off at the tail in the store is found without
 * reading the application log back. The log keeps every anchor; this keeps one per user
 * for at most {@code capacity} users (the least recently anchored are forgotten first)
 * and is lost on restart. Thread-safe.
 */
public final class RecentAnchors implements Consumer<AuditCheckpoint> {

	/** How many users' anchors are kept by default. */
	public static final int DEFAULT_CAPACITY = 10_000;

	private final Map<String, AuditCheckpoint> newest;

	/**
	 * Keeps the newest anchor of up to {@code capacity} users.
	 * @param capacity how many users, at least 1
	 */
	public RecentAnchors(int capacity) {
		if (capacity < 1) {
			throw new IllegalArgumentException("capacity must be positive, but was " + capacity);
		}
		this.newest = new LinkedHashMap<>(16, 0.75f, true) {

			@Override
			protected boolean removeEldestEntry(Map.Entry<String, AuditCheckpoint> eldest) {
				return size() > capacity;
			}

		};
	}

	/**
	 * Keeps a checkpoint as its user's newest unless a higher one is kept already.
	 * @param checkpoint a checkpoint just made
	 */
	@Override
	public synchronized void accept(AuditCheckpoint checkpoint) {
		this.newest.merge(checkpoint.user(), checkpoint,
				(kept, made) -> (made.sequence() >= kept.sequence()) ? made : kept);
	}

	/**
	 * The anchors kept for a user.
	 * @param user the user id
	 * @return the newest checkpoint this replica made for them, or none
	 */
	public synchronized List<AuditCheckpoint> of(String user) {
		AuditCheckpoint kept = this.newest.get(user);
		return (kept != null) ? List.of(kept) : List.of();
	}

}
