package dev.countersign.ciba.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

/**
 * Reads an HTTP {@code Retry-After} header (RFC 9110 §10.2.3): delay-seconds or an
 * HTTP-date.
 */
public final class RetryAfter {

	private RetryAfter() {
	}

	/**
	 * The delay a {@code Retry-After} header asks for.
	 * @param header the header value, or {@code null} when absent
	 * @param clock the clock an HTTP-date is measured against
	 * @return the delay, zero for a date in the past, or empty when absent or unreadable
	 */
	public static Optional<Duration> parse(@Nullable String header, Clock clock) {
		if (header == null || header.isBlank()) {
			return Optional.empty();
		}
		String value = header.strip();
		if (value.chars().allMatch(Character::isDigit)) {
			try {
				return Optional.of(Duration.ofSeconds(Long.parseLong(value)));
			}
			catch (NumberFormatException ex) {
				return Optional.empty();
			}
		}
		try {
			Instant at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
			Duration delay = Duration.between(clock.instant(), at);
			return Optional.of(delay.isNegative() ? Duration.ZERO : delay);
		}
		catch (DateTimeParseException ex) {
			return Optional.empty();
		}
	}

}
