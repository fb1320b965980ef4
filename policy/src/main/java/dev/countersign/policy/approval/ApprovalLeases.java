package dev.countersign.policy.approval;

import java.time.Duration;

import reactor.core.publisher.Mono;

/**
 * Who does a user's approval work (DESIGN §8): closing batches, starting the CIBA request
 * and polling it. Several replicas sharing one store each ask for the user's lease every
 * tick; only the one holding it works for the user, so one batch is never asked for twice
 * and one {@code auth_req_id} is never polled by two replicas. A lease names its owner (a
 * replica id made per start) and lapses after its time to live unless the same owner
 * renews it; then any other owner may take it over. Implementations are thread-safe and
 * each acquisition is atomic; the shared contract is tested by
 * {@code AbstractApprovalLeasesTests} in policy's test-jar.
 *
 * <pre>{@code
 * if (leases.acquire("auth0|ada", replicaId, Duration.ofSeconds(15)).block()) {
 *     // close, ask, poll for auth0|ada
 * }
 * }</pre>
 */
public interface ApprovalLeases {

	/**
	 * Takes or renews a user's lease.
	 * @param user the user id
	 * @param owner the replica asking
	 * @param ttl how long the lease lasts from now unless renewed; positive
	 * @return true when {@code owner} now holds the lease (it was free, had lapsed, or
	 * was already {@code owner}'s and is renewed); false when another owner holds it
	 * @throws IllegalArgumentException when {@code ttl} is not positive
	 */
	Mono<Boolean> acquire(String user, String owner, Duration ttl);

	/**
	 * Gives a user's lease up, so another replica may take it at once.
	 * @param user the user id
	 * @param owner the replica giving it up
	 * @return true when {@code owner} held it and it is now free; false when another
	 * owner holds it or nobody does (nothing changes then)
	 */
	Mono<Boolean> release(String user, String owner);

	/**
	 * Who holds a user's lease now.
	 * @param user the user id
	 * @return the owner, or empty when the lease is free or has lapsed
	 */
	Mono<String> findOwner(String user);

	/**
	 * Checks a lease's time to live.
	 * @param ttl the time to live
	 * @return {@code ttl}
	 * @throws IllegalArgumentException when {@code ttl} is null, zero or negative
	 */
	static Duration requirePositive(Duration ttl) {
		if (ttl == null || ttl.isNegative() || ttl.isZero()) {
			throw new IllegalArgumentException("ttl must be positive, but was " + ttl);
		}
		return ttl;
	}

}
