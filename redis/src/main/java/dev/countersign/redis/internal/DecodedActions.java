package dev.countersign.redis.internal;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicReferenceArray;

import dev.countersign.policy.action.Action;

/**
 * Actions decoded from their stored JSON: the approval loop reads a user's waiting
 * actions every pass, and most of them have not changed since the last one. A read of
 * exactly the JSON remembered answers the same (immutable) {@link Action} without parsing
 * and freezing it again; any other JSON is decoded and remembered in its place. So a hit
 * can never answer anything but what decoding the stored JSON would — a changed or
 * tampered JSON is a different string, decoded afresh.
 *
 * <p>
 * Direct-mapped: each JSON has one slot (by its hash), and a newer one takes the slot of
 * an older one. Memory is bounded by the slot count, and a read never waits for another.
 * Thread-safe.
 */
public final class DecodedActions {

	/** Slots of a store: enough for the waiting actions of a few thousand users. */
	public static final int DEFAULT_CAPACITY = 16_384;

	private final JsonCodec codec;

	private final AtomicReferenceArray<Slot> slots;

	private final int mask;

	/**
	 * Decoded actions.
	 * @param codec decodes a JSON not remembered
	 * @param capacity the slot count, a power of two
	 */
	public DecodedActions(JsonCodec codec, int capacity) {
		this.codec = Objects.requireNonNull(codec, "codec must not be null");
		if (capacity < 1 || Integer.bitCount(capacity) != 1) {
			throw new IllegalArgumentException("capacity must be a power of two, but was " + capacity);
		}
		this.slots = new AtomicReferenceArray<>(capacity);
		this.mask = capacity - 1;
	}

	/**
	 * The action a stored JSON holds.
	 * @param json the stored JSON
	 * @return the action, decoded now or remembered from an identical JSON
	 * @throws IllegalStateException if the JSON is not a readable action
	 */
	public Action read(String json) {
		Objects.requireNonNull(json, "json must not be null");
		int index = spread(json.hashCode()) & this.mask;
		Slot slot = this.slots.get(index);
		if (slot != null && slot.json().equals(json)) {
			return slot.action();
		}
		Action action = this.codec.readAction(json);
		this.slots.set(index, new Slot(json, action));
		return action;
	}

	private static int spread(int hash) {
		return hash ^ (hash >>> 16);
	}

	private record Slot(String json, Action action) {
	}

}
