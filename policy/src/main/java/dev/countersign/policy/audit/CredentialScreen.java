package dev.countersign.policy.audit;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * Refuses audit details that look like they carry a credential (DESIGN §8: audit entries
 * never hold a token). A key is refused when, lower-cased and without {@code _} and
 * {@code -}, it is one of {@code token}, {@code accesstoken}, {@code refreshtoken},
 * {@code idtoken}, {@code secret}, {@code password}, {@code authorization} or
 * {@code code}, or ends with {@code token}, {@code secret} or {@code password}
 * ({@code client_secret}, {@code subjectToken}). A string value is refused when it holds
 * something shaped like a JWT (three base64url segments, the first starting {@code eyJ})
 * or a bearer credential ({@code Bearer} and at least 16 token characters). The messages
 * name the JSON path, never the value.
 */
final class CredentialScreen {

	private static final Set<String> CREDENTIAL_KEYS = Set.of("token", "accesstoken", "refreshtoken", "idtoken",
			"secret", "password", "authorization", "code");

	private static final List<String> CREDENTIAL_SUFFIXES = List.of("token", "secret", "password");

	// RFC 7515 §7.1 compact serialisation; a JOSE header is a JSON object, so base64url
	// of "{\"" starts "eyJ". A JWE (five segments) matches on its first three.
	private static final Pattern JWT = Pattern.compile("eyJ[A-Za-z0-9_-]{4,}\\.[A-Za-z0-9_-]{2,}\\.[A-Za-z0-9_-]*");

	// RFC 6750 §2.1: b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" )
	// *"="
	private static final Pattern BEARER = Pattern.compile("(?i)\\bbearer\\s+[A-Za-z0-9._~+/-]{16,}=*");

	private CredentialScreen() {
	}

	/**
	 * Checks a JSON tree.
	 * @param details the tree
	 * @throws IllegalArgumentException naming the path of the first key or value that
	 * looks like a credential
	 */
	static void requireNone(Map<String, ? extends @Nullable Object> details) {
		check(details, "$");
	}

	private static void check(@Nullable Object value, String path) {
		if (value instanceof Map<?, ?> map) {
			for (Map.Entry<?, ?> entry : map.entrySet()) {
				String key = String.valueOf(entry.getKey());
				String child = path + "." + key;
				if (looksLikeCredentialKey(key)) {
					throw new IllegalArgumentException(
							"details must not hold a credential, but key " + child + " looks like one");
				}
				check(entry.getValue(), child);
			}
		}
		else if (value instanceof List<?> list) {
			for (int i = 0; i < list.size(); i++) {
				check(list.get(i), path + "[" + i + "]");
			}
		}
		else if (value instanceof String string) {
			if (JWT.matcher(string).find()) {
				throw new IllegalArgumentException("details must not hold a token, but " + path + " holds a JWT");
			}
			if (BEARER.matcher(string).find()) {
				throw new IllegalArgumentException(
						"details must not hold a token, but " + path + " holds a bearer token");
			}
		}
	}

	private static boolean looksLikeCredentialKey(String key) {
		String normalised = key.toLowerCase(Locale.ROOT).replace("_", "").replace("-", "");
		if (CREDENTIAL_KEYS.contains(normalised)) {
			return true;
		}
		for (String suffix : CREDENTIAL_SUFFIXES) {
			if (normalised.endsWith(suffix)) {
				return true;
			}
		}
		return false;
	}

}
