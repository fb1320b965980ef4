package dev.countersign.policy.audit;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.countersign.policy.MutableClock;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

class AuditTrailTests {

	private static final String USER = "auth0|ada";

	private static final byte[] KEY = "audit-key-0123456789abcdef01234567".getBytes(StandardCharsets.UTF_8);

	private final MutableClock clock = MutableClock.start();

	private final InMemoryAuditStore store = new InMemoryAuditStore();

	private final CheckpointSigner signer = CheckpointSigner.of("k1", KEY);

	private final List<AuditCheckpoint> anchors = new ArrayList<>();

	private AuditTrail trail(int checkpointEvery) {
		return new AuditTrail(this.store, this.signer, this.anchors::add,
				AuditConfig.defaults().withCheckpointEvery(checkpointEvery).withVerifyPageSize(7), this.clock);
	}

	private AuditEvent record(AuditTrail trail) {
		this.clock.advance(Duration.ofSeconds(1));
		return trail.record(USER, trail.draft(AuditEventType.DECISION, "claude")).block();
	}

	@Test
	void draftIsStampedWithTheClock() {
		AuditEventDraft draft = trail(50).draft(AuditEventType.APPROVED, AuditEvent.ACTOR_USER);
		assertThat(draft.occurredAt()).isEqualTo(MutableClock.START);
		assertThat(draft.actor()).isEqualTo("user");
	}

	@Test
	void recordWhenSequenceIsAMultipleOfCheckpointEveryThenCheckpointStoredAndAnchored() {
		AuditTrail trail = trail(3);
		List<AuditEvent> events = new ArrayList<>();
		for (int i = 0; i < 7; i++) {
			events.add(record(trail));
		}
		assertThat(this.anchors).extracting(AuditCheckpoint::sequence).containsExactly(3L, 6L);
		AuditCheckpoint sixth = this.anchors.get(1);
		assertThat(sixth.user()).isEqualTo(USER);
		assertThat(sixth.hash()).isEqualTo(events.get(5).hash());
		assertThat(sixth.keyId()).isEqualTo("k1");
		assertThat(sixth.createdAt()).isEqualTo(events.get(5).occurredAt());
		assertThat(this.signer.verify(sixth)).isTrue();
		StepVerifier.create(this.store.checkpoints(USER)).expectNextSequence(this.anchors).verifyComplete();
	}

	@Test
	void checkpointSealsTheLastEntryOnceAndAnchorsIt() {
		AuditTrail trail = trail(50);
		record(trail);
		AuditEvent last = record(trail);
		AuditCheckpoint checkpoint = trail.checkpoint(USER).block();
		assertThat(checkpoint.sequence()).isEqualTo(2);
		assertThat(checkpoint.hash()).isEqualTo(last.hash());
		assertThat(this.anchors).containsExactly(checkpoint);
		StepVerifier.create(trail.checkpoint(USER)).expectNext(checkpoint).verifyComplete();
		assertThat(this.anchors).containsExactly(checkpoint);
		StepVerifier.create(this.store.lastCheckpoint(USER)).expectNext(checkpoint).verifyComplete();
	}

	@Test
	void checkpointWhenChainEmptyThenEmpty() {
		StepVerifier.create(trail(50).checkpoint(USER)).verifyComplete();
		assertThat(this.anchors).isEmpty();
	}

	@Test
	void verifyWhenChainEmptyAndNoAnchorsThenIntactAtGenesis() {
		StepVerifier.create(trail(50).verify(USER, List.of()))
			.expectNext(new AuditVerification.Intact(0, AuditEvent.GENESIS_HASH))
			.verifyComplete();
	}

	@Test
	void verifyReadsAcrossPagesAndIgnoresOtherUsersAnchors() {
		AuditTrail trail = trail(5);
		AuditEvent last = null;
		for (int i = 0; i < 23; i++) {
			last = record(trail);
		}
		AuditCheckpoint otherUsers = this.signer.sign("auth0|alan", 500, last.hash(), this.clock.instant());
		List<AuditCheckpoint> anchors = new ArrayList<>(this.anchors);
		anchors.add(otherUsers);
		StepVerifier.create(trail.verify(USER, anchors))
			.expectNext(new AuditVerification.Intact(23, last.hash()))
			.verifyComplete();
	}

	@Test
	void verifyWhenKeyRotatedThenOldCheckpointsStillVerify() {
		AuditTrail trail = trail(2);
		AuditEvent last = null;
		for (int i = 0; i < 4; i++) {
			last = record(trail);
		}
		byte[] newKey = "new-audit-key-0123456789abcdef0123".getBytes(StandardCharsets.UTF_8);
		AuditTrail rotated = new AuditTrail(this.store, CheckpointSigner.of(Map.of("k1", KEY, "k2", newKey), "k2"),
				this.anchors::add, AuditConfig.defaults().withCheckpointEvery(2), this.clock);
		AuditEvent fifth = rotated.record(USER, rotated.draft(AuditEventType.EXECUTED, "countersign")).block();
		AuditCheckpoint sealed = rotated.checkpoint(USER).block();
		assertThat(sealed.keyId()).isEqualTo("k2");
		assertThat(last.sequence()).isEqualTo(4);
		StepVerifier.create(rotated.verify(USER, this.anchors))
			.expectNext(new AuditVerification.Intact(5, fifth.hash()))
			.verifyComplete();
	}

}
