package dev.countersign.ciba.internal;

import java.util.Map;
import java.util.Optional;

import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.util.JSONObjectUtils;

import org.jspecify.annotations.Nullable;

/**
 * The little JSON the client needs: parse an object (with Nimbus), quote a string, and
 * cut the exact text of a top-level member out of a document, so that a value such as
 * {@code authorization_details} reaches its reader byte for byte as the server sent it.
 */
public final class Json {

	private Json() {
	}

	/**
	 * Parse a JSON object.
	 * @param text the document
	 * @return its members, or empty when the text is not a JSON object
	 */
	public static Optional<Map<String, Object>> parseObject(String text) {
		try {
			return Optional.of(JSONObjectUtils.parse(text));
		}
		catch (ParseException | RuntimeException ex) {
			return Optional.empty();
		}
	}

	/**
	 * Quote a string as a JSON string literal.
	 * @param value the string
	 * @return the literal, with its quotes
	 */
	public static String quote(String value) {
		StringBuilder out = new StringBuilder(value.length() + 2).append('"');
		for (int i = 0; i < value.length(); i++) {
			char c = value.charAt(i);
			switch (c) {
				case '"' -> out.append("\\\"");
				case '\\' -> out.append("\\\\");
				case '\n' -> out.append("\\n");
				case '\r' -> out.append("\\r");
				case '\t' -> out.append("\\t");
				case '\b' -> out.append("\\b");
				case '\f' -> out.append("\\f");
				default -> {
					if (c < 0x20) {
						out.append(String.format("\\u%04x", (int) c));
					}
					else {
						out.append(c);
					}
				}
			}
		}
		return out.append('"').toString();
	}

	/**
	 * The exact text of a top-level member's value.
	 * @param document a JSON object, already known to parse
	 * @param name the member name
	 * @return the value's text as it appears in the document, or empty when the member is
	 * absent or the document is not an object
	 */
	public static Optional<String> rawMember(String document, String name) {
		Scanner scanner = new Scanner(document);
		scanner.skipSpace();
		if (!scanner.take('{')) {
			return Optional.empty();
		}
		String found = null;
		scanner.skipSpace();
		if (scanner.take('}')) {
			return Optional.empty();
		}
		do {
			scanner.skipSpace();
			String key = scanner.readString();
			scanner.skipSpace();
			if (key == null || !scanner.take(':')) {
				return Optional.empty();
			}
			scanner.skipSpace();
			int start = scanner.position;
			if (!scanner.skipValue()) {
				return Optional.empty();
			}
			if (name.equals(key)) {
				// JSON leaves duplicate names undefined; like most parsers, the last one
				// wins.
				found = document.substring(start, scanner.position);
			}
			scanner.skipSpace();
		}
		while (scanner.take(','));
		return Optional.ofNullable(found);
	}

	private static final class Scanner {

		private final String text;

		private int position;

		Scanner(String text) {
			this.text = text;
		}

		void skipSpace() {
			while (this.position < this.text.length() && " \t\r\n".indexOf(this.text.charAt(this.position)) >= 0) {
				this.position++;
			}
		}

		boolean take(char c) {
			if (this.position < this.text.length() && this.text.charAt(this.position) == c) {
				this.position++;
				return true;
			}
			return false;
		}

		@Nullable String readString() {
			int start = this.position;
			if (!skipString()) {
				return null;
			}
			Optional<Map<String, Object>> decoded = parseObject(
					"{" + this.text.substring(start, this.position) + ":0}");
			return decoded.map((members) -> members.keySet().iterator().next()).orElse(null);
		}

		boolean skipString() {
			if (!take('"')) {
				return false;
			}
			while (this.position < this.text.length()) {
				char c = this.text.charAt(this.position++);
				if (c == '\\') {
					this.position++;
				}
				else if (c == '"') {
					return true;
				}
			}
			return false;
		}

		boolean skipValue() {
			if (this.position >= this.text.length()) {
				return false;
			}
			char c = this.text.charAt(this.position);
			if (c == '"') {
				return skipString();
			}
			if (c == '{' || c == '[') {
				int depth = 0;
				while (this.position < this.text.length()) {
					char d = this.text.charAt(this.position);
					if (d == '"') {
						if (!skipString()) {
							return false;
						}
						continue;
					}
					this.position++;
					if (d == '{' || d == '[') {
						depth++;
					}
					else if (d == '}' || d == ']') {
						depth--;
						if (depth == 0) {
							return true;
						}
					}
				}
				return false;
			}
			int start = this.position;
			while (this.position < this.text.length() && ",}] \t\r\n".indexOf(this.text.charAt(this.position)) < 0) {
				this.position++;
			}
			return this.position > start;
		}

	}

}
