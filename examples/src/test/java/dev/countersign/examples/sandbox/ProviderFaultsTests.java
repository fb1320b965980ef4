package dev.countersign.examples.sandbox;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Injected faults are taken once each, per service, until cleared.
 */
class ProviderFaultsTests {

	private final ProviderFaults faults = new ProviderFaults();

	@Test
	void failNextThenThatManyFailuresForThatServiceOnly() {
		this.faults.github().failNext(2, 503);
		assertThat(this.faults.github().takeFailure()).hasValue(503);
		assertThat(this.faults.calendar().takeFailure()).isEmpty();
		assertThat(this.faults.github().takeFailure()).hasValue(503);
		assertThat(this.faults.github().takeFailure()).isEmpty();
	}

	@Test
	void clearThenNoFailures() {
		this.faults.gmail().failNext(5, 500);
		this.faults.gmail().delay(Duration.ofSeconds(1));
		this.faults.clear();
		assertThat(this.faults.gmail().takeFailure()).isEmpty();
	}

	@Test
	void failNextWhenBadArgumentsThenRefusedEchoingThem() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.faults.github().failNext(0, 503))
			.withMessageContaining("but was 0");
		assertThatIllegalArgumentException().isThrownBy(() -> this.faults.github().failNext(1, 200))
			.withMessageContaining("but was 200");
		assertThatIllegalArgumentException().isThrownBy(() -> this.faults.github().delay(Duration.ofSeconds(-1)));
	}

}
