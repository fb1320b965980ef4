package dev.countersign.policy.action;

import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * Where an {@link Action} stands. The legal moves (DESIGN §4) are encoded once, in
 * {@link #canMoveTo(ActionStatus)}:
 *
 * <pre>
 * PENDING   → BATCHED | APPROVED | CANCELLED | EXPIRED
 * BATCHED   → APPROVED | DENIED | EXPIRED | CANCELLED | FAILED
 * APPROVED  → EXECUTING | EXPIRED
 * EXECUTING → SUCCEEDED | FAILED | UNKNOWN
 * UNKNOWN   → SUCCEEDED | FAILED        (the user resolves it)
 * </pre>
 *
 * {@code PENDING → APPROVED} is an auto-approval: policy let the write run without a push
 * (DESIGN §4 step 1, {@code AutoApprove}), so it never joins a batch.
 * {@code BATCHED → FAILED} covers a batch that cannot be asked for or whose approval is
 * refused as tampered (DESIGN §4 steps 4 and 6). An action moves only forward: nothing
 * returns to {@code PENDING}, and nothing leaves a {@link #terminal() terminal} status.
 */
public enum ActionStatus {

	/** Frozen, waiting to be closed into a batch. */
	PENDING,

	/** In a batch whose approval is being asked for. */
	BATCHED,

	/**
	 * Approved by the user (or auto-approved by policy); waiting for its execution
	 * window.
	 */
	APPROVED,

	/** Sent to the provider; the outcome is not known yet. */
	EXECUTING,

	/** The provider confirmed the write. */
	SUCCEEDED,

	/** The write did not happen (provider error, failed precondition, refused batch). */
	FAILED,

	/** The write may or may not have happened; the user must check and resolve it. */
	UNKNOWN,

	/** Cancelled by the agent or the user before it was approved. */
	CANCELLED,

	/** The user denied the batch, or let the request lapse on the phone. */
	DENIED,

	/**
	 * Not approved before its approve-by time, or not run inside its execution window.
	 */
	EXPIRED;

	private static final Map<ActionStatus, Set<ActionStatus>> NEXT;

	static {
		Map<ActionStatus, Set<ActionStatus>> next = new EnumMap<>(ActionStatus.class);
		for (ActionStatus status : values()) {
			next.put(status, EnumSet.noneOf(ActionStatus.class));
		}
		next.get(PENDING).addAll(EnumSet.of(BATCHED, APPROVED, CANCELLED, EXPIRED));
		next.get(BATCHED).addAll(EnumSet.of(APPROVED, DENIED, EXPIRED, CANCELLED, FAILED));
		next.get(APPROVED).addAll(EnumSet.of(EXECUTING, EXPIRED));
		next.get(EXECUTING).addAll(EnumSet.of(SUCCEEDED, FAILED, UNKNOWN));
		next.get(UNKNOWN).addAll(EnumSet.of(SUCCEEDED, FAILED));
		next.replaceAll((status, targets) -> Collections.unmodifiableSet(targets));
		NEXT = Collections.unmodifiableMap(next);
	}

	private static final Set<ActionStatus> LIVE = Collections
		.unmodifiableSet(EnumSet.of(PENDING, BATCHED, APPROVED, EXECUTING));

	/**
	 * Whether an action in this status may move to {@code next}.
	 * @param next the status to move to
	 * @return true when DESIGN §4 allows the move; false for any status to itself
	 */
	public boolean canMoveTo(ActionStatus next) {
		return NEXT.get(this).contains(next);
	}

	/**
	 * The statuses this one may move to.
	 * @return an unmodifiable set, empty for a terminal status
	 */
	public Set<ActionStatus> next() {
		return NEXT.get(this);
	}

	/**
	 * Whether the action is still on its way to running: {@code PENDING},
	 * {@code BATCHED}, {@code APPROVED} or {@code EXECUTING}. A live action is the one
	 * returned when the same write is submitted again.
	 * @return true for a live status
	 */
	public boolean live() {
		return LIVE.contains(this);
	}

	/**
	 * Whether the action can never change again. {@code UNKNOWN} is neither live nor
	 * terminal: it waits for the user to resolve it.
	 * @return true for {@code SUCCEEDED}, {@code FAILED}, {@code CANCELLED},
	 * {@code DENIED} and {@code EXPIRED}
	 */
	public boolean terminal() {
		return NEXT.get(this).isEmpty();
	}

	/**
	 * The live statuses.
	 * @return {@code PENDING}, {@code BATCHED}, {@code APPROVED}, {@code EXECUTING}
	 */
	public static Set<ActionStatus> liveStatuses() {
		return LIVE;
	}

}
