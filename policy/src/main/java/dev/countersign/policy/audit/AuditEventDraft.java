package dev.countersign.policy.audit;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import dev.countersign.policy.action.CanonicalJson;
import org.jspecify.annotations.Nullable;

/**
 * What to record, before the store gives it a place in the chain: an {@link AuditEvent}
 * without its user, sequence and hashes. The details are frozen with
 * {@link CanonicalJson#freeze(Map)} and screened like the event's, so a draft that holds
 * a credential is refused before it reaches a store.
 *
 * <pre>{@code
 * AuditEventDraft draft = AuditEventDraft.of(AuditEventType.FROZEN, "claude", clock.instant())
 *     .withActionId(action.id())
 *     .withDetail("tool", action.tool());
 * }</pre>
 *
 * @param type what happened
 * @param occurredAt when it happened
 * @param actor who did it: an agent id, {@link AuditEvent#ACTOR_USER} or
 * {@link AuditEvent#ACTOR_COUNTERSIGN}
 * @param actionId the action concerned, or {@code null}
 * @param batchId the batch concerned, or {@code null}
 * @param details a JSON object with the rest; never a token
 */
public record AuditEventDraft(AuditEventType type, Instant occurredAt, String actor, @Nullable String actionId,
		@Nullable String batchId, Map<String, @Nullable Object> details) {

	public AuditEventDraft {
		Objects.requireNonNull(type, "type must not be null");
		Objects.requireNonNull(occurredAt, "occurredAt must not be null");
		AuditEvent.requireText("actor", actor);
		AuditEvent.requireTextOrNull("actionId", actionId);
		AuditEvent.requireTextOrNull("batchId", batchId);
		details = CanonicalJson.freeze(Objects.requireNonNull(details, "details must not be null"));
		CredentialScreen.requireNone(details);
	}

	/**
	 * A draft without subjects or details.
	 * @param type what happened
	 * @param actor who did it
	 * @param occurredAt when it happened
	 * @return the draft
	 */
	public static AuditEventDraft of(AuditEventType type, String actor, Instant occurredAt) {
		return new AuditEventDraft(type, occurredAt, actor, null, null, Map.of());
	}

	/**
	 * This draft about an action.
	 * @param id the action id, or {@code null}
	 * @return the changed copy
	 */
	public AuditEventDraft withActionId(@Nullable String id) {
		return new AuditEventDraft(this.type, this.occurredAt, this.actor, id, this.batchId, this.details);
	}

	/**
	 * This draft about a batch.
	 * @param id the batch id, or {@code null}
	 * @return the changed copy
	 */
	public AuditEventDraft withBatchId(@Nullable String id) {
		return new AuditEventDraft(this.type, this.occurredAt, this.actor, this.actionId, id, this.details);
	}

	/**
	 * This draft with other details.
	 * @param other a JSON object; never a token
	 * @return the changed copy
	 * @throws IllegalArgumentException if the details are not JSON or hold a credential
	 */
	public AuditEventDraft withDetails(Map<String, ? extends @Nullable Object> other) {
		Objects.requireNonNull(other, "details must not be null");
		return new AuditEventDraft(this.type, this.occurredAt, this.actor, this.actionId, this.batchId,
				new LinkedHashMap<>(other));
	}

	/**
	 * This draft with one more detail (replacing one of the same key).
	 * @param key the key
	 * @param value a JSON value; never a token
	 * @return the changed copy
	 * @throws IllegalArgumentException if the value is not JSON or the pair holds a
	 * credential
	 */
	public AuditEventDraft withDetail(String key, @Nullable Object value) {
		Objects.requireNonNull(key, "key must not be null");
		Map<String, @Nullable Object> copy = new LinkedHashMap<>(this.details);
		copy.put(key, value);
		return new AuditEventDraft(this.type, this.occurredAt, this.actor, this.actionId, this.batchId, copy);
	}

}
