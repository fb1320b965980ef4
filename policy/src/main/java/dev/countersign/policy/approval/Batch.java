package dev.countersign.policy.approval;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * Actions closed together under one approval request (DESIGN §4 step 3).
 *
 * <p>
 * Everything but {@code status}, the {@code authReq*} fields, {@code requestedAt} and
 * {@code version} is fixed when the batch closes; stores enforce it with
 * {@link #requireLegalSuccessor(Batch)}. The record does not check that the digests and
 * signatures are right: a stored batch may have been tampered with, and
 * {@link BatchVerifier} is how that is detected.
 *
 * @param id the batch id, {@code bat_} and 26 characters
 * @param user the user whose actions it holds
 * @param actionIds the actions, in the order they are listed to the user
 * @param actionDigests each action's digest, in the same order
 * @param digest the {@link BatchDigest} over the id and the action digests
 * @param signature the base64url HMAC-SHA256 of the digest ({@link BatchSigner})
 * @param keyId the id of the key that made the signature
 * @param status where it stands
 * @param authReqId the CIBA {@code auth_req_id}, once the request was started
 * @param authReqKeyId the id of the key that signed (digest, auth_req_id): the signing
 * key when the request was started, which after a rotation may differ from {@code keyId}
 * @param authReqSignature the base64url HMAC of (digest, auth_req_id)
 * @param shortCode four characters the user matches on the phone
 * ({@link BatchDigest#shortCode(String)})
 * @param createdAt when the batch window opened: its oldest action's {@code createdAt}
 * @param closedAt when it was closed over its actions and signed
 * @param requestedAt when its CIBA request was started, or {@code null}
 * @param version incremented by every stored change; transitions compare and set it
 */
public record Batch(String id, String user, List<String> actionIds, List<String> actionDigests, String digest,
		String signature, String keyId, BatchStatus status, @Nullable String authReqId, @Nullable String authReqKeyId,
		@Nullable String authReqSignature, String shortCode, Instant createdAt, Instant closedAt,
		@Nullable Instant requestedAt, long version) {

	/**
	 * How many actions an approval screen lists by name: a batch of up to this many lists
	 * them all; a larger one lists the first {@code LISTED - 1} and "+N more".
	 */
	public static final int LISTED = 9;

	public Batch {
		Objects.requireNonNull(id, "id must not be null");
		Objects.requireNonNull(user, "user must not be null");
		actionIds = List.copyOf(Objects.requireNonNull(actionIds, "actionIds must not be null"));
		actionDigests = List.copyOf(Objects.requireNonNull(actionDigests, "actionDigests must not be null"));
		Objects.requireNonNull(digest, "digest must not be null");
		Objects.requireNonNull(signature, "signature must not be null");
		Objects.requireNonNull(keyId, "keyId must not be null");
		Objects.requireNonNull(status, "status must not be null");
		Objects.requireNonNull(shortCode, "shortCode must not be null");
		Objects.requireNonNull(createdAt, "createdAt must not be null");
		Objects.requireNonNull(closedAt, "closedAt must not be null");
		if (actionIds.isEmpty()) {
			throw new IllegalArgumentException("actionIds must not be empty");
		}
		if (actionIds.size() != actionDigests.size()) {
			throw new IllegalArgumentException("actionDigests must have one digest per action, but has "
					+ actionDigests.size() + " for " + actionIds.size() + " actions");
		}
		if (version < 0) {
			throw new IllegalArgumentException("version must not be negative, but was " + version);
		}
		if ((authReqId == null) != (authReqSignature == null) || (authReqId == null) != (authReqKeyId == null)
				|| (authReqId == null) != (requestedAt == null)) {
			throw new IllegalArgumentException(
					"authReqId, authReqKeyId, authReqSignature and requestedAt must be set together");
		}
		if (authReqId == null && (status == BatchStatus.REQUESTED || status == BatchStatus.APPROVED
				|| status == BatchStatus.DENIED)) {
			throw new IllegalArgumentException(
					"a " + status + " batch must have an authReqId, but " + id + " has none");
		}
	}

	/**
	 * How many of the actions the approval screen lists by name; the rest show as "+N
	 * more". The {@link Batcher} puts every action that must never be hidden among these.
	 * @return all of them up to {@link #LISTED}, else {@code LISTED - 1}
	 */
	public int listedCount() {
		return listedCount(this.actionIds.size());
	}

	static int listedCount(int size) {
		return (size <= LISTED) ? size : LISTED - 1;
	}

	/**
	 * This batch in another status. Does not check the move: stores do.
	 * @param next the new status
	 * @return the changed copy
	 */
	public Batch withStatus(BatchStatus next) {
		return new Batch(this.id, this.user, this.actionIds, this.actionDigests, this.digest, this.signature,
				this.keyId, next, this.authReqId, this.authReqKeyId, this.authReqSignature, this.shortCode,
				this.createdAt, this.closedAt, this.requestedAt, this.version);
	}

	/**
	 * This batch {@code REQUESTED} under a CIBA request.
	 * @param requestId the {@code auth_req_id}
	 * @param requestSignature the signature of (digest, auth_req_id)
	 * ({@link BatchSigner#signRequest(String, String)})
	 * @param at when the request was started
	 * @return the changed copy
	 */
	public Batch requested(String requestId, BatchSigner.Signature requestSignature, Instant at) {
		Objects.requireNonNull(requestSignature, "requestSignature must not be null");
		return new Batch(this.id, this.user, this.actionIds, this.actionDigests, this.digest, this.signature,
				this.keyId, BatchStatus.REQUESTED, Objects.requireNonNull(requestId, "requestId must not be null"),
				requestSignature.keyId(), requestSignature.mac(), this.shortCode, this.createdAt, this.closedAt,
				Objects.requireNonNull(at, "at must not be null"), this.version);
	}

	/**
	 * This batch with another version. Only stores call this.
	 * @param next the version
	 * @return the changed copy
	 */
	public Batch withVersion(long next) {
		return new Batch(this.id, this.user, this.actionIds, this.actionDigests, this.digest, this.signature,
				this.keyId, this.status, this.authReqId, this.authReqKeyId, this.authReqSignature, this.shortCode,
				this.createdAt, this.closedAt, this.requestedAt, next);
	}

	/**
	 * Checks that {@code next} may replace this batch in a store: its status is a legal
	 * move and every field fixed at closing is unchanged; a recorded {@code auth_req_id}
	 * is never replaced. Store implementations call this inside their compare-and-set.
	 * @param next the proposed successor
	 * @return {@code next}
	 * @throws IllegalStateException if the move is illegal or a fixed field changed
	 */
	public Batch requireLegalSuccessor(Batch next) {
		Objects.requireNonNull(next, "next must not be null");
		if (!this.status.canMoveTo(next.status)) {
			throw new IllegalStateException(
					"Batch " + this.id + " cannot move from " + this.status + " to " + next.status);
		}
		if (!this.id.equals(next.id) || !this.user.equals(next.user) || !this.actionIds.equals(next.actionIds)
				|| !this.actionDigests.equals(next.actionDigests) || !this.digest.equals(next.digest)
				|| !this.signature.equals(next.signature) || !this.keyId.equals(next.keyId)
				|| !this.shortCode.equals(next.shortCode) || !this.createdAt.equals(next.createdAt)
				|| !this.closedAt.equals(next.closedAt)
				|| (this.authReqId != null && (!this.authReqId.equals(next.authReqId)
						|| !Objects.equals(this.authReqKeyId, next.authReqKeyId)
						|| !Objects.equals(this.authReqSignature, next.authReqSignature)
						|| !Objects.equals(this.requestedAt, next.requestedAt)))) {
			throw new IllegalStateException("Batch " + this.id
					+ " must keep the fields fixed when it closed; only status, a first auth_req_id and requestedAt change");
		}
		return next;
	}

}
