package dev.countersign.policy.audit;

import java.util.Objects;

/**
 * The outcome of {@link AuditTrail#verify(String, java.util.List)}: the chain is
 * {@link Intact} or {@link Broken} at its first broken link.
 */
public sealed interface AuditVerification permits AuditVerification.Intact, AuditVerification.Broken {

	/**
	 * Whether the chain verified.
	 * @return true for {@link Intact}
	 */
	default boolean intact() {
		return this instanceof Intact;
	}

	/**
	 * Every entry matches its hash and links to the one before, the sequences have no
	 * gap, and every checkpoint (stored or anchored) verifies and matches its entry.
	 *
	 * @param length the number of entries verified
	 * @param lastHash the hash of the last entry, or {@link AuditEvent#GENESIS_HASH} for
	 * an empty chain
	 */
	record Intact(long length, String lastHash) implements AuditVerification {

		public Intact {
			if (length < 0) {
				throw new IllegalArgumentException("length must not be negative, but was " + length);
			}
			AuditEvent.requireHash("lastHash", lastHash);
		}

	}

	/**
	 * The first broken link.
	 *
	 * @param sequence the sequence of the first entry that cannot be trusted (for a
	 * checkpoint that does not verify, the checkpoint's sequence; for a cut-off tail or a
	 * deleted stream, the first missing sequence)
	 * @param reason one sentence a person can read
	 */
	record Broken(long sequence, String reason) implements AuditVerification {

		public Broken {
			if (sequence < 1) {
				throw new IllegalArgumentException("sequence must be positive, but was " + sequence);
			}
			Objects.requireNonNull(reason, "reason must not be null");
		}

	}

}
