package dev.countersign.examples.sandbox;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * JSON objects for the emulations' answers, built in the order the real services write
 * their fields. Unlike {@link Map#of}, values may be null, as the real services write
 * {@code "closed_at": null}.
 */
final class Json {

	private Json() {
	}

	/**
	 * An ordered JSON object.
	 * @param keysAndValues alternating names and values
	 * @return a new mutable map
	 */
	static Map<String, @Nullable Object> object(@Nullable Object... keysAndValues) {
		if (keysAndValues.length % 2 != 0) {
			throw new IllegalArgumentException("keysAndValues must alternate names and values");
		}
		Map<String, @Nullable Object> object = new LinkedHashMap<>();
		for (int i = 0; i < keysAndValues.length; i += 2) {
			object.put(String.valueOf(keysAndValues[i]), keysAndValues[i + 1]);
		}
		return object;
	}

	/**
	 * An RFC 3339 timestamp in UTC with whole seconds, as GitHub writes them.
	 * @param instant the instant, or null
	 * @return the timestamp, or null
	 */
	static @Nullable String seconds(@Nullable Instant instant) {
		return (instant != null) ? instant.truncatedTo(ChronoUnit.SECONDS).toString() : null;
	}

	/**
	 * An RFC 3339 timestamp in UTC with milliseconds, as Google writes them.
	 * @param instant the instant
	 * @return the timestamp
	 */
	static String millis(Instant instant) {
		Instant truncated = instant.truncatedTo(ChronoUnit.MILLIS);
		String text = truncated.toString();
		// Instant.toString drops a zero fraction; Google always writes three digits.
		return (truncated.getNano() == 0) ? text.replace("Z", ".000Z") : text;
	}

}
