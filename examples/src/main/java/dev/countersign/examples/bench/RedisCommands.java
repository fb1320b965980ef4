package dev.countersign.examples.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * Reads {@code total_commands_processed} from a Redis server's {@code INFO stats}: the
 * benchmark's count of Redis commands per tool call and per approval-loop tick.
 */
final class RedisCommands {

	private final String host;

	private final int port;

	/**
	 * @param address {@code host:port}
	 */
	RedisCommands(String address) {
		int colon = address.lastIndexOf(':');
		if (colon < 1) {
			throw new IllegalArgumentException("redis must be host:port, but was " + address);
		}
		this.host = address.substring(0, colon);
		this.port = Integer.parseInt(address.substring(colon + 1));
	}

	/**
	 * The commands the server processed since it started (this {@code INFO} included).
	 * @return the count
	 */
	long total() throws IOException {
		try (Socket socket = new Socket(this.host, this.port)) {
			OutputStream out = socket.getOutputStream();
			out.write("INFO stats\r\n".getBytes(StandardCharsets.US_ASCII));
			out.flush();
			InputStream in = socket.getInputStream();
			String header = line(in);
			if (!header.startsWith("$")) {
				throw new IOException("unexpected answer to INFO: " + header);
			}
			byte[] body = in.readNBytes(Integer.parseInt(header.substring(1)));
			for (String line : new String(body, StandardCharsets.US_ASCII).split("\r\n")) {
				if (line.startsWith("total_commands_processed:")) {
					return Long.parseLong(line.substring(line.indexOf(':') + 1).strip());
				}
			}
			throw new IOException("INFO stats has no total_commands_processed");
		}
	}

	private static String line(InputStream in) throws IOException {
		StringBuilder line = new StringBuilder();
		int c;
		while ((c = in.read()) != -1 && c != '\n') {
			if (c != '\r') {
				line.append((char) c);
			}
		}
		return line.toString();
	}

}
