package dev.countersign.server.packaging;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.convert.DurationStyle;

import dev.countersign.policy.approval.ApprovalConfig;
import dev.countersign.server.limit.LimitProperties;
import dev.countersign.server.mcp.McpProperties;
import dev.countersign.server.observability.OperationsProperties;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Spring configuration metadata in the built jar, which IDEs read to complete and
 * document {@code countersign.*}: every property has a description, the key ones are
 * there with the defaults the code uses, and the README's configuration reference lists
 * every one of them.
 */
class ConfigurationMetadataIT {

	private static final List<String> KEY_PROPERTIES = List.of("countersign.auth.issuer", "countersign.auth.audience",
			"countersign.auth.console-clients", "countersign.vault.client-id", "countersign.vault.client-secret",
			"countersign.vault.write-subject", "countersign.ciba.client-id", "countersign.ciba.client-secret",
			"countersign.approval.batch-window", "countersign.approval.execution-window",
			"countersign.approval.requested-expiry", "countersign.approval.signing-key", "countersign.mcp.max-wait",
			"countersign.store", "countersign.redis.url", "countersign.limits.enabled",
			"countersign.limits.calls-per-second", "countersign.limits.burst", "countersign.operations.drain-timeout");

	private static Map<String, JsonNode> properties;

	@BeforeAll
	static void readMetadataFromTheJar() throws IOException {
		Path jar;
		try (Stream<Path> files = Files.list(Path.of("target"))) {
			List<Path> jars = files.filter((file) -> {
				String name = file.getFileName().toString();
				return name.startsWith("countersign-mcp-server-") && name.endsWith(".jar")
						&& !name.endsWith("-exec.jar") && !name.endsWith("-tests.jar");
			}).toList();
			assertThat(jars).as("the plain jar (run with mvn verify, after package)").hasSize(1);
			jar = jars.get(0);
		}
		try (ZipFile zip = new ZipFile(jar.toFile())) {
			ZipEntry entry = zip.getEntry("META-INF/spring-configuration-metadata.json");
			assertThat(entry).as("the configuration processor's output in " + jar).isNotNull();
			try (InputStream in = zip.getInputStream(entry)) {
				JsonNode metadata = JsonMapper.builder().build().readTree(in);
				properties = new LinkedHashMap<>();
				for (JsonNode property : metadata.get("properties")) {
					properties.put(property.get("name").asString(), property);
				}
			}
		}
	}

	@Test
	void everyCountersignPropertyHasADescriptionAndAType() {
		assertThat(properties.keySet()).filteredOn((name) -> name.startsWith("countersign.")).hasSizeGreaterThan(40);
		properties.forEach((name, property) -> {
			if (name.startsWith("countersign.")) {
				// an IDE shows the description as it is: no javadoc links to constants
				assertThat(property.path("description").asString("")).as(name)
					.isNotBlank()
					.doesNotContain("{@link")
					.doesNotContain("{@value");
				assertThat(property.path("type").asString("")).as(name).isNotBlank();
			}
		});
	}

	@Test
	void keyPropertiesAreListed() {
		assertThat(properties).containsKeys(KEY_PROPERTIES.toArray(String[]::new));
		assertThat(properties.get("countersign.store").get("description").asString()).contains("memory")
			.contains("redis");
	}

	@Test
	void defaultsAreTheOnesTheCodeUses() {
		assertThat(duration("countersign.approval.batch-window")).isEqualTo(ApprovalConfig.DEFAULT_BATCH_WINDOW);
		assertThat(duration("countersign.approval.execution-window"))
			.isEqualTo(ApprovalConfig.DEFAULT_EXECUTION_WINDOW);
		assertThat(duration("countersign.approval.pending-ttl")).isEqualTo(ApprovalConfig.DEFAULT_PENDING_TTL);
		assertThat(duration("countersign.mcp.max-wait")).isEqualTo(McpProperties.DEFAULT_MAX_WAIT);
		assertThat(duration("countersign.operations.drain-timeout"))
			.isEqualTo(OperationsProperties.DEFAULT_DRAIN_TIMEOUT);
		assertThat(properties.get("countersign.approval.max-batch-size").get("defaultValue").asInt())
			.isEqualTo(ApprovalConfig.DEFAULT_MAX_BATCH_SIZE);
		assertThat(properties.get("countersign.limits.calls-per-second").get("defaultValue").asDouble())
			.isEqualTo(LimitProperties.DEFAULT_CALLS_PER_SECOND);
		assertThat(properties.get("countersign.limits.burst").get("defaultValue").asInt())
			.isEqualTo(LimitProperties.DEFAULT_BURST);
		assertThat(properties.get("countersign.store").get("defaultValue").asString()).isEqualTo("memory");
	}

	@Test
	void readmeConfigurationReferenceListsEveryProperty() throws IOException {
		String readme = Files.readString(Path.of("..", "README.md"));
		properties.keySet()
			.stream()
			.filter((name) -> name.startsWith("countersign."))
			.forEach((name) -> assertThat(readme).as("the README's configuration table").contains("| `" + name + "`"));
	}

	private static java.time.Duration duration(String name) {
		return DurationStyle.detectAndParse(properties.get(name).get("defaultValue").asString());
	}

}
