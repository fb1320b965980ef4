package dev.countersign.policy.approval;

import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * Where a {@link Batch} stands. The legal moves are encoded once, in
 * {@link #canMoveTo(BatchStatus)}:
 *
 * <pre>
 * OPEN      → REQUESTED | EXPIRED | FAILED
 * REQUESTED → APPROVED | DENIED | EXPIRED | FAILED
 * </pre>
 */
public enum BatchStatus {

	/**
	 * Closed over its actions and signed; its CIBA request has not been started yet (it
	 * is open for asking).
	 */
	OPEN,

	/** Its CIBA request was started; the {@code auth_req_id} is recorded. */
	REQUESTED,

	/** The user approved it on the phone. */
	APPROVED,

	/** The user denied it (or CIBA answered {@code access_denied}). */
	DENIED,

	/** The request or its actions lapsed before an answer. */
	EXPIRED,

	/**
	 * It could not be asked for, or its approval was refused (for example as tampered).
	 */
	FAILED;

	private static final Map<BatchStatus, Set<BatchStatus>> NEXT;

	static {
		Map<BatchStatus, Set<BatchStatus>> next = new EnumMap<>(BatchStatus.class);
		for (BatchStatus status : values()) {
			next.put(status, Collections.emptySet());
		}
		next.put(OPEN, Collections.unmodifiableSet(EnumSet.of(REQUESTED, EXPIRED, FAILED)));
		next.put(REQUESTED, Collections.unmodifiableSet(EnumSet.of(APPROVED, DENIED, EXPIRED, FAILED)));
		NEXT = Collections.unmodifiableMap(next);
	}

	/**
	 * Whether a batch in this status may move to {@code next}.
	 * @param next the status to move to
	 * @return true when the move is legal; false for any status to itself
	 */
	public boolean canMoveTo(BatchStatus next) {
		return NEXT.get(this).contains(next);
	}

	/**
	 * Whether the batch can never change again.
	 * @return true for {@code APPROVED}, {@code DENIED}, {@code EXPIRED} and
	 * {@code FAILED}
	 */
	public boolean terminal() {
		return NEXT.get(this).isEmpty();
	}

}
