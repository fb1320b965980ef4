package dev.countersign.policy.audit;

/**
 * How the {@link AuditTrail} behaves (DESIGN §8). Every default is a {@code DEFAULT_*}
 * constant below.
 *
 * <pre>{@code
 * AuditConfig config = AuditConfig.defaults().withCheckpointEvery(20);
 * }</pre>
 *
 * @param checkpointEvery how many entries apart the automatic checkpoints are: one seals
 * every entry whose sequence is a multiple of this
 * @param verifyPageSize how many entries verification reads from the store at a time
 */
public record AuditConfig(int checkpointEvery, int verifyPageSize) {

	/**
	 * By default every 50th entry is checkpointed (besides the checkpoints asked for,
	 * such as at batch close).
	 */
	public static final int DEFAULT_CHECKPOINT_EVERY = 50;

	/** By default verification reads 500 entries at a time. */
	public static final int DEFAULT_VERIFY_PAGE_SIZE = 500;

	public AuditConfig {
		if (checkpointEvery < 1) {
			throw new IllegalArgumentException("checkpointEvery must be positive, but was " + checkpointEvery);
		}
		if (verifyPageSize < 1) {
			throw new IllegalArgumentException("verifyPageSize must be positive, but was " + verifyPageSize);
		}
	}

	/**
	 * The defaults.
	 * @return a config of the {@code DEFAULT_*} values
	 */
	public static AuditConfig defaults() {
		return new AuditConfig(DEFAULT_CHECKPOINT_EVERY, DEFAULT_VERIFY_PAGE_SIZE);
	}

	/**
	 * This config with another checkpoint interval.
	 * @param every how many entries apart the automatic checkpoints are, at least 1
	 * @return the changed copy
	 */
	public AuditConfig withCheckpointEvery(int every) {
		return new AuditConfig(every, this.verifyPageSize);
	}

	/**
	 * This config with another verification page size.
	 * @param size how many entries verification reads at a time, at least 1
	 * @return the changed copy
	 */
	public AuditConfig withVerifyPageSize(int size) {
		return new AuditConfig(this.checkpointEvery, size);
	}

}
