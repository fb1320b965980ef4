package dev.countersign.examples.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sandbox's {@code countersign.sandbox.*} settings are in the configuration metadata
 * the build writes (and the jar carries), each with a description.
 */
class SandboxMetadataTests {

	@Test
	void sandboxPropertiesAreListedWithDescriptions() throws IOException {
		JsonNode metadata = JsonMapper.builder()
			.build()
			.readTree(Files.readString(Path.of("target", "classes", "META-INF", "spring-configuration-metadata.json")));
		Map<String, JsonNode> properties = new LinkedHashMap<>();
		metadata.get("properties").forEach((property) -> properties.put(property.get("name").asString(), property));
		assertThat(properties).containsKeys("countersign.sandbox.issuer", "countersign.sandbox.console-client",
				"countersign.sandbox.token-lifetime", "countersign.sandbox.emulations-only");
		properties
			.forEach((name, property) -> assertThat(property.path("description").asString("")).as(name).isNotBlank());
		assertThat(properties.get("countersign.sandbox.token-lifetime").get("defaultValue").asString())
			.isEqualTo("24h");
	}

}
