package dev.countersign.server.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The laptop commands from the packaged jar, as Claude Desktop starts them
 * ({@code java -jar countersign.jar stdio …}): no Spring starts, and stdout holds only
 * JSON-RPC even when the bridge can only answer with an error.
 */
class CountersignJarIT {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@TempDir
	Path home;

	@Test
	void stdioWhenNotLoggedInThenStdoutIsOneJsonRpcErrorAndStderrSaysWhy() throws Exception {
		Run run = run("{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"initialize\",\"params\":{}}\n", "stdio", "--server",
				"http://127.0.0.1:9/mcp", "--credentials", this.home.resolve("credentials.json").toString());
		assertThat(run.exit()).as(run.stderr()).isZero();
		List<String> lines = run.stdout().lines().toList();
		assertThat(lines).hasSize(1);
		JsonNode error = JSON.readTree(lines.get(0));
		assertThat(error.path("id").asInt()).isEqualTo(7);
		assertThat(error.path("error").path("message").asString()).contains("Not logged in", "countersign login");
		assertThat(run.stderr()).contains("Not logged in").doesNotContain("Spring");
	}

	@Test
	void loginWithoutAClientIdThenUsageOnStderrAndNothingOnStdout() throws Exception {
		Run run = run("", "login", "--server", "http://127.0.0.1:9/mcp");
		assertThat(run.exit()).isEqualTo(2);
		assertThat(run.stdout()).isEmpty();
		assertThat(run.stderr()).contains("--client-id is required", "usage: countersign login");
	}

	private Run run(String stdin, String... args) throws IOException, InterruptedException {
		List<String> command = new ArrayList<>(
				List.of(ProcessHandle.current().info().command().orElse("java"), "-jar", execJar().toString()));
		command.addAll(List.of(args));
		Process process = new ProcessBuilder(command).start();
		CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(process, true));
		try (OutputStream in = process.getOutputStream()) {
			in.write(stdin.getBytes(StandardCharsets.UTF_8));
		}
		String out = read(process, false);
		assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
		return new Run(process.exitValue(), out, err.join());
	}

	private static String read(Process process, boolean error) {
		try {
			return new String((error ? process.getErrorStream() : process.getInputStream()).readAllBytes(),
					StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static Path execJar() throws IOException {
		try (Stream<Path> files = Files.list(Path.of("target"))) {
			List<Path> jars = files.filter((file) -> file.getFileName().toString().endsWith("-exec.jar")).toList();
			assertThat(jars).as("the exec jar (run with mvn verify, after package)").hasSize(1);
			return jars.get(0).toAbsolutePath();
		}
	}

	private record Run(int exit, String stdout, String stderr) {

	}

}
