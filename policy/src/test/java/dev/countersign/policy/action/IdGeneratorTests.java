package dev.countersign.policy.action;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;

import dev.countersign.policy.MutableClock;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class IdGeneratorTests {

	private final MutableClock clock = MutableClock.start();

	@Test
	void nextWhenUlidThenPrefixAnd26CrockfordCharacters() {
		String id = IdGenerator.ulid(this.clock).next(IdGenerator.ACTION_PREFIX);
		assertThat(id).matches("act_[0-9A-HJKMNP-TV-Z]{26}");
		assertThat(IdGenerator.ulid(this.clock).next(IdGenerator.BATCH_PREFIX)).startsWith("bat_").hasSize(30);
	}

	@Test
	void nextWhenTimeMovesOrStandsStillThenIdsSortInOrder() {
		IdGenerator ids = IdGenerator.ulid(this.clock, new Random(42));
		List<String> made = new ArrayList<>();
		for (int i = 0; i < 200; i++) {
			made.add(ids.next("act_"));
			if (i % 50 == 0) {
				this.clock.advance(Duration.ofMillis(1));
			}
		}
		assertThat(made).isSorted().doesNotHaveDuplicates();
	}

	@Test
	void nextWhenClockGoesBackThenStillOrdered() {
		IdGenerator ids = IdGenerator.ulid(this.clock);
		String first = ids.next("act_");
		this.clock.advance(Duration.ofSeconds(-5));
		assertThat(ids.next("act_")).isGreaterThan(first);
	}

	@Test
	void nextWhenTwoGeneratorsThenUniqueIds() {
		HashSet<String> seen = new HashSet<>();
		for (int i = 0; i < 1000; i++) {
			assertThat(seen.add(IdGenerator.ulid(this.clock).next("act_"))).isTrue();
		}
	}

}
