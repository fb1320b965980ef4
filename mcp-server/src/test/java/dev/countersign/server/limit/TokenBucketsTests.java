package dev.countersign.server.limit;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import dev.countersign.policy.MutableClock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class TokenBucketsTests {

	private final MutableClock clock = MutableClock.start();

	private final TokenBuckets buckets = new TokenBuckets(20, 40, this.clock);

	@Test
	void tryAcquireWhenBurstSpentAtOnceThenFortyPassAndTheNextWaitsOneTwentiethOfASecond() {
		for (int i = 0; i < 40; i++) {
			assertThat(this.buckets.tryAcquire("ada/agent")).as("call %d", i + 1).isZero();
		}
		assertThat(this.buckets.tryAcquire("ada/agent")).isEqualTo(Duration.ofMillis(50));
		// a refused call takes nothing
		assertThat(this.buckets.tryAcquire("ada/agent")).isEqualTo(Duration.ofMillis(50));
	}

	@Test
	void tryAcquireWhenBurstSpentThenRefillsAtTheRateAndNeverAboveTheBurst() {
		spend("k", 40);
		this.clock.advance(Duration.ofMillis(500));
		// half a second at 20/s: 10 permits
		assertThat(spend("k", 100)).isEqualTo(10);
		this.clock.advance(Duration.ofMinutes(5));
		// a long pause refills to the burst, not more
		assertThat(spend("k", 100)).isEqualTo(40);
	}

	@Test
	void tryAcquireWhenCalledSteadilyAtTheRateThenNeverRefused() {
		spend("k", 40);
		for (int i = 0; i < 1000; i++) {
			this.clock.advance(Duration.ofMillis(50));
			assertThat(this.buckets.tryAcquire("k")).as("call %d", i).isZero();
		}
	}

	@Test
	void tryAcquireOverAnySpanThenAtMostBurstPlusRateTimesSpan() {
		// the fixed-window flaw this class avoids: no doubling across a boundary
		int passed = 0;
		for (int i = 0; i < 400; i++) {
			passed += this.buckets.tryAcquire("k").isZero() ? 1 : 0;
			this.clock.advance(Duration.ofMillis(5));
		}
		// 2 s at 20/s plus the burst
		assertThat(passed).isLessThanOrEqualTo(40 + 40);
		assertThat(passed).isGreaterThanOrEqualTo(79);
	}

	@Test
	void tryAcquireWhenKeysDifferThenBudgetsAreSeparate() {
		spend("ada/agent-1", 40);
		assertThat(this.buckets.tryAcquire("ada/agent-1")).isPositive();
		assertThat(this.buckets.tryAcquire("ada/agent-2")).isZero();
		assertThat(this.buckets.tryAcquire("grace/agent-1")).isZero();
	}

	@Test
	void tryAcquireWhenClockGoesBackThenNothingRefills() {
		spend("k", 40);
		this.clock.advance(Duration.ofSeconds(-30));
		assertThat(this.buckets.tryAcquire("k")).isPositive();
	}

	@Test
	void sweepDropsOnlyBucketsThatRefilledCompletely() {
		spend("idle", 40);
		spend("busy", 1);
		this.clock.advance(Duration.ofMillis(1999));
		spend("busy", 40);
		this.clock.advance(Duration.ofMillis(1));
		this.buckets.sweep(this.clock.instant());
		// idle refilled after exactly 2 s; busy is still short
		assertThat(this.buckets.size()).isEqualTo(1);
		assertThat(this.buckets.tryAcquire("busy")).isPositive();
		assertThat(spend("idle", 100)).isEqualTo(40);
	}

	@Test
	void tryAcquireEverySweepPeriodThenIdleKeysAreForgotten() {
		for (int i = 0; i < TokenBuckets.SWEEP_EVERY - 1; i++) {
			this.buckets.tryAcquire("user-" + i);
		}
		this.clock.advance(Duration.ofSeconds(1));
		this.buckets.tryAcquire("last");
		// after one second each bucket that spent one permit is full again; only the
		// one that just spent is kept
		assertThat(this.buckets.size()).isEqualTo(1);
	}

	@Test
	void constructorWhenRateOrBurstInvalidThenRefusedEchoingTheValue() {
		assertThatIllegalArgumentException().isThrownBy(() -> new TokenBuckets(0, 40, this.clock))
			.withMessage("permitsPerSecond must be positive, but was 0.0");
		assertThatIllegalArgumentException().isThrownBy(() -> new TokenBuckets(Double.NaN, 40, this.clock))
			.withMessageContaining("NaN");
		assertThatIllegalArgumentException().isThrownBy(() -> new TokenBuckets(20, 0, this.clock))
			.withMessage("burst must be at least 1, but was 0");
	}

	private int spend(String key, int attempts) {
		int passed = 0;
		for (int i = 0; i < attempts; i++) {
			passed += this.buckets.tryAcquire(key).isZero() ? 1 : 0;
		}
		return passed;
	}

}
