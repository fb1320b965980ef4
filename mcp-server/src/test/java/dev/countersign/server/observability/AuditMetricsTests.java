package dev.countersign.server.observability;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import dev.countersign.policy.audit.AuditEvent;
import dev.countersign.policy.audit.AuditEventDraft;
import dev.countersign.policy.audit.AuditEventType;
import dev.countersign.server.tool.ToolCatalog;

import static org.assertj.core.api.Assertions.assertThat;

class AuditMetricsTests {

	private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");

	private final MeterRegistry meters = new SimpleMeterRegistry();

	private final AuditMetrics listener = new AuditMetrics(new CountersignMetrics(this.meters, ToolCatalog.create()));

	private long sequence;

	@Test
	void batchRequestedThenApprovedThenLatencyAndSizeRecorded() {
		record(AuditEventType.BATCHED, T0, "b1", null, Map.of("action_count", 3, "action_ids", List.of("a", "b", "c")));
		record(AuditEventType.CIBA_REQUESTED, T0.plusSeconds(1), "b1", null, Map.of("short_code", "7K2Q"));
		record(AuditEventType.APPROVED, T0.plusSeconds(43), "b1", null, Map.of());
		assertThat(this.meters.get(CountersignMetrics.BATCH_SIZE).summary().totalAmount()).isEqualTo(3);
		var approved = this.meters.get(CountersignMetrics.APPROVAL_LATENCY).tag("outcome", "approved").timer();
		assertThat(approved.count()).isEqualTo(1);
		assertThat(approved.totalTime(TimeUnit.SECONDS)).isEqualTo(42);
	}

	@Test
	void decisionOfABatchNeverRequestedHereThenNotTimed() {
		record(AuditEventType.DENIED, T0, "elsewhere", null, Map.of("reason", "denied"));
		assertThat(this.meters.get(CountersignMetrics.APPROVAL_LATENCY).tag("outcome", "denied").timer().count())
			.isZero();
	}

	@Test
	void actionEventsCountFrozenAndEndedButNotTheBatchDecision() {
		record(AuditEventType.FROZEN, T0, null, "a1", Map.of("tool", "email_send"));
		record(AuditEventType.CIBA_REQUESTED, T0, "b2", null, Map.of());
		record(AuditEventType.DENIED, T0.plus(Duration.ofSeconds(5)), "b2", null, Map.of("reason", "no"));
		record(AuditEventType.DENIED, T0.plus(Duration.ofSeconds(5)), "b2", "a1", Map.of("tool", "email_send"));
		assertThat(this.meters.get(CountersignMetrics.ACTIONS_FROZEN).counter().count()).isEqualTo(1);
		assertThat(this.meters.get(CountersignMetrics.ACTIONS_ENDED).tag("status", "denied").counter().count())
			.isEqualTo(1);
		assertThat(this.meters.get(CountersignMetrics.APPROVAL_LATENCY).tag("outcome", "denied").timer().count())
			.isEqualTo(1);
	}

	private void record(AuditEventType type, Instant at, String batch, String action, Map<String, Object> details) {
		AuditEventDraft draft = AuditEventDraft.of(type, AuditEvent.ACTOR_COUNTERSIGN, at)
			.withBatchId(batch)
			.withActionId(action)
			.withDetails(details);
		this.sequence++;
		this.listener.recorded(AuditEvent.chain("auth0|ada", this.sequence, AuditEvent.GENESIS_HASH, draft));
	}

}
