package dev.countersign.policy.approval;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import reactor.core.publisher.Mono;

/**
 * {@link ApprovalLeases} in memory: the embedded default, where one process is the only
 * replica. Each acquisition and release is one atomic map operation; lapse is measured
 * with the given {@link Clock}. Nothing survives a restart.
 *
 * <pre>{@code
 * ApprovalLeases leases = new InMemoryApprovalLeases(Clock.systemUTC());
 * leases.acquire("auth0|ada", "replica-1", Duration.ofSeconds(15)).block();
 * }</pre>
 */
public final class InMemoryApprovalLeases implements ApprovalLeases {

	private final ConcurrentMap<String, Lease> leases = new ConcurrentHashMap<>();

	private final Clock clock;

	/**
	 * Leases measured with a clock.
	 * @param clock tells when a lease lapses
	 */
	public InMemoryApprovalLeases(Clock clock) {
		this.clock = Objects.requireNonNull(clock, "clock must not be null");
	}

	@Override
	public Mono<Boolean> acquire(String user, String owner, Duration ttl) {
		Objects.requireNonNull(user, "user must not be null");
		Objects.requireNonNull(owner, "owner must not be null");
		ApprovalLeases.requirePositive(ttl);
		return Mono.fromSupplier(() -> {
			Instant now = this.clock.instant();
			Lease held = this.leases.compute(user,
					(key, current) -> (current == null || current.lapsed(now) || current.owner().equals(owner))
							? new Lease(owner, now.plus(ttl)) : current);
			return held.owner().equals(owner);
		});
	}

	@Override
	public Mono<Boolean> release(String user, String owner) {
		Objects.requireNonNull(user, "user must not be null");
		Objects.requireNonNull(owner, "owner must not be null");
		return Mono.fromSupplier(() -> {
			Instant now = this.clock.instant();
			boolean[] released = { false };
			this.leases.computeIfPresent(user, (key, current) -> {
				if (current.owner().equals(owner) && !current.lapsed(now)) {
					released[0] = true;
					return null;
				}
				return current.lapsed(now) ? null : current;
			});
			return released[0];
		});
	}

	@Override
	public Mono<String> findOwner(String user) {
		Objects.requireNonNull(user, "user must not be null");
		return Mono.fromSupplier(() -> {
			Lease current = this.leases.get(user);
			return (current == null || current.lapsed(this.clock.instant())) ? null : current.owner();
		});
	}

	@Override
	public String toString() {
		return "InMemoryApprovalLeases";
	}

	private record Lease(String owner, Instant expiresAt) {

		boolean lapsed(Instant now) {
			return !now.isBefore(this.expiresAt);
		}

	}

}
