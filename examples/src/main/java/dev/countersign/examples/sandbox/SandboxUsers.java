package dev.countersign.examples.sandbox;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The sandbox's people. {@code ada} (the default) has Google and GitHub connected;
 * {@code grace} has nothing connected; any other well-formed name is a fresh user
 * connected to the seeded provider data, so benchmarks can use many users.
 */
final class SandboxUsers {

	static final String DEFAULT_USER = "ada";

	static final String UNCONNECTED_USER = "grace";

	/** The one user without a Guardian enrolment, so CIBA requests for them fail. */
	static final String NO_GUARDIAN_USER = "noguardian";

	private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");

	private SandboxUsers() {
	}

	/**
	 * Checks a user or agent name from a request.
	 * @param field the parameter name, for the error
	 * @param name the name
	 * @return the name in lower case
	 * @throws IllegalArgumentException naming the parameter when it is malformed
	 */
	static String checkName(String field, String name) {
		String lower = name.toLowerCase(Locale.ROOT);
		if (!NAME.matcher(lower).matches()) {
			throw new IllegalArgumentException(
					field + " must be 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit");
		}
		return lower;
	}

	/**
	 * The user id ({@code sub}) of a sandbox user, shaped like Auth0's.
	 * @param name the user name
	 * @return the subject
	 */
	static String subject(String name) {
		return "auth0|" + name;
	}

	static String email(String name) {
		return name + "@countersign.example";
	}

	/**
	 * The connections a user has linked in the emulated Token Vault.
	 * @param name the user name
	 * @return connection names
	 */
	static Set<String> connections(String name) {
		return UNCONNECTED_USER.equals(name) ? Set.of() : Set.of("google-oauth2", "github");
	}

	/**
	 * Whether a user has enrolled in Guardian, so a CIBA request can reach their phone.
	 * @param name the user name
	 * @return false only for {@value #NO_GUARDIAN_USER}
	 */
	static boolean hasGuardian(String name) {
		return !NO_GUARDIAN_USER.equals(name);
	}

}
