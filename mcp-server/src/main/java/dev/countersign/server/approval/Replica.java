package dev.countersign.server.approval;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.UUID;

import dev.countersign.policy.approval.ApprovalLeases;
import dev.countersign.policy.approval.InMemoryApprovalLeases;

/**
 * How this replica shares the approval work with the others on one store (DESIGN §8): the
 * users' {@link ApprovalLeases}, the id it holds them under, and the timings of takeover
 * and crash recovery.
 *
 * @param leases the users' leases, shared by every replica
 * @param id this replica's id, made per start ({@link #newId()})
 * @param leaseTtl how long a user's lease lasts unless renewed; a replica renews it every
 * tick, so it must be longer than the tick period; default 15 s
 * @param orphanAfter how long an {@code EXECUTING} action that no execution of this
 * replica runs must have been {@code EXECUTING} before recovery takes it for an orphan of
 * a stopped replica; longer than any provider write may take (an auto-approved write runs
 * on whichever replica the agent called); default 60 s
 * @param writes the auto-approved writes this replica runs
 */
public record Replica(ApprovalLeases leases, String id, Duration leaseTtl, Duration orphanAfter, RunningWrites writes) {

	/** By default a user's lease lasts 15 s unrenewed. */
	public static final Duration DEFAULT_LEASE_TTL = Duration.ofSeconds(15);

	/**
	 * By default an action {@code EXECUTING} for 60 s elsewhere is taken for an orphan.
	 */
	public static final Duration DEFAULT_ORPHAN_AFTER = Duration.ofSeconds(60);

	public Replica {
		Objects.requireNonNull(leases, "leases must not be null");
		Objects.requireNonNull(id, "id must not be null");
		Objects.requireNonNull(writes, "writes must not be null");
		if (id.isBlank()) {
			throw new IllegalArgumentException("id must not be blank");
		}
		ApprovalLeases.requirePositive(leaseTtl);
		if (orphanAfter == null || orphanAfter.isNegative() || orphanAfter.isZero()) {
			throw new IllegalArgumentException("orphanAfter must be positive, but was " + orphanAfter);
		}
	}

	/**
	 * The only replica: in-memory leases, a fresh id and the default timings.
	 * @param clock measures the leases
	 * @return the replica
	 */
	public static Replica alone(Clock clock) {
		return new Replica(new InMemoryApprovalLeases(clock), newId(), DEFAULT_LEASE_TTL, DEFAULT_ORPHAN_AFTER,
				new RunningWrites());
	}

	/**
	 * A fresh replica id: random, not secret, named in logs.
	 * @return {@code replica-} and 12 hex digits
	 */
	public static String newId() {
		return "replica-" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
	}

}
