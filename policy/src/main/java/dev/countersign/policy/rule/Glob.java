package dev.countersign.policy.rule;

import java.util.regex.Pattern;

/**
 * Glob matching: {@code *} matches any run of characters (also none), {@code ?} exactly
 * one; everything else matches itself. No character classes, no escapes.
 */
final class Glob {

	private Glob() {
	}

	static Pattern compile(String glob, boolean ignoreCase) {
		StringBuilder regex = new StringBuilder();
		StringBuilder literal = new StringBuilder();
		for (int i = 0; i < glob.length(); i++) {
			char c = glob.charAt(i);
			if (c == '*' || c == '?') {
				if (!literal.isEmpty()) {
					regex.append(Pattern.quote(literal.toString()));
					literal.setLength(0);
				}
				regex.append((c == '*') ? ".*" : ".");
			}
			else {
				literal.append(c);
			}
		}
		if (!literal.isEmpty()) {
			regex.append(Pattern.quote(literal.toString()));
		}
		int flags = Pattern.DOTALL | (ignoreCase ? Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE : 0);
		return Pattern.compile(regex.toString(), flags);
	}

	static boolean matches(String glob, String text, boolean ignoreCase) {
		return compile(glob, ignoreCase).matcher(text).matches();
	}

}
