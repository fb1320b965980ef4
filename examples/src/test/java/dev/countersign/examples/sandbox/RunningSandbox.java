package dev.countersign.examples.sandbox;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The sandbox started in this JVM on a free loopback port, as {@code java -jar} would
 * start it, for end-to-end tests. Close it when done.
 */
final class RunningSandbox implements AutoCloseable {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final ConfigurableApplicationContext context;

	private final int port;

	private final HttpClient http = HttpClient.newHttpClient();

	private RunningSandbox(ConfigurableApplicationContext context, int port) {
		this.context = context;
		this.port = port;
	}

	static RunningSandbox start(String... extraArgs) {
		return startOnPort(freePort(), extraArgs);
	}

	static RunningSandbox startOnPort(int port, String... extraArgs) {
		List<String> args = new ArrayList<>(List.of("--server.port=" + port));
		args.addAll(List.of(extraArgs));
		ConfigurableApplicationContext context = new SpringApplicationBuilder(SandboxApplication.class)
			.run(args.toArray(String[]::new));
		return new RunningSandbox(context, port);
	}

	/**
	 * The emulations alone ({@code --countersign.sandbox.emulations-only=true}), for
	 * Countersign processes started against them.
	 * @param extraArgs more arguments
	 * @return the running emulations
	 */
	static RunningSandbox startEmulations(String... extraArgs) {
		int port = freePort();
		List<String> args = new ArrayList<>(
				List.of("--server.port=" + port, "--" + SandboxApplication.EMULATIONS_ONLY + "=true"));
		args.addAll(List.of(extraArgs));
		ConfigurableApplicationContext context = new SpringApplicationBuilder(SandboxApplication.Emulations.class)
			.properties("spring.ai.mcp.server.enabled=false")
			.run(args.toArray(String[]::new));
		return new RunningSandbox(context, port);
	}

	static int freePort() {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	int port() {
		return this.port;
	}

	String baseUrl() {
		return "http://127.0.0.1:" + this.port;
	}

	String mcpUrl() {
		return baseUrl() + "/mcp";
	}

	<T> T bean(Class<T> type) {
		return this.context.getBean(type);
	}

	/**
	 * An agent token from {@code GET /sandbox/token}.
	 * @param query the query string, for example {@code agent=a1&user=grace}
	 * @return the access token
	 */
	String agentToken(String query) {
		return tokenFrom("/sandbox/token?" + query);
	}

	String consoleToken(String user) {
		return tokenFrom("/sandbox/user-token?user=" + user);
	}

	HttpResponse<String> get(String path) {
		try {
			return this.http.send(HttpRequest.newBuilder(URI.create(baseUrl() + path)).build(),
					HttpResponse.BodyHandlers.ofString());
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private String tokenFrom(String path) {
		HttpResponse<String> response = get(path);
		if (response.statusCode() != 200) {
			throw new IllegalStateException(path + " answered " + response.statusCode() + ": " + response.body());
		}
		return JSON.readTree(response.body()).get("access_token").asString();
	}

	@Override
	public void close() {
		this.context.close();
	}

}
