package dev.countersign.ciba.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RetryAfterTests {

	private final Clock clock = Clock.fixed(Instant.parse("2026-03-02T09:00:00Z"), ZoneOffset.UTC);

	@Test
	void parseWhenDelaySecondsThenThatDelay() {
		assertThat(RetryAfter.parse("10", this.clock)).hasValue(Duration.ofSeconds(10));
		assertThat(RetryAfter.parse(" 0 ", this.clock)).hasValue(Duration.ZERO);
	}

	@Test
	void parseWhenHttpDateThenDelayUntilThen() {
		assertThat(RetryAfter.parse("Mon, 2 Mar 2026 09:00:30 GMT", this.clock)).hasValue(Duration.ofSeconds(30));
		assertThat(RetryAfter.parse("Mon, 2 Mar 2026 08:00:00 GMT", this.clock)).hasValue(Duration.ZERO);
	}

	@Test
	void parseWhenAbsentOrUnreadableThenEmpty() {
		assertThat(RetryAfter.parse(null, this.clock)).isEmpty();
		assertThat(RetryAfter.parse("", this.clock)).isEmpty();
		assertThat(RetryAfter.parse("-5", this.clock)).isEmpty();
		assertThat(RetryAfter.parse("soon", this.clock)).isEmpty();
		assertThat(RetryAfter.parse("99999999999999999999999", this.clock)).isEmpty();
	}

}
