package dev.countersign.examples.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.StreamSupport;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Claude Desktop configurations in {@code examples/claude-desktop} are valid and
 * start what their README says: the stdio bridge through the {@code countersign} script,
 * and {@code mcp-remote} over Streamable HTTP without any token in the file.
 */
class ClaudeDesktopConfigTests {

	private static final Path DIRECTORY = Path.of("claude-desktop");

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@Test
	void stdioConfigWhenReadThenRunsTheBridgeScriptAgainstAServer() throws IOException {
		JsonNode server = server("claude_desktop_config.json");
		assertThat(server.path("command").asString()).endsWith("/examples/claude-desktop/countersign");
		assertThat(args(server)).containsExactly("stdio", "--server", "http://127.0.0.1:8080/mcp");
		assertThat(server.has("env")).isFalse();
	}

	@Test
	void mcpRemoteConfigWhenReadThenNoTokenInTheFile() throws IOException {
		JsonNode server = server("claude_desktop_config.mcp-remote.json");
		assertThat(server.path("command").asString()).isEqualTo("npx");
		assertThat(args(server)).containsExactly("-y", "mcp-remote", "http://127.0.0.1:8080/mcp", "--transport",
				"http-only");
		assertThat(server.toString()).doesNotContainIgnoringCase("bearer");
	}

	@Test
	void scriptWhenReadThenExecutableAndRunsTheJarsLaptopCommands() throws IOException {
		Path script = DIRECTORY.resolve("countersign");
		assertThat(Files.isExecutable(script)).isTrue();
		assertThat(Files.readString(script)).startsWith("#!/bin/sh")
			.contains("countersign-mcp-server-0.1.0-SNAPSHOT-exec.jar")
			.contains("exec \"$java\" -jar \"$jar\" \"$@\"");
	}

	private static JsonNode server(String file) throws IOException {
		JsonNode config = JSON.readTree(Files.readString(DIRECTORY.resolve(file)));
		assertThat(config.path("mcpServers").size()).isEqualTo(1);
		return config.path("mcpServers").path("countersign");
	}

	private static List<String> args(JsonNode server) {
		return StreamSupport.stream(server.path("args").spliterator(), false).map(JsonNode::asString).toList();
	}

}
