package dev.countersign.policy.audit;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import dev.countersign.policy.action.ActionDigest;
import dev.countersign.policy.action.CanonicalJson;
import org.jspecify.annotations.Nullable;

/**
 * One link of a user's audit chain (DESIGN §8).
 *
 * <p>
 * {@link #hash()} is the lowercase hex SHA-256 of the RFC 8785 (JCS) canonical JSON of
 * every other field:
 *
 * <pre>{@code {"sequence":…,"user":…,"type":…,"occurredAt":"2026-…Z","actor":…,
 *  "actionId":…|null,"batchId":…|null,"details":{…},"previousHash":…}}</pre>
 *
 * ({@code occurredAt} as {@link Instant#toString()}). {@link #previousHash()} is the hash
 * of the entry before, or {@link #GENESIS_HASH} for the first. Stores build entries with
 * {@link #chain(String, long, String, AuditEventDraft)}; the constructor does not insist
 * that the hash matches, so that a store can hand back a tampered entry for
 * {@link AuditTrail#verify(String, java.util.List)} to name ({@link #hashMatches()}).
 *
 * <p>
 * The details never hold a token: the constructor refuses (with an
 * {@link IllegalArgumentException} naming the JSON path, never the value) any key that
 * looks like a credential — {@code token}, {@code access_token}, {@code refresh_token},
 * {@code id_token}, {@code secret}, {@code password}, {@code authorization},
 * {@code code}, in any case, at any depth, and keys ending in {@code token},
 * {@code secret} or {@code password} — and any string holding a JWT or a bearer token.
 *
 * @param sequence the position in the user's chain, from 1
 * @param user the user id
 * @param type what happened
 * @param occurredAt when it happened
 * @param actor who did it: an agent id, {@link #ACTOR_USER} or {@link #ACTOR_COUNTERSIGN}
 * @param actionId the action concerned, or {@code null}
 * @param batchId the batch concerned, or {@code null}
 * @param details a frozen JSON object with the rest
 * @param previousHash the hash of entry {@code sequence - 1}, or {@link #GENESIS_HASH}
 * @param hash the hash of this entry's other fields
 */
public record AuditEvent(long sequence, String user, AuditEventType type, Instant occurredAt, String actor,
		@Nullable String actionId, @Nullable String batchId, Map<String, @Nullable Object> details, String previousHash,
		String hash) {

	/** The {@link #previousHash()} of the first entry: 64 zeros. */
	public static final String GENESIS_HASH = "0".repeat(64);

	/** The actor of what the user did (approve, deny, resolve, change a setting). */
	public static final String ACTOR_USER = "user";

	/**
	 * The actor of what Countersign did on its own (batch, exchange, execute, expire).
	 */
	public static final String ACTOR_COUNTERSIGN = "countersign";

	public AuditEvent {
		if (sequence < 1) {
			throw new IllegalArgumentException("sequence must be positive, but was " + sequence);
		}
		requireText("user", user);
		Objects.requireNonNull(type, "type must not be null");
		Objects.requireNonNull(occurredAt, "occurredAt must not be null");
		requireText("actor", actor);
		requireTextOrNull("actionId", actionId);
		requireTextOrNull("batchId", batchId);
		details = CanonicalJson.freeze(Objects.requireNonNull(details, "details must not be null"));
		CredentialScreen.requireNone(details);
		requireHash("previousHash", previousHash);
		requireHash("hash", hash);
	}

	/**
	 * Makes the entry that follows another.
	 * @param user the user id
	 * @param sequence the sequence this entry takes
	 * @param previousHash the hash of the entry before, or {@link #GENESIS_HASH}
	 * @param draft what to record
	 * @return the entry, with its hash computed
	 */
	public static AuditEvent chain(String user, long sequence, String previousHash, AuditEventDraft draft) {
		Objects.requireNonNull(draft, "draft must not be null");
		String hash = hashOf(sequence, user, draft.type(), draft.occurredAt(), draft.actor(), draft.actionId(),
				draft.batchId(), draft.details(), previousHash);
		return new AuditEvent(sequence, user, draft.type(), draft.occurredAt(), draft.actor(), draft.actionId(),
				draft.batchId(), draft.details(), previousHash, hash);
	}

	/**
	 * Recomputes the hash from this entry's content.
	 * @return 64 lowercase hex digits
	 */
	public String computeHash() {
		return hashOf(this.sequence, this.user, this.type, this.occurredAt, this.actor, this.actionId, this.batchId,
				this.details, this.previousHash);
	}

	/**
	 * Whether the stored hash is the hash of this entry's content.
	 * @return false when the content or the hash was changed after the fact
	 */
	public boolean hashMatches() {
		return this.hash.equals(computeHash());
	}

	/**
	 * The draft this entry was made from.
	 * @return the draft
	 */
	public AuditEventDraft draft() {
		return new AuditEventDraft(this.type, this.occurredAt, this.actor, this.actionId, this.batchId, this.details);
	}

	private static String hashOf(long sequence, String user, AuditEventType type, Instant occurredAt, String actor,
			@Nullable String actionId, @Nullable String batchId, Map<String, @Nullable Object> details,
			String previousHash) {
		Map<String, @Nullable Object> canonical = new LinkedHashMap<>();
		canonical.put("sequence", sequence);
		canonical.put("user", user);
		canonical.put("type", type.name());
		canonical.put("occurredAt", occurredAt.toString());
		canonical.put("actor", actor);
		canonical.put("actionId", actionId);
		canonical.put("batchId", batchId);
		canonical.put("details", details);
		canonical.put("previousHash", previousHash);
		return CanonicalJson.sha256Hex(canonical);
	}

	static void requireText(String name, @Nullable String value) {
		Objects.requireNonNull(value, () -> name + " must not be null");
		if (value.isBlank()) {
			throw new IllegalArgumentException(name + " must not be blank");
		}
	}

	static void requireTextOrNull(String name, @Nullable String value) {
		if (value != null && value.isBlank()) {
			throw new IllegalArgumentException(name + " must not be blank");
		}
	}

	static void requireHash(String name, @Nullable String value) {
		Objects.requireNonNull(value, () -> name + " must not be null");
		if (!ActionDigest.isDigest(value)) {
			throw new IllegalArgumentException(name + " must be 64 lowercase hex digits, but was " + value);
		}
	}

}
