package dev.countersign.redis;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;

/**
 * A real {@code redis-server} on a free loopback port, for tests: no persistence, stopped
 * by {@link #close()}. Fails with a clear message when {@code redis-server} is not on the
 * {@code PATH}.
 *
 * <pre>{@code
 * try (RedisServer server = RedisServer.start()) {
 *     RedisClient client = RedisClient.create(server.uri());
 * }
 * }</pre>
 */
public final class RedisServer implements AutoCloseable {

	private static final Duration STARTUP = Duration.ofSeconds(10);

	private final Process process;

	private final int port;

	private RedisServer(Process process, int port) {
		this.process = process;
		this.port = port;
	}

	/**
	 * Starts a server and waits until it answers {@code PING}.
	 * @return the running server
	 */
	public static RedisServer start() {
		String binary = findBinary();
		int port = freePort();
		Process process;
		try {
			Path log = Files.createTempFile("redis-server-", ".log");
			log.toFile().deleteOnExit();
			process = new ProcessBuilder(binary, "--port", Integer.toString(port), "--bind", "127.0.0.1", "--save", "",
					"--appendonly", "no")
				.redirectErrorStream(true)
				.redirectOutput(log.toFile())
				.start();
		}
		catch (IOException ex) {
			throw new IllegalStateException("Could not start " + binary, ex);
		}
		RedisServer server = new RedisServer(process, port);
		server.awaitPing();
		return server;
	}

	/**
	 * The server's address.
	 * @return a {@code redis://} URI
	 */
	public RedisURI uri() {
		return RedisURI.create("redis://127.0.0.1:" + this.port);
	}

	private void awaitPing() {
		long deadline = System.nanoTime() + STARTUP.toNanos();
		RedisClient client = RedisClient.create();
		try {
			while (true) {
				if (!this.process.isAlive()) {
					throw new IllegalStateException(
							"redis-server exited at start with code " + this.process.exitValue());
				}
				try (StatefulRedisConnection<String, String> connection = client.connect(uri())) {
					if ("PONG".equals(connection.sync().ping())) {
						return;
					}
				}
				catch (RuntimeException ex) {
					if (System.nanoTime() > deadline) {
						close();
						throw new IllegalStateException(
								"redis-server did not answer PING on port " + this.port + " within " + STARTUP, ex);
					}
				}
				sleep();
			}
		}
		finally {
			client.shutdown();
		}
	}

	private static void sleep() {
		try {
			Thread.sleep(50);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while waiting for redis-server", ex);
		}
	}

	private static String findBinary() {
		String path = System.getenv("PATH");
		for (String dir : (path != null) ? path.split(File.pathSeparator) : new String[0]) {
			File candidate = new File(dir, "redis-server");
			if (candidate.canExecute()) {
				return candidate.getAbsolutePath();
			}
		}
		for (String known : List.of("/usr/bin/redis-server", "/usr/local/bin/redis-server")) {
			if (new File(known).canExecute()) {
				return known;
			}
		}
		throw new IllegalStateException("The Redis store tests need a real redis-server, but none is on the PATH;"
				+ " install it (Debian/Ubuntu: apt-get install redis-server, macOS: brew install redis)");
	}

	private static int freePort() {
		try (ServerSocket socket = new ServerSocket(0)) {
			socket.setReuseAddress(true);
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new IllegalStateException("Could not find a free port", ex);
		}
	}

	@Override
	public void close() {
		this.process.destroy();
		try {
			if (!this.process.waitFor(5, TimeUnit.SECONDS)) {
				this.process.destroyForcibly();
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			this.process.destroyForcibly();
		}
	}

}
