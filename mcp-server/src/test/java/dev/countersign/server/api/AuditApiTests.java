package dev.countersign.server.api;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import dev.countersign.policy.audit.AuditCheckpoint;
import dev.countersign.policy.audit.AuditConfig;
import dev.countersign.policy.audit.AuditEvent;
import dev.countersign.policy.audit.AuditEventDraft;
import dev.countersign.policy.audit.AuditEventType;
import dev.countersign.policy.audit.AuditStore;
import dev.countersign.policy.audit.AuditTrail;
import dev.countersign.policy.audit.CheckpointSigner;
import dev.countersign.policy.audit.InMemoryAuditStore;
import dev.countersign.server.audit.RecentAnchors;
import dev.countersign.server.auth.AccessToken;
import dev.countersign.server.auth.Caller;
import dev.countersign.server.auth.CallerKind;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@code /api/v1/audit/verify} against a store that loses a user's stream, or its tail:
 * the anchors outside the store (this replica's newest, or the log's lines) find it.
 */
class AuditApiTests {

	private static final String ADA = "auth0|ada";

	private static final Caller CONSOLE = new Caller(ADA, "console", CallerKind.CONSOLE, Set.of("countersign:manage"),
			null, new AccessToken("t", Instant.parse("2030-01-01T00:00:00Z")));

	private final LossyStore store = new LossyStore();

	private final List<String> log = new CopyOnWriteArrayList<>();

	private final Clock clock = Clock.fixed(Instant.parse("2026-11-23T10:00:00Z"), ZoneOffset.UTC);

	private final CheckpointSigner signer = CheckpointSigner.of("k1",
			"a signing key of thirty-two bytes or more".getBytes(StandardCharsets.UTF_8));

	private RecentAnchors recent;

	private AuditTrail trail;

	@BeforeEach
	void trail() {
		this.recent = new RecentAnchors(RecentAnchors.DEFAULT_CAPACITY);
		this.trail = new AuditTrail(this.store, this.signer, (checkpoint) -> {
			this.log.add("2026-11-23T10:00:00Z INFO countersign.audit.anchor : " + checkpoint.toJsonLine());
			this.recent.accept(checkpoint);
		}, AuditConfig.defaults().withCheckpointEvery(3), this.clock);
	}

	@Test
	void anIntactChainVerifiesAgainstTheAnchorOfThisReplica() {
		record(ADA, 4);
		Map<String, Object> answer = api().verify(CONSOLE).block();
		assertThat(answer).containsEntry("ok", true).containsEntry("length", 4L).containsEntry("anchors", 1L);
	}

	@Test
	void aDeletedStreamIsFoundByThisReplicasAnchor() {
		record(ADA, 4);
		this.store.wipe(ADA);
		Map<String, Object> answer = api().verify(CONSOLE).block();
		assertThat(answer).containsEntry("ok", false).containsKey("broken_at").containsKey("reason");
	}

	@Test
	void afterARestartADeletedStreamIsFoundWithTheLogsAnchorLines() {
		record(ADA, 4);
		this.store.wipe(ADA);
		RecentAnchors restarted = new RecentAnchors(RecentAnchors.DEFAULT_CAPACITY);
		AuditApi api = new AuditApi(this.store, this.trail, restarted);
		// without the log, an empty stream looks like a user with no history
		assertThat(api.verify(CONSOLE).block()).containsEntry("ok", true).containsEntry("length", 0L);
		Map<String, Object> answer = api.verifyWithAnchors(CONSOLE, String.join("\n", this.log)).block();
		assertThat(answer).containsEntry("ok", false).containsEntry("anchors", 1L);
	}

	@Test
	void aTailCutOffIsFoundWithTheLogsAnchorLines() {
		record(ADA, 6);
		this.store.cut(ADA, 4);
		AuditApi restarted = new AuditApi(this.store, this.trail, new RecentAnchors(1));
		assertThat(restarted.verify(CONSOLE).block()).containsEntry("ok", true).containsEntry("length", 4L);
		Map<String, Object> answer = restarted.verifyWithAnchors(CONSOLE, String.join("\n", this.log)).block();
		assertThat(answer).containsEntry("ok", false).containsEntry("anchors", 2L);
		assertThat((String) answer.get("reason")).isNotBlank();
	}

	@Test
	void otherUsersLinesAreSkippedAndBlankLinesIgnored() {
		record("auth0|grace", 3);
		record(ADA, 1);
		Map<String, Object> answer = new AuditApi(this.store, this.trail, new RecentAnchors(1))
			.verifyWithAnchors(CONSOLE, "\n" + String.join("\n\n", this.log) + "\n")
			.block();
		assertThat(answer).containsEntry("ok", true).containsEntry("anchors", 0L);
	}

	@Test
	void aLineWithoutACheckpointIsRefusedByNumber() {
		record(ADA, 3);
		String body = this.log.get(0) + "\nINFO something else\n";
		assertThatExceptionOfType(ApiException.class).isThrownBy(() -> api().verifyWithAnchors(CONSOLE, body))
			.satisfies((ex) -> assertThat(ex.field()).isEqualTo("line 2"))
			.withMessage("line 2: it holds no JSON object");
		assertThatExceptionOfType(ApiException.class).isThrownBy(() -> api().verifyWithAnchors(CONSOLE, " "))
			.satisfies((ex) -> assertThat(ex.field()).isEqualTo("body"));
	}

	@Test
	void aForgedAnchorBreaksVerification() {
		record(ADA, 3);
		String forged = this.log.get(0).replaceAll("\"hmac\":\"[^\"]+\"", "\"hmac\":\"Zm9yZ2Vk\"");
		Map<String, Object> answer = new AuditApi(this.store, this.trail, new RecentAnchors(1))
			.verifyWithAnchors(CONSOLE, forged)
			.block();
		assertThat(answer).containsEntry("ok", false);
	}

	private AuditApi api() {
		return new AuditApi(this.store, this.trail, this.recent);
	}

	private void record(String user, int entries) {
		for (int i = 0; i < entries; i++) {
			this.trail.record(user, this.trail.draft(AuditEventType.SETTING_CHANGED, AuditEvent.ACTOR_USER)).block();
		}
	}

	/** The memory store, but a user's stream can be deleted or cut off, as in Redis. */
	private static final class LossyStore implements AuditStore {

		private final InMemoryAuditStore delegate = new InMemoryAuditStore();

		private final Set<String> wiped = new HashSet<>();

		private final Map<String, Long> cuts = new HashMap<>();

		void wipe(String user) {
			this.wiped.add(user);
		}

		void cut(String user, long length) {
			this.cuts.put(user, length);
		}

		private long limit(String user) {
			return this.wiped.contains(user) ? 0 : this.cuts.getOrDefault(user, Long.MAX_VALUE);
		}

		@Override
		public Mono<AuditEvent> append(String user, AuditEventDraft draft) {
			return this.delegate.append(user, draft);
		}

		@Override
		public Flux<AuditEvent> read(String user, long fromSequence, int limit) {
			return this.delegate.read(user, fromSequence, limit).filter((e) -> e.sequence() <= limit(user));
		}

		@Override
		public Mono<Long> length(String user) {
			return this.delegate.length(user).map((length) -> Math.min(length, limit(user)));
		}

		@Override
		public Mono<AuditCheckpoint> lastCheckpoint(String user) {
			return checkpoints(user).takeLast(1).next();
		}

		@Override
		public Mono<Void> saveCheckpoint(AuditCheckpoint checkpoint) {
			return this.delegate.saveCheckpoint(checkpoint);
		}

		@Override
		public Flux<AuditCheckpoint> checkpoints(String user) {
			return this.delegate.checkpoints(user).filter((c) -> c.sequence() <= limit(user));
		}

	}

}
