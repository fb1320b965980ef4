package dev.countersign.ciba.internal;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

/**
 * An OAuth 2.0 error body (RFC 6749 §5.2), with CIBA's optional {@code interval}.
 *
 * @param error the error code, never blank
 * @param description the {@code error_description}, or {@code null}
 * @param interval the {@code interval} in seconds, or {@code null} when absent or not a
 * positive number
 */
public record OAuthError(String error, @Nullable String description, @Nullable Long interval) {

	public OAuthError {
		Objects.requireNonNull(error, "error must not be null");
	}

	/**
	 * Read an error body.
	 * @param body the answer's body
	 * @return the error, or empty when the body is not a JSON object with a string
	 * {@code error}
	 */
	public static Optional<OAuthError> parse(String body) {
		return Json.parseObject(body).flatMap(OAuthError::from);
	}

	private static Optional<OAuthError> from(Map<String, Object> members) {
		if (!(members.get("error") instanceof String error) || error.isBlank()) {
			return Optional.empty();
		}
		String description = (members.get("error_description") instanceof String text) ? text : null;
		Long interval = null;
		if (members.get("interval") instanceof Number number && number.doubleValue() > 0) {
			interval = (long) Math.ceil(number.doubleValue());
		}
		return Optional.of(new OAuthError(error, description, interval));
	}

}
