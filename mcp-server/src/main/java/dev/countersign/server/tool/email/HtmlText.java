package dev.countersign.server.tool.email;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reduces an HTML mail body to readable text: drops scripts, styles and tags, turns block
 * ends and line breaks into new lines, and decodes the common entities. Not a renderer;
 * enough for a model to read what the message says.
 */
final class HtmlText {

	private static final Pattern INVISIBLE = Pattern.compile("(?is)<(script|style|head|title)\\b[^>]*>.*?</\\1\\s*>");

	private static final Pattern COMMENT = Pattern.compile("(?s)<!--.*?-->");

	private static final Pattern LINE_BREAK = Pattern.compile("(?i)<br\\s*/?>");

	private static final Pattern BLOCK_END = Pattern
		.compile("(?i)</(p|div|li|tr|h[1-6]|table|blockquote|ul|ol|section|article|header|footer)\\s*>");

	private static final Pattern LIST_ITEM = Pattern.compile("(?i)<li\\b[^>]*>");

	private static final Pattern TAG = Pattern.compile("<[^>]*>");

	private static final Pattern NUMERIC_ENTITY = Pattern.compile("&#(x[0-9a-fA-F]{1,6}|[0-9]{1,7});");

	private static final Pattern SPACES = Pattern.compile("[ \\t\\x0B\\f\\u00A0]+");

	private static final Pattern BLANK_LINES = Pattern.compile("\\n{3,}");

	private HtmlText() {
	}

	static String reduce(String html) {
		String text = INVISIBLE.matcher(html).replaceAll("");
		text = COMMENT.matcher(text).replaceAll("");
		text = text.replace("\r\n", "\n").replace('\r', '\n').replace('\n', ' ');
		text = LINE_BREAK.matcher(text).replaceAll("\n");
		text = BLOCK_END.matcher(text).replaceAll("\n");
		text = LIST_ITEM.matcher(text).replaceAll("- ");
		text = TAG.matcher(text).replaceAll("");
		text = entities(text);
		text = SPACES.matcher(text).replaceAll(" ");
		StringBuilder lines = new StringBuilder();
		for (String line : text.split("\n", -1)) {
			lines.append(line.strip()).append('\n');
		}
		return BLANK_LINES.matcher(lines).replaceAll("\n\n").strip();
	}

	private static String entities(String text) {
		Matcher numeric = NUMERIC_ENTITY.matcher(text);
		StringBuilder decoded = new StringBuilder();
		while (numeric.find()) {
			String code = numeric.group(1);
			int codePoint = (code.charAt(0) == 'x') ? Integer.parseInt(code.substring(1), 16) : Integer.parseInt(code);
			String replacement = Character.isValidCodePoint(codePoint) ? new String(Character.toChars(codePoint)) : "";
			numeric.appendReplacement(decoded, Matcher.quoteReplacement(replacement));
		}
		numeric.appendTail(decoded);
		// &amp; last, so "&amp;lt;" stays "&lt;".
		return decoded.toString()
			.replace("&nbsp;", " ")
			.replace("&lt;", "<")
			.replace("&gt;", ">")
			.replace("&quot;", "\"")
			.replace("&apos;", "'")
			.replace("&amp;", "&");
	}

}
