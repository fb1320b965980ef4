package dev.countersign.policy.approval;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import dev.countersign.policy.action.Action;
import dev.countersign.policy.approval.BatchVerification.Check;
import dev.countersign.policy.approval.BatchVerification.Tampered;
import dev.countersign.policy.approval.BatchVerification.Verified;

/**
 * Checks, before an approved batch runs, that the stored actions are exactly what was
 * signed and asked for (DESIGN §4 step 6). Nothing stored is trusted: every action digest
 * is recomputed from the stored fields, the batch digest from those, and both HMACs are
 * checked with keys from configuration. Any mismatch refuses the whole batch. Statuses
 * are not looked at: an action cancelled while {@code BATCHED} is still verified, then
 * skipped by execution.
 *
 * <pre>{@code
 * List<Action> stored = actionStore.findByBatch(user, batch.id()).collectList().block();
 * if (BatchVerifier.verify(batch, stored, signer, approvedAuthReqId) instanceof Tampered tampered) {
 *     // refuse the batch, audit tampered.reason()
 * }
 * }</pre>
 */
public final class BatchVerifier {

	private BatchVerifier() {
	}

	/**
	 * Verifies a requested batch against its stored actions.
	 * @param batch the stored batch
	 * @param storedActions the stored actions of the batch, in any order
	 * @param signer the signer holding the configured keys
	 * @return {@link Verified}, or {@link Tampered} naming the first check that failed
	 */
	public static BatchVerification verify(Batch batch, List<Action> storedActions, BatchSigner signer) {
		Objects.requireNonNull(batch, "batch must not be null");
		Objects.requireNonNull(storedActions, "storedActions must not be null");
		Objects.requireNonNull(signer, "signer must not be null");
		Map<String, Action> byId = new HashMap<>();
		for (Action action : storedActions) {
			if (!batch.actionIds().contains(action.id()) || byId.put(action.id(), action) != null) {
				return new Tampered(Check.ACTION_NOT_IN_BATCH, action.id(), "Action " + action.id()
						+ " was given for batch " + batch.id() + " but is not listed in it once");
			}
		}
		List<String> digests = new ArrayList<>(batch.actionIds().size());
		for (int i = 0; i < batch.actionIds().size(); i++) {
			String id = batch.actionIds().get(i);
			Action action = byId.get(id);
			if (action == null) {
				return new Tampered(Check.ACTION_MISSING, id,
						"Action " + id + " of batch " + batch.id() + " is missing from the store");
			}
			if (!action.user().equals(batch.user()) || !batch.id().equals(action.batchId())) {
				return new Tampered(Check.ACTION_MOVED, id,
						"Action " + id + " no longer belongs to batch " + batch.id() + " of its user");
			}
			String digest = action.recomputeDigest();
			if (!digest.equals(batch.actionDigests().get(i)) || !digest.equals(action.digest())) {
				return new Tampered(Check.ACTION_DIGEST, id, "Action " + id + " was changed after batch " + batch.id()
						+ " closed: it no longer matches the digest signed");
			}
			digests.add(digest);
		}
		String digest = BatchDigest.of(batch.id(), digests);
		if (!digest.equals(batch.digest())) {
			return new Tampered(Check.BATCH_DIGEST, null,
					"Batch " + batch.id() + " does not carry the digest of its id and actions");
		}
		if (!signer.verify(digest, batch.keyId(), batch.signature())) {
			return new Tampered(Check.SIGNATURE, null,
					"The signature of batch " + batch.id() + " does not verify with key " + batch.keyId());
		}
		if (!BatchDigest.shortCode(digest).equals(batch.shortCode())) {
			return new Tampered(Check.SHORT_CODE, null,
					"Batch " + batch.id() + " does not carry the short code of its digest");
		}
		if (batch.authReqId() == null || batch.authReqKeyId() == null) {
			return new Tampered(Check.AUTH_REQ_ID, null, "Batch " + batch.id() + " has no recorded auth_req_id");
		}
		if (!signer.verifyRequest(digest, batch.authReqId(), batch.authReqKeyId(), batch.authReqSignature())) {
			return new Tampered(Check.AUTH_REQ_SIGNATURE, null,
					"The auth_req_id of batch " + batch.id() + " was not signed for this batch");
		}
		return new Verified();
	}

	/**
	 * Verifies a batch and that the approval received is for the request recorded for it:
	 * an approval counts only for the {@code auth_req_id} that was asked for this batch.
	 * @param batch the stored batch
	 * @param storedActions the stored actions of the batch, in any order
	 * @param signer the signer holding the configured keys
	 * @param approvedAuthReqId the {@code auth_req_id} the CIBA token was issued for
	 * @return {@link Verified}, or {@link Tampered} naming the first check that failed
	 */
	public static BatchVerification verify(Batch batch, List<Action> storedActions, BatchSigner signer,
			String approvedAuthReqId) {
		BatchVerification result = verify(batch, storedActions, signer);
		if (result.verified() && !Objects.equals(approvedAuthReqId, batch.authReqId())) {
			return new Tampered(Check.AUTH_REQ_ID, null,
					"The approval was for another request than the one recorded for batch " + batch.id());
		}
		return result;
	}

}
