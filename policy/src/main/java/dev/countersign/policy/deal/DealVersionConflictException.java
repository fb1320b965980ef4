package dev.countersign.policy.deal;

/**
 * Signalled by {@link DealStore#update} when the deal is no longer at the version the
 * caller expected: someone changed it in between, and nothing was written.
 */
public class DealVersionConflictException extends IllegalStateException {

	private final String dealId;

	private final long expectedVersion;

	private final long actualVersion;

	/**
	 * Creates the exception.
	 * @param dealId the deal
	 * @param expectedVersion the version the caller expected
	 * @param actualVersion the version the deal is at
	 */
	public DealVersionConflictException(String dealId, long expectedVersion, long actualVersion) {
		super("Deal " + dealId + " is at version " + actualVersion + ", not " + expectedVersion);
		this.dealId = dealId;
		this.expectedVersion = expectedVersion;
		this.actualVersion = actualVersion;
	}

	/**
	 * The deal.
	 * @return the deal id
	 */
	public String dealId() {
		return this.dealId;
	}

	/**
	 * The version the caller expected.
	 * @return the expected version
	 */
	public long expectedVersion() {
		return this.expectedVersion;
	}

	/**
	 * The version the deal is at.
	 * @return the actual version
	 */
	public long actualVersion() {
		return this.actualVersion;
	}

}
