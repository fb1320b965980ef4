package dev.countersign.examples.sandbox;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Proves that the sandbox works for clients built on the official MCP TypeScript SDK,
 * which is stricter about schemas than the Java one: runs
 * {@code ts-client/check-sandbox.mjs} with Node against the sandbox started in this JVM.
 * Needs {@code node} and {@code npm} on the {@code PATH}.
 */
class TypeScriptClientIT {

	/** The Node project, relative to the examples module (Maven's working dir). */
	private static final Path CLIENT_DIR = Path.of("ts-client");

	private static final String NPM = System.getProperty("os.name").startsWith("Windows") ? "npm.cmd" : "npm";

	@Test
	void typeScriptSdkListsToolsAndReadsDealsWhenTokenGiven() throws Exception {
		requireOnPath("node", "--version");
		requireOnPath(NPM, "--version");
		Finished install = run(Duration.ofMinutes(5), NPM, "ci", "--no-audit", "--no-fund");
		assertThat(install.exitCode()).as("npm ci failed:%n%s", install.output()).isZero();
		try (RunningSandbox sandbox = RunningSandbox.start()) {
			Finished check = run(Duration.ofMinutes(2), "node", "check-sandbox.mjs", sandbox.baseUrl());
			System.out.println(check.output());
			assertThat(check.exitCode()).as("check-sandbox.mjs failed:%n%s", check.output()).isZero();
			assertThat(check.output()).contains("0 failed");
		}
	}

	private static void requireOnPath(String... command) throws Exception {
		try {
			run(Duration.ofSeconds(30), command);
		}
		catch (IOException ex) {
			fail("'%s' is not on the PATH. This test runs the MCP TypeScript SDK and needs Node.js 20 or later "
					+ "(node and npm) installed: %s", command[0], ex.getMessage());
		}
	}

	/**
	 * Runs a command in {@link #CLIENT_DIR}, with stdout and stderr together, killing it
	 * (and what it started) if it outlives the timeout.
	 */
	private static Finished run(Duration timeout, String... command) throws IOException, InterruptedException {
		Path log = Files.createTempFile("ts-client-", ".log");
		try {
			ProcessBuilder builder = new ProcessBuilder(command).directory(CLIENT_DIR.toFile())
				.redirectErrorStream(true)
				.redirectOutput(log.toFile());
			builder.environment().put("npm_config_update_notifier", "false");
			Process process = builder.start();
			if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
				process.descendants().forEach(ProcessHandle::destroyForcibly);
				process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
				fail("'%s' did not finish within %s:%n%s", String.join(" ", command), timeout,
						Files.readString(log, StandardCharsets.UTF_8));
			}
			return new Finished(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
		}
		finally {
			Files.deleteIfExists(log);
		}
	}

	private record Finished(int exitCode, String output) {
	}

}
