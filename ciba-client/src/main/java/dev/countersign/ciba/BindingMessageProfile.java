package dev.countersign.ciba;

import java.text.Normalizer;
import java.util.Map;
import java.util.Objects;

/**
 * What an authorization server accepts as a {@code binding_message}: at most
 * {@code maxLength} characters from ASCII letters, digits, the space and
 * {@code allowedPunctuation}. {@link #sanitize(String)} and
 * {@link #compose(String, String)} turn any text into such a message; they never throw on
 * content and never reject it, so a request is never refused because of its summary.
 *
 * <pre>{@code
 * BindingMessageProfile.AUTH0.compose("Countersign: 5 actions — 3 email, 2 calendar", "7K2Q");
 * // "Countersign: 5 actions - 3 email, 2 calendar #7K2Q"
 * }</pre>
 *
 * @param maxLength the longest message accepted, at least 1
 * @param allowedPunctuation the ASCII punctuation accepted besides letters, digits and
 * space
 */
public record BindingMessageProfile(int maxLength, String allowedPunctuation) {

	/** Auth0: 64 characters; letters, digits, spaces and {@code +-_.,:#}. */
	public static final BindingMessageProfile AUTH0 = new BindingMessageProfile(64, "+-_.,:#");

	// Letters NFKD does not take apart.
	private static final Map<Integer, String> LIGATURES = Map.ofEntries(Map.entry((int) 'ß', "ss"),
			Map.entry((int) 'æ', "ae"), Map.entry((int) 'Æ', "AE"), Map.entry((int) 'œ', "oe"),
			Map.entry((int) 'Œ', "OE"), Map.entry((int) 'ø', "o"), Map.entry((int) 'Ø', "O"), Map.entry((int) 'ł', "l"),
			Map.entry((int) 'Ł', "L"), Map.entry((int) 'đ', "d"), Map.entry((int) 'Đ', "D"), Map.entry((int) 'ð', "d"),
			Map.entry((int) 'þ', "th"), Map.entry((int) 'Þ', "Th"), Map.entry((int) 'ı', "i"));

	public BindingMessageProfile {
		Objects.requireNonNull(allowedPunctuation, "allowedPunctuation must not be null");
		if (maxLength < 1) {
			throw new IllegalArgumentException("maxLength must be positive, but was " + maxLength);
		}
		for (char c : allowedPunctuation.toCharArray()) {
			if (c <= ' ' || c > '~' || Character.isLetterOrDigit(c)) {
				throw new IllegalArgumentException(
						"allowedPunctuation must hold printable ASCII punctuation only, but was " + allowedPunctuation);
			}
		}
	}

	/**
	 * Whether a character may appear in a message.
	 * @param codePoint the character
	 * @return true for ASCII letters and digits, the space and the allowed punctuation
	 */
	public boolean allows(int codePoint) {
		return (codePoint >= 'a' && codePoint <= 'z') || (codePoint >= 'A' && codePoint <= 'Z')
				|| (codePoint >= '0' && codePoint <= '9') || codePoint == ' '
				|| (codePoint < 0x80 && this.allowedPunctuation.indexOf(codePoint) >= 0);
	}

	/**
	 * Whether a message is acceptable as it is.
	 * @param message the message
	 * @return true when it is not blank, not too long, and every character is allowed
	 */
	public boolean accepts(String message) {
		return !message.isBlank() && message.length() <= this.maxLength && message.codePoints().allMatch(this::allows);
	}

	/**
	 * Make any text acceptable: accents are dropped ({@code é} becomes {@code e}), dashes
	 * become {@code -} when allowed, apostrophes and invisible characters go, any other
	 * character not allowed (emoji, brackets, other scripts, line breaks) becomes a
	 * space; runs of spaces collapse, the ends are trimmed, and the result is cut to
	 * {@link #maxLength()}. An acceptable message comes back unchanged.
	 * @param text any text
	 * @return an acceptable message, or an empty string when nothing of the text survives
	 */
	public String sanitize(String text) {
		return truncate(clean(Objects.requireNonNull(text, "text must not be null")), this.maxLength);
	}

	/**
	 * Build a message that always ends with a short code the user can match on the
	 * screen: the sanitised summary is cut so that {@code " #CODE"} fits (without the
	 * {@code #} when the profile does not allow it). A code longer than the whole message
	 * is itself cut.
	 * @param summary what the user is asked to approve
	 * @param code the code, with or without a leading {@code #}
	 * @return an acceptable message ending with the code
	 */
	public String compose(String summary, String code) {
		Objects.requireNonNull(summary, "summary must not be null");
		Objects.requireNonNull(code, "code must not be null");
		String cleanCode = clean(code).replace(" ", "").replace("#", "");
		if (cleanCode.isEmpty()) {
			return sanitize(summary);
		}
		String suffix = (allows('#') ? "#" : "") + cleanCode;
		if (suffix.length() >= this.maxLength) {
			return suffix.substring(0, this.maxLength);
		}
		String head = truncate(clean(summary), this.maxLength - suffix.length() - 1);
		return head.isEmpty() ? suffix : head + " " + suffix;
	}

	private String clean(String text) {
		StringBuilder out = new StringBuilder(text.length());
		Normalizer.normalize(text, Normalizer.Form.NFKD).codePoints().forEach((cp) -> {
			if (allows(cp) && cp != ' ') {
				out.appendCodePoint(cp);
			}
			else if (LIGATURES.containsKey(cp)) {
				LIGATURES.get(cp).codePoints().forEach((letter) -> out.append(allows(letter) ? (char) letter : ' '));
			}
			else if (isDash(cp) && allows('-')) {
				out.append('-');
			}
			else if (!isDropped(cp)) {
				out.append(' ');
			}
		});
		return out.toString().replaceAll(" {2,}", " ").strip();
	}

	private static boolean isDash(int codePoint) {
		return Character.getType(codePoint) == Character.DASH_PUNCTUATION || codePoint == '\u2212';
	}

	private static boolean isDropped(int codePoint) {
		int type = Character.getType(codePoint);
		// Accents split off by NFKD, emoji variation selectors, zero-width joiners,
		// apostrophes.
		return type == Character.NON_SPACING_MARK || type == Character.ENCLOSING_MARK
				|| type == Character.COMBINING_SPACING_MARK || type == Character.FORMAT || codePoint == '\''
				|| codePoint == '\u2019' || codePoint == '\u2018' || codePoint == '\u02BC';
	}

	private static String truncate(String text, int length) {
		return (text.length() <= length) ? text : text.substring(0, length).stripTrailing();
	}

}
