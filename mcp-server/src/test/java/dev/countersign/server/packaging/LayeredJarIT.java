package dev.countersign.server.packaging;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sidecar packaging (DESIGN §10) without a registry: the exec jar is layered, the
 * {@code Dockerfile} copies exactly its layers in order and runs as a non-root user with
 * a liveness health check, and the jar extracted and merged as the {@code Dockerfile}
 * does starts with {@code /actuator/health} UP, then shuts down gracefully on SIGTERM.
 */
class LayeredJarIT {

	private static final List<String> LAYERS = List.of("dependencies", "spring-boot-loader", "snapshot-dependencies",
			"application");

	private static final Path DOCKERFILE = Path.of("Dockerfile");

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

	@Test
	void execJarListsTheFourSpringBootLayers() throws Exception {
		Run run = run(Path.of("."), List.of(java(), "-Djarmode=tools", "-jar", execJar().toString(), "list-layers"));
		assertThat(run.exit()).as(run.output()).isZero();
		assertThat(run.output().lines().map(String::strip).filter((line) -> !line.isEmpty()).toList())
			.isEqualTo(LAYERS);
	}

	@Test
	void dockerfileCopiesEachLayerInOrderRunsAsNonRootAndChecksLiveness() throws IOException {
		String dockerfile = Files.readString(DOCKERFILE);
		Matcher copies = Pattern.compile("(?m)^COPY --from=\\S+ /build/extracted/([a-z-]+)/ \\./$").matcher(dockerfile);
		List<String> copied = new ArrayList<>();
		while (copies.find()) {
			copied.add(copies.group(1));
		}
		assertThat(copied).isEqualTo(LAYERS);
		assertThat(dockerfile).contains("-Djarmode=tools -jar application.jar extract --layers --launcher");
		Matcher user = Pattern.compile("(?m)^USER (\\d+):(\\d+)$").matcher(dockerfile);
		assertThat(user.find()).as("a numeric USER").isTrue();
		assertThat(Integer.parseInt(user.group(1))).isPositive();
		assertThat(dockerfile).containsPattern("(?m)^HEALTHCHECK .*\\n?.*/actuator/health/liveness");
		assertThat(dockerfile)
			.contains("ENTRYPOINT [\"java\", \"org.springframework.boot.loader.launch.JarLauncher\"]");
	}

	@Test
	void extractedLayersMergedAsInTheImageStartHealthyAndStopGracefully(@TempDir Path work) throws Exception {
		Path extracted = work.resolve("extracted");
		Run extract = run(Path.of("."), List.of(java(), "-Djarmode=tools", "-jar", execJar().toString(), "extract",
				"--layers", "--launcher", "--destination", extracted.toString()));
		assertThat(extract.exit()).as(extract.output()).isZero();
		Path app = work.resolve("app");
		for (String layer : LAYERS) {
			// what each COPY of the Dockerfile does
			copyInto(extracted.resolve(layer), app);
		}
		int port = freePort();
		Path log = work.resolve("server.log");
		Process server = new ProcessBuilder(java(), "org.springframework.boot.loader.launch.JarLauncher",
				"--server.port=" + port, "--server.address=127.0.0.1",
				"--countersign.auth.issuer=http://127.0.0.1:9/tenant/",
				"--countersign.auth.audience=https://countersign.test/mcp",
				"--countersign.vault.client-id=vault-client", "--countersign.vault.client-secret=not-a-real-secret",
				"--countersign.ciba.client-id=ciba-client", "--countersign.ciba.client-secret=not-a-real-secret")
			.directory(app.toFile())
			.redirectErrorStream(true)
			.redirectOutput(log.toFile())
			.start();
		try {
			String health = awaitHealth(port, server, log);
			assertThat(health).contains("\"status\":\"UP\"");
			assertThat(get(port, "/actuator/health/readiness").statusCode()).isEqualTo(200);
			assertThat(get(port, "/actuator/prometheus").body()).contains("countersign_tool_calls_total");
			server.destroy(); // SIGTERM, as Kubernetes and docker stop send
			assertThat(server.waitFor(40, TimeUnit.SECONDS)).as("stopped within the grace period").isTrue();
			assertThat(Files.readString(log)).contains("Commencing graceful shutdown")
				.contains("Graceful shutdown complete")
				.contains("Approval loop stopped");
		}
		finally {
			server.destroyForcibly();
		}
	}

	private String awaitHealth(int port, Process server, Path log) throws Exception {
		Instant deadline = Instant.now().plusSeconds(90);
		while (Instant.now().isBefore(deadline)) {
			if (!server.isAlive()) {
				throw new AssertionError(
						"the server exited with " + server.exitValue() + ":\n" + Files.readString(log));
			}
			try {
				HttpResponse<String> response = get(port, "/actuator/health");
				if (response.statusCode() == 200) {
					return response.body();
				}
			}
			catch (IOException notYet) {
				// not listening yet
			}
			Thread.sleep(500);
		}
		throw new AssertionError("no healthy answer within 90 s:\n" + Files.readString(log));
	}

	private HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
		return this.http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
			.timeout(Duration.ofSeconds(5))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	static Path execJar() throws IOException {
		try (Stream<Path> files = Files.list(Path.of("target"))) {
			List<Path> jars = files.filter((file) -> file.getFileName().toString().endsWith("-exec.jar")).toList();
			assertThat(jars).as("the exec jar (run with mvn verify, after package)").hasSize(1);
			return jars.get(0).toAbsolutePath();
		}
	}

	private static String java() {
		return ProcessHandle.current().info().command().orElse("java");
	}

	private static Run run(Path directory, List<String> command) throws IOException, InterruptedException {
		Process process = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true).start();
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
		return new Run(process.exitValue(), output);
	}

	private static void copyInto(Path from, Path to) throws IOException {
		try (Stream<Path> paths = Files.walk(from)) {
			for (Path source : paths.toList()) {
				Path target = to.resolve(from.relativize(source).toString());
				if (Files.isDirectory(source)) {
					Files.createDirectories(target);
				}
				else {
					Files.createDirectories(target.getParent());
					Files.copy(source, target);
				}
			}
		}
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

	private record Run(int exit, String output) {
	}

}
