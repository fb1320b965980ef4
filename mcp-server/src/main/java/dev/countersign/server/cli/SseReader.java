package dev.countersign.server.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

/**
 * Reads a {@code text/event-stream} body as it arrives (WHATWG HTML "Server-sent events"
 * §9.2.6) and hands over the data of each {@code message} event: {@code data} lines are
 * joined with a line feed, one space after the colon is dropped, comment lines (starting
 * with a colon) and {@code id}/{@code retry} fields are ignored, an event is dispatched
 * at a blank line, and an event cut off by the end of the stream is discarded. Events of
 * another type are skipped. Not thread-safe.
 */
final class SseReader {

	private SseReader() {
	}

	/**
	 * Reads events until the end of the stream.
	 * @param reader the body, line by line ({@code CRLF}, {@code LF} or {@code CR})
	 * @param onMessage receives each message event's data
	 * @throws IOException when reading fails
	 */
	static void read(BufferedReader reader, Consumer<String> onMessage) throws IOException {
		StringBuilder data = null;
		String type = null;
		String line;
		while ((line = reader.readLine()) != null) {
			if (line.isEmpty()) {
				if (data != null && (type == null || type.isEmpty() || "message".equals(type))) {
					onMessage.accept(data.toString());
				}
				data = null;
				type = null;
				continue;
			}
			if (line.startsWith(":")) {
				continue;
			}
			int colon = line.indexOf(':');
			String field = (colon < 0) ? line : line.substring(0, colon);
			String value = (colon < 0) ? "" : line.substring(colon + 1);
			if (value.startsWith(" ")) {
				value = value.substring(1);
			}
			if ("data".equals(field)) {
				data = append(data, value);
			}
			else if ("event".equals(field)) {
				type = value;
			}
		}
	}

	private static StringBuilder append(@Nullable StringBuilder data, String value) {
		if (data == null) {
			return new StringBuilder(value);
		}
		return data.append('\n').append(value);
	}

}
