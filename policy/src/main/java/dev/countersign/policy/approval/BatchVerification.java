package dev.countersign.policy.approval;

import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * What {@link BatchVerifier} found: the batch is exactly what was signed and asked for,
 * or it was tampered with and must not run.
 */
public sealed interface BatchVerification {

	/**
	 * Whether the batch may run.
	 * @return true only for {@link Verified}
	 */
	default boolean verified() {
		return this instanceof Verified;
	}

	/**
	 * Every stored action, the batch digest, its signature and the signed
	 * {@code auth_req_id} check out.
	 */
	record Verified() implements BatchVerification {

	}

	/**
	 * A check failed; the whole batch is refused and audited as tampering.
	 *
	 * @param check which check failed
	 * @param actionId the action that failed it, or {@code null} for a check of the batch
	 * @param reason one sentence for the audit trail and the user
	 */
	record Tampered(Check check, @Nullable String actionId, String reason) implements BatchVerification {

		public Tampered {
			Objects.requireNonNull(check, "check must not be null");
			Objects.requireNonNull(reason, "reason must not be null");
		}

	}

	/** The checks, in the order {@link BatchVerifier} makes them. */
	enum Check {

		/** An action listed in the batch is not among the stored actions. */
		ACTION_MISSING,

		/** A stored action given for the batch is not listed in it. */
		ACTION_NOT_IN_BATCH,

		/** A stored action belongs to another user or another batch. */
		ACTION_MOVED,

		/** A stored action no longer gives the digest the batch signed. */
		ACTION_DIGEST,

		/** The batch digest is not the one its id and action digests give. */
		BATCH_DIGEST,

		/** The HMAC of the batch digest does not verify. */
		SIGNATURE,

		/** The short code is not the one the digest gives. */
		SHORT_CODE,

		/** No {@code auth_req_id} was recorded, or the approval was for another one. */
		AUTH_REQ_ID,

		/** The HMAC of (batch digest, {@code auth_req_id}) does not verify. */
		AUTH_REQ_SIGNATURE

	}

}
