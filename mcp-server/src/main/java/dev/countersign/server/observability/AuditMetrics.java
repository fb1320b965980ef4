package dev.countersign.server.observability;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import dev.countersign.policy.audit.AuditEvent;
import dev.countersign.policy.audit.AuditEventType;
import dev.countersign.server.audit.AuditListener;

/**
 * Reads the approval meters off the audit trail (DESIGN §8): BATCHED gives the batch
 * size, CIBA_REQUESTED then APPROVED, DENIED, EXPIRED, FAILED or TAMPERING_REFUSED of the
 * same batch give the approval latency, FROZEN and an action's end count the actions. The
 * request times of open batches are kept in memory, at most {@value #MAX_OPEN} of them; a
 * batch decided on another replica or after a restart is not timed. Only types, ids,
 * times and the action count are read, never another detail. Thread-safe.
 */
final class AuditMetrics implements AuditListener {

	/** The most batch request times kept. */
	static final int MAX_OPEN = 10_000;

	private static final Set<AuditEventType> DECISIONS = Set.of(AuditEventType.APPROVED, AuditEventType.DENIED,
			AuditEventType.EXPIRED, AuditEventType.FAILED, AuditEventType.TAMPERING_REFUSED);

	private static final Set<AuditEventType> ACTION_ENDS = Set.of(AuditEventType.EXECUTED, AuditEventType.FAILED,
			AuditEventType.UNKNOWN, AuditEventType.EXPIRED, AuditEventType.DENIED, AuditEventType.CANCELLED);

	private final CountersignMetrics metrics;

	private final Map<String, Instant> requested = new ConcurrentHashMap<>();

	AuditMetrics(CountersignMetrics metrics) {
		this.metrics = metrics;
	}

	@Override
	public void recorded(AuditEvent event) {
		AuditEventType type = event.type();
		String batch = event.batchId();
		if (type == AuditEventType.FROZEN) {
			this.metrics.actionFrozen();
		}
		else if (event.actionId() != null) {
			if (ACTION_ENDS.contains(type)) {
				this.metrics.actionEnded(type.name());
			}
		}
		else if (batch != null && type == AuditEventType.BATCHED) {
			if (event.details().get("action_count") instanceof Number count) {
				this.metrics.batchClosed(count.intValue());
			}
		}
		else if (batch != null && type == AuditEventType.CIBA_REQUESTED) {
			if (this.requested.size() < MAX_OPEN) {
				this.requested.put(batch, event.occurredAt());
			}
		}
		else if (batch != null && DECISIONS.contains(type)) {
			Instant asked = this.requested.remove(batch);
			if (asked != null) {
				this.metrics.approvalDecided(type.name().toLowerCase(Locale.ROOT),
						Duration.between(asked, event.occurredAt()));
			}
		}
	}

}
