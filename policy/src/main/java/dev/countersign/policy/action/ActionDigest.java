package dev.countersign.policy.action;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * The digest that binds an approval to the exact write (DESIGN §4 step 2): the lowercase
 * hex SHA-256 of the RFC 8785 (JCS) canonical JSON of
 *
 * <pre>{@code {"tool":…,"arguments":{…},"preconditions":{…},"user":…,"agent":…}}</pre>
 *
 * The order of map keys does not matter; any change to any argument, precondition, the
 * tool, the user or the agent changes the digest. Numbers are normalised as
 * {@link CanonicalJson} documents (so {@code 3} and {@code 3.0} are the same number).
 *
 * <pre>{@code
 * String digest = ActionDigest.of("email_send", arguments, preconditions, "auth0|ada", "claude");
 * }</pre>
 */
public final class ActionDigest {

	private static final Pattern HEX = Pattern.compile("[0-9a-f]{64}");

	private ActionDigest() {
	}

	/**
	 * Computes an action digest.
	 * @param tool the tool name
	 * @param arguments the frozen arguments (a JSON object)
	 * @param preconditions the preconditions (a JSON object)
	 * @param user the user id
	 * @param agent the agent id
	 * @return 64 lowercase hex digits
	 * @throws IllegalArgumentException if the arguments or preconditions are not JSON
	 */
	public static String of(String tool, Map<String, ? extends @Nullable Object> arguments,
			Map<String, ? extends @Nullable Object> preconditions, String user, String agent) {
		Map<String, Object> envelope = new LinkedHashMap<>();
		envelope.put("tool", Objects.requireNonNull(tool, "tool must not be null"));
		envelope.put("arguments", Objects.requireNonNull(arguments, "arguments must not be null"));
		envelope.put("preconditions", Objects.requireNonNull(preconditions, "preconditions must not be null"));
		envelope.put("user", Objects.requireNonNull(user, "user must not be null"));
		envelope.put("agent", Objects.requireNonNull(agent, "agent must not be null"));
		return CanonicalJson.sha256Hex(envelope);
	}

	/**
	 * Whether a string has the shape of a digest.
	 * @param digest the candidate
	 * @return true for 64 lowercase hex digits
	 */
	public static boolean isDigest(@Nullable String digest) {
		return digest != null && HEX.matcher(digest).matches();
	}

}
