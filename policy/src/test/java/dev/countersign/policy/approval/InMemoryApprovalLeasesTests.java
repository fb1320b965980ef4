package dev.countersign.policy.approval;

import java.time.Duration;

import dev.countersign.policy.MutableClock;

/**
 * The {@link ApprovalLeases} contract for {@link InMemoryApprovalLeases}, on a clock the
 * tests move.
 */
class InMemoryApprovalLeasesTests extends AbstractApprovalLeasesTests {

	private final MutableClock clock = MutableClock.start();

	@Override
	protected ApprovalLeases createLeases() {
		return new InMemoryApprovalLeases(this.clock);
	}

	@Override
	protected void letLapse(Duration ttl) {
		this.clock.advance(ttl);
	}

}
