package dev.countersign.policy.approval;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.countersign.policy.MutableClock;
import dev.countersign.policy.action.Action;
import dev.countersign.policy.action.ActionDigest;
import dev.countersign.policy.action.ActionStatus;
import dev.countersign.policy.action.IdGenerator;
import dev.countersign.policy.action.InMemoryActionStore;
import dev.countersign.policy.action.TestActions;
import dev.countersign.policy.approval.BatchVerification.Check;
import dev.countersign.policy.approval.BatchVerification.Tampered;
import dev.countersign.policy.approval.BatchVerification.Verified;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class BatchVerifierTests {

	private static final byte[] K1 = "verifier-k1-0123456789abcdef012345".getBytes(StandardCharsets.UTF_8);

	private static final byte[] K2 = "verifier-k2-0123456789abcdef012345".getBytes(StandardCharsets.UTF_8);

	private final MutableClock clock = MutableClock.start();

	private final InMemoryActionStore actions = new InMemoryActionStore();

	private final InMemoryBatchStore batches = new InMemoryBatchStore();

	private BatchSigner signer = BatchSigner.of("k1", K1);

	private Batch batch;

	private List<Action> stored;

	private Batch close(String... notes) {
		for (String note : notes) {
			this.actions.insert(TestActions.action().argument("note", note).build()).block();
		}
		Batcher batcher = new Batcher(this.actions, this.batches, this.signer, ApprovalConfig.defaults(), this.clock,
				IdGenerator.ulid(this.clock));
		return batcher.flush(TestActions.USER).blockFirst();
	}

	private Batch request(Batch open, String authReqId) {
		return new Batcher(this.actions, this.batches, this.signer, ApprovalConfig.defaults(), this.clock,
				IdGenerator.ulid(this.clock))
			.recordRequest(open, authReqId, this.clock.instant())
			.block();
	}

	private List<Action> storedActions(Batch of) {
		return this.actions.findByBatch(TestActions.USER, of.id()).collectList().block();
	}

	@BeforeEach
	void closeAndRequestABatch() {
		this.batch = request(close("one", "two", "three"), "req-1");
		this.stored = storedActions(this.batch);
	}

	private static Tampered tampered(BatchVerification verification) {
		assertThat(verification).isInstanceOf(Tampered.class);
		return (Tampered) verification;
	}

	private static Action withArguments(Action action, Map<String, @Nullable Object> arguments, String digest) {
		// what someone who can write the store could do: no store method allows it
		return new Action(action.id(), action.user(), action.agent(), action.tool(), action.connection(), action.risk(),
				action.destructive(), action.confidence(), action.lowConfidence(), action.reviewNow(), arguments,
				action.preconditions(), digest, action.status(), action.batchId(), action.createdAt(),
				action.approveBy(), action.updatedAt(), action.version(), action.reason(), action.result());
	}

	private static Batch withDigests(Batch batch, List<String> actionDigests, String digest, String shortCode) {
		return new Batch(batch.id(), batch.user(), batch.actionIds(), actionDigests, digest, batch.signature(),
				batch.keyId(), batch.status(), batch.authReqId(), batch.authReqKeyId(), batch.authReqSignature(),
				shortCode, batch.createdAt(), batch.closedAt(), batch.requestedAt(), batch.version());
	}

	private static Batch withRequest(Batch batch, String authReqId, String keyId, String signature) {
		return new Batch(batch.id(), batch.user(), batch.actionIds(), batch.actionDigests(), batch.digest(),
				batch.signature(), batch.keyId(), batch.status(), authReqId, keyId, signature, batch.shortCode(),
				batch.createdAt(), batch.closedAt(), batch.requestedAt(), batch.version());
	}

	private List<Action> replace(int index, Action action) {
		List<Action> copy = new ArrayList<>(this.stored);
		copy.set(index, action);
		return copy;
	}

	@Test
	void verifyWhenNothingChangedThenVerified() {
		assertThat(BatchVerifier.verify(this.batch, this.stored, this.signer)).isInstanceOf(Verified.class);
		assertThat(BatchVerifier.verify(this.batch, this.stored, this.signer, "req-1").verified()).isTrue();
		List<Action> reversed = new ArrayList<>(this.stored);
		Collections.reverse(reversed);
		assertThat(BatchVerifier.verify(this.batch, reversed, this.signer).verified()).isTrue();
	}

	@Test
	void verifyWhenStoredArgumentChangedAfterClosingThenTamperedNamingTheAction() {
		Action victim = this.stored.get(1);
		Map<String, @Nullable Object> arguments = new LinkedHashMap<>(victim.arguments());
		arguments.put("stage", "closed_won");
		Tampered tampered = tampered(BatchVerifier.verify(this.batch,
				replace(1, withArguments(victim, arguments, victim.digest())), this.signer));
		assertThat(tampered.check()).isEqualTo(Check.ACTION_DIGEST);
		assertThat(tampered.actionId()).isEqualTo(victim.id());
		assertThat(tampered.reason()).contains(victim.id()).contains("changed after batch " + this.batch.id());
	}

	@Test
	void verifyWhenArgumentAndActionDigestRewrittenThenStillTampered() {
		Action victim = this.stored.get(0);
		Map<String, @Nullable Object> arguments = new LinkedHashMap<>(victim.arguments());
		arguments.put("amount", 1);
		String forgedDigest = ActionDigest.of(victim.tool(), arguments, victim.preconditions(), victim.user(),
				victim.agent());
		Tampered tampered = tampered(BatchVerifier.verify(this.batch,
				replace(0, withArguments(victim, arguments, forgedDigest)), this.signer));
		assertThat(tampered.check()).isEqualTo(Check.ACTION_DIGEST);
		assertThat(tampered.actionId()).isEqualTo(victim.id());
	}

	@Test
	void verifyWhenEverythingRecomputedWithoutTheKeyThenSignatureRefused() {
		Action victim = this.stored.get(0);
		Map<String, @Nullable Object> arguments = new LinkedHashMap<>(victim.arguments());
		arguments.put("amount", 1);
		Action forged = withArguments(victim, arguments,
				ActionDigest.of(victim.tool(), arguments, victim.preconditions(), victim.user(), victim.agent()));
		List<Action> forgedActions = replace(0, forged);
		List<String> digests = new ArrayList<>(this.batch.actionDigests());
		digests.set(this.batch.actionIds().indexOf(victim.id()), forged.digest());
		String batchDigest = BatchDigest.of(this.batch.id(), digests);
		Batch forgedBatch = withDigests(this.batch, digests, batchDigest, BatchDigest.shortCode(batchDigest));
		Tampered tampered = tampered(BatchVerifier.verify(forgedBatch, forgedActions, this.signer));
		assertThat(tampered.check()).isEqualTo(Check.SIGNATURE);
		assertThat(tampered.actionId()).isNull();
	}

	@Test
	void verifyWhenBatchDigestOrShortCodeAlteredThenTampered() {
		Batch otherDigest = withDigests(this.batch, this.batch.actionDigests(), "0".repeat(64), this.batch.shortCode());
		assertThat(tampered(BatchVerifier.verify(otherDigest, this.stored, this.signer)).check())
			.isEqualTo(Check.BATCH_DIGEST);
		Batch otherCode = withDigests(this.batch, this.batch.actionDigests(), this.batch.digest(), "2222");
		assertThat(tampered(BatchVerifier.verify(otherCode, this.stored, this.signer)).check())
			.isEqualTo(Check.SHORT_CODE);
	}

	@Test
	void verifyWhenAuthReqIdSignedForAnotherBatchThenTampered() {
		Batch other = request(close("four"), "req-2");
		Batch swapped = withRequest(this.batch, other.authReqId(), other.authReqKeyId(), other.authReqSignature());
		Tampered tampered = tampered(BatchVerifier.verify(swapped, this.stored, this.signer));
		assertThat(tampered.check()).isEqualTo(Check.AUTH_REQ_SIGNATURE);
		assertThat(tampered.reason()).contains("was not signed for this batch");
	}

	@Test
	void verifyWhenApprovalIsForAnotherAuthReqIdThenTampered() {
		Tampered tampered = tampered(BatchVerifier.verify(this.batch, this.stored, this.signer, "req-stale"));
		assertThat(tampered.check()).isEqualTo(Check.AUTH_REQ_ID);
	}

	@Test
	void verifyWhenNoRequestRecordedThenTampered() {
		Batch open = close("five");
		assertThat(tampered(BatchVerifier.verify(open, storedActions(open), this.signer)).check())
			.isEqualTo(Check.AUTH_REQ_ID);
	}

	@Test
	void verifyWhenActionMissingExtraOrMovedThenTamperedNamingIt() {
		Action missing = this.stored.get(2);
		Tampered gone = tampered(BatchVerifier.verify(this.batch, this.stored.subList(0, 2), this.signer));
		assertThat(gone.check()).isEqualTo(Check.ACTION_MISSING);
		assertThat(gone.actionId()).isEqualTo(missing.id());

		Action stranger = TestActions.action().inStatus(ActionStatus.BATCHED).build();
		List<Action> extra = new ArrayList<>(this.stored);
		extra.add(stranger);
		Tampered added = tampered(BatchVerifier.verify(this.batch, extra, this.signer));
		assertThat(added.check()).isEqualTo(Check.ACTION_NOT_IN_BATCH);
		assertThat(added.actionId()).isEqualTo(stranger.id());

		Action first = this.stored.get(0);
		Action elsewhere = new Action(first.id(), first.user(), first.agent(), first.tool(), first.connection(),
				first.risk(), first.destructive(), first.confidence(), first.lowConfidence(), first.reviewNow(),
				first.arguments(), first.preconditions(), first.digest(), first.status(), "bat_other",
				first.createdAt(), first.approveBy(), first.updatedAt(), first.version(), null, null);
		Tampered moved = tampered(BatchVerifier.verify(this.batch, replace(0, elsewhere), this.signer));
		assertThat(moved.check()).isEqualTo(Check.ACTION_MOVED);
		assertThat(moved.actionId()).isEqualTo(first.id());
	}

	@Test
	void verifyWhenActionCancelledWhileBatchedThenStillVerified() {
		Action first = this.stored.get(0);
		this.actions
			.transition(first.user(), first.id(), ActionStatus.BATCHED, first.version(),
					(current) -> current.moveTo(ActionStatus.CANCELLED, this.clock.instant()))
			.block();
		assertThat(BatchVerifier.verify(this.batch, storedActions(this.batch), this.signer).verified()).isTrue();
	}

	@Test
	void verifyWhenKeyRotatedBetweenClosingAndRequestThenVerifiedWithBothKeys() {
		Batch open = close("six");
		this.signer = BatchSigner.of(Map.of("k1", K1, "k2", K2), "k2");
		Batch requested = request(open, "req-3");
		assertThat(requested.keyId()).isEqualTo("k1");
		assertThat(requested.authReqKeyId()).isEqualTo("k2");
		assertThat(BatchVerifier.verify(requested, storedActions(requested), this.signer).verified()).isTrue();
		assertThat(BatchVerifier.verify(requested, storedActions(requested), BatchSigner.of("k1", K1)).verified())
			.isFalse();
	}

	@Test
	void verifyWhenSigningKeyUnknownThenSignatureRefused() {
		BatchSigner stranger = BatchSigner.of("k9", K2);
		assertThat(tampered(BatchVerifier.verify(this.batch, this.stored, stranger)).check())
			.isEqualTo(Check.SIGNATURE);
	}

}
