package dev.countersign.server.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Event-stream parsing as the WHATWG rules say, for the answers of a Streamable HTTP
 * server.
 */
class SseReaderTests {

	@Test
	void readWhenSeveralEventsThenEachMessageDataInOrder() throws IOException {
		assertThat(read("id: 1\nevent: message\ndata: {\"a\":1}\n\ndata:{\"b\":2}\n\n")).containsExactly("{\"a\":1}",
				"{\"b\":2}");
	}

	@Test
	void readWhenDataSpansLinesThenJoinedWithLineFeeds() throws IOException {
		assertThat(read("data: {\"a\":\ndata:  1}\n\n")).containsExactly("{\"a\":\n 1}");
	}

	@Test
	void readWhenCommentsRetryAndOtherEventTypesThenSkipped() throws IOException {
		assertThat(read(": keep-alive\n\nretry: 1000\n\nevent: endpoint\ndata: /mcp\n\ndata: {\"c\":3}\n\n"))
			.containsExactly("{\"c\":3}");
	}

	@Test
	void readWhenCarriageReturnLineEndsThenSameEvents() throws IOException {
		assertThat(read("data: {\"a\":1}\r\n\r\ndata: {\"b\":2}\r\r")).containsExactly("{\"a\":1}", "{\"b\":2}");
	}

	@Test
	void readWhenStreamEndsInsideAnEventThenThatEventIsDiscarded() throws IOException {
		assertThat(read("data: {\"a\":1}\n\ndata: {\"cut\"")).containsExactly("{\"a\":1}");
	}

	@Test
	void readWhenEmptyDataThenEmptyMessage() throws IOException {
		assertThat(read("data\n\n")).containsExactly("");
	}

	private static List<String> read(String stream) throws IOException {
		List<String> messages = new ArrayList<>();
		SseReader.read(new BufferedReader(new StringReader(stream)), messages::add);
		return messages;
	}

}
