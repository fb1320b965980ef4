package dev.countersign.policy.approval;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import dev.countersign.policy.MutableClock;
import dev.countersign.policy.action.TestActions;

/**
 * Batches for tests, including the store contract tests of other modules: correctly
 * digested and signed with {@link #SIGNER}.
 */
public final class TestBatches {

	/** A signer over one test key, {@code k1}. */
	public static final BatchSigner SIGNER = BatchSigner.of("k1",
			"test-key-k1-0123456789abcdef0123456789".getBytes(StandardCharsets.UTF_8));

	private static final AtomicLong SEQUENCE = new AtomicLong();

	private TestBatches() {
	}

	/**
	 * An {@code OPEN} batch of two made-up actions of {@link TestActions#USER}, closed at
	 * {@link MutableClock#START}.
	 * @return the batch
	 */
	public static Batch open() {
		return open(TestActions.USER, MutableClock.START);
	}

	/**
	 * An {@code OPEN} batch of two made-up actions.
	 * @param user the user
	 * @param closedAt when it closed
	 * @return the batch
	 */
	public static Batch open(String user, Instant closedAt) {
		String id = String.format("bat_%026d", SEQUENCE.incrementAndGet());
		List<String> actionIds = List.of(TestActions.nextId(), TestActions.nextId());
		List<String> digests = List.of("a".repeat(64), "b".repeat(64));
		String digest = BatchDigest.of(id, digests);
		BatchSigner.Signature signature = SIGNER.sign(digest);
		return new Batch(id, user, actionIds, digests, digest, signature.mac(), signature.keyId(), BatchStatus.OPEN,
				null, null, null, BatchDigest.shortCode(digest), closedAt.minusSeconds(30), closedAt, null, 0);
	}

	/**
	 * A batch {@code REQUESTED} under an {@code auth_req_id}.
	 * @param batch an {@code OPEN} batch
	 * @param authReqId the {@code auth_req_id}
	 * @param at when the request was started
	 * @return the batch
	 */
	public static Batch requested(Batch batch, String authReqId, Instant at) {
		return batch.requested(authReqId, SIGNER.signRequest(batch.digest(), authReqId), at);
	}

}
