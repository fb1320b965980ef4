package dev.countersign.policy.approval;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The contract every {@link ApprovalLeases} keeps. A store module extends this class,
 * returns fresh, empty leases from {@link #createLeases()} and lets time pass in
 * {@link #letLapse(Duration)}.
 */
public abstract class AbstractApprovalLeasesTests {

	private static final String USER = "auth0|ada";

	private static final String OTHER_USER = "auth0|grace";

	private static final String A = "replica-a";

	private static final String B = "replica-b";

	/** Short, so that a store measuring real time lapses quickly. */
	protected static final Duration TTL = Duration.ofMillis(300);

	private ApprovalLeases leases;

	/**
	 * Fresh leases, none held; called before each test.
	 * @return the leases under test
	 */
	protected abstract ApprovalLeases createLeases();

	/**
	 * Lets a lease of {@code ttl} taken just before lapse.
	 * @param ttl the time to live the lease was taken with
	 */
	protected abstract void letLapse(Duration ttl);

	@BeforeEach
	void createLeasesUnderTest() {
		this.leases = createLeases();
	}

	@Test
	void acquireWhenFreeThenHeld() {
		StepVerifier.create(this.leases.acquire(USER, A, TTL)).expectNext(true).verifyComplete();
		StepVerifier.create(this.leases.findOwner(USER)).expectNext(A).verifyComplete();
	}

	@Test
	void acquireWhenHeldByAnotherThenRefusedAndOwnerUnchanged() {
		this.leases.acquire(USER, A, Duration.ofMinutes(1)).block();
		StepVerifier.create(this.leases.acquire(USER, B, Duration.ofMinutes(1))).expectNext(false).verifyComplete();
		StepVerifier.create(this.leases.findOwner(USER)).expectNext(A).verifyComplete();
	}

	@Test
	void acquireWhenHeldBySameOwnerThenRenewed() {
		this.leases.acquire(USER, A, TTL).block();
		StepVerifier.create(this.leases.acquire(USER, A, Duration.ofMinutes(1))).expectNext(true).verifyComplete();
		letLapse(TTL);
		// renewed with the longer time to live: still A's
		StepVerifier.create(this.leases.acquire(USER, B, TTL)).expectNext(false).verifyComplete();
		StepVerifier.create(this.leases.findOwner(USER)).expectNext(A).verifyComplete();
	}

	@Test
	void acquireWhenLapsedThenAnotherTakesItOver() {
		this.leases.acquire(USER, A, TTL).block();
		letLapse(TTL);
		StepVerifier.create(this.leases.findOwner(USER)).verifyComplete();
		StepVerifier.create(this.leases.acquire(USER, B, TTL)).expectNext(true).verifyComplete();
		StepVerifier.create(this.leases.findOwner(USER)).expectNext(B).verifyComplete();
		// the old owner comes back: refused
		StepVerifier.create(this.leases.acquire(USER, A, TTL)).expectNext(false).verifyComplete();
	}

	@Test
	void acquireWhenOtherUserHeldThenIndependent() {
		this.leases.acquire(USER, A, Duration.ofMinutes(1)).block();
		StepVerifier.create(this.leases.acquire(OTHER_USER, B, Duration.ofMinutes(1)))
			.expectNext(true)
			.verifyComplete();
		StepVerifier.create(this.leases.findOwner(USER)).expectNext(A).verifyComplete();
		StepVerifier.create(this.leases.findOwner(OTHER_USER)).expectNext(B).verifyComplete();
	}

	@Test
	void releaseWhenOwnerThenFreeForAnother() {
		this.leases.acquire(USER, A, Duration.ofMinutes(1)).block();
		StepVerifier.create(this.leases.release(USER, A)).expectNext(true).verifyComplete();
		StepVerifier.create(this.leases.findOwner(USER)).verifyComplete();
		StepVerifier.create(this.leases.acquire(USER, B, Duration.ofMinutes(1))).expectNext(true).verifyComplete();
	}

	@Test
	void releaseWhenNotOwnerThenNothingChanges() {
		this.leases.acquire(USER, A, Duration.ofMinutes(1)).block();
		StepVerifier.create(this.leases.release(USER, B)).expectNext(false).verifyComplete();
		StepVerifier.create(this.leases.findOwner(USER)).expectNext(A).verifyComplete();
		StepVerifier.create(this.leases.release(OTHER_USER, A)).expectNext(false).verifyComplete();
	}

	@Test
	void acquireWhenManyOwnersRaceThenExactlyOneHolds() throws Exception {
		ExecutorService pool = Executors.newFixedThreadPool(8);
		try {
			List<Callable<Boolean>> tries = new ArrayList<>();
			for (int i = 0; i < 16; i++) {
				String owner = "replica-" + i;
				tries.add(() -> this.leases.acquire(USER, owner, Duration.ofMinutes(1)).block());
			}
			int won = 0;
			for (Future<Boolean> result : pool.invokeAll(tries)) {
				won += Boolean.TRUE.equals(result.get()) ? 1 : 0;
			}
			assertThat(won).isEqualTo(1);
		}
		finally {
			pool.shutdownNow();
		}
	}

	@Test
	void acquireWhenTtlNotPositiveThenRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.leases.acquire(USER, A, Duration.ZERO))
			.withMessageContaining("ttl must be positive");
		assertThatIllegalArgumentException().isThrownBy(() -> this.leases.acquire(USER, A, Duration.ofSeconds(-1)))
			.withMessageContaining("ttl must be positive");
	}

}
