package dev.countersign.vault.internal;

import java.util.Map;

import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.util.JSONObjectUtils;
import org.jspecify.annotations.Nullable;

/**
 * Lenient reading of token endpoint JSON bodies. Lenient on purpose: Nimbus's
 * {@code AccessTokenResponse} requires {@code token_type}, which Token Vault may omit.
 * Parse failures carry no part of the body (it may hold a token). Stateless.
 */
public final class TokenEndpointJson {

	private TokenEndpointJson() {
	}

	/**
	 * Parse a body as a JSON object.
	 * @param body the body, or {@code null}
	 * @return the object's members, or {@code null} if the body is not a JSON object
	 */
	public static @Nullable Map<String, Object> parseObject(@Nullable String body) {
		if (body == null || body.isBlank()) {
			return null;
		}
		try {
			return JSONObjectUtils.parse(body);
		}
		catch (ParseException | RuntimeException ex) {
			return null;
		}
	}

	/**
	 * Read a string member.
	 * @param json the object
	 * @param name the member name
	 * @return the value, or {@code null} if it is absent, {@code null}, not a string or
	 * blank
	 */
	public static @Nullable String string(Map<String, Object> json, String name) {
		Object value = json.get(name);
		return (value instanceof String string && !string.isBlank()) ? string : null;
	}

	/**
	 * Read a non-negative integer member, as a number or a numeric string (some servers
	 * quote {@code expires_in}).
	 * @param json the object
	 * @param name the member name
	 * @return the value, or {@code null} if it is absent or {@code null}
	 * @throws IllegalArgumentException if it is present but not a non-negative integer
	 */
	public static @Nullable Long nonNegativeLong(Map<String, Object> json, String name) {
		Object value = json.get(name);
		if (value == null) {
			return null;
		}
		long result;
		if (value instanceof Number number) {
			double asDouble = number.doubleValue();
			if (asDouble != Math.rint(asDouble) || Double.isInfinite(asDouble)) {
				throw new IllegalArgumentException(name + " must be an integer");
			}
			result = number.longValue();
		}
		else if (value instanceof String string) {
			try {
				result = Long.parseLong(string.trim());
			}
			catch (NumberFormatException ex) {
				throw new IllegalArgumentException(name + " must be an integer");
			}
		}
		else {
			throw new IllegalArgumentException(name + " must be an integer");
		}
		if (result < 0) {
			throw new IllegalArgumentException(name + " must not be negative");
		}
		return result;
	}

}
