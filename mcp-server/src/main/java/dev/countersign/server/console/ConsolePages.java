package dev.countersign.server.console;

import org.springframework.web.util.HtmlUtils;

/**
 * The console's small HTML pages: a title and one paragraph, escaped. They never hold a
 * token, a code or a secret: callers pass plain sentences.
 */
final class ConsolePages {

	private ConsolePages() {
	}

	/**
	 * A page.
	 * @param title the title, plain text
	 * @param message the paragraph, plain text
	 * @return the HTML document
	 */
	static String html(String title, String message) {
		String escapedTitle = HtmlUtils.htmlEscape(title);
		return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
				+ "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">" + "<title>Countersign: "
				+ escapedTitle + "</title></head>\n<body style=\"font-family: system-ui, sans-serif; max-width: 40em; "
				+ "margin: 2em auto; padding: 0 1em\"><h1>" + escapedTitle + "</h1>\n<p>"
				+ HtmlUtils.htmlEscape(message) + "</p></body></html>\n";
	}

}
