package dev.countersign.examples.sandbox;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Kubernetes manifests of {@code examples/sidecar} (DESIGN §10) parse as YAML and
 * hold what the sidecar recipe promises: Countersign and an agent in one pod, Countersign
 * on the pod's loopback with liveness and readiness probes on the actuator groups, its
 * secrets only from a Secret, a Redis URL, and a grace period longer than Spring's
 * shutdown phase.
 */
class SidecarManifestsTests {

	private static final Path SIDECAR = Path.of("sidecar");

	@Test
	void manifestsDeclareTheExpectedObjects() throws IOException {
		List<Map<String, Object>> objects = load("deployment.yaml", "configmap.yaml", "secret.yaml");
		assertThat(objects).extracting((object) -> object.get("kind") + "/" + map(object, "metadata").get("name"))
			.containsExactlyInAnyOrder("Deployment/agent-with-countersign", "ConfigMap/countersign",
					"Secret/countersign");
	}

	@Test
	void podRunsTheAgentWithCountersignAsASidecarOnLoopbackWithProbes() throws IOException {
		Map<String, Object> pod = podSpec();
		assertThat(((Number) pod.get("terminationGracePeriodSeconds")).intValue()).isGreaterThan(30);
		Map<String, Object> countersign = single(list(pod, "initContainers"), "countersign");
		// a native sidecar: started before the agent, stopped after it
		assertThat(countersign.get("restartPolicy")).isEqualTo("Always");
		assertThat(probe(countersign, "livenessProbe")).contains("/actuator/health/liveness");
		assertThat(probe(countersign, "readinessProbe")).contains("/actuator/health/readiness");
		assertThat(probe(countersign, "startupProbe")).contains("/actuator/health/liveness");
		assertThat(map(countersign, "securityContext").get("runAsUser")).isEqualTo(10001);
		Map<String, Object> agent = single(list(pod, "containers"), "agent");
		assertThat(env(agent)).containsEntry("MCP_SERVER_URL", "http://127.0.0.1:8080/mcp");
		Map<String, Object> config = load("configmap.yaml").get(0);
		assertThat(map(config, "data")).containsEntry("SERVER_ADDRESS", "127.0.0.1")
			.containsEntry("SERVER_PORT", "8080")
			.containsKey("COUNTERSIGN_AUTH_ISSUER");
	}

	@Test
	void secretsComeOnlyFromTheSecretAndIncludeTheRedisUrl() throws IOException {
		Map<String, Object> countersign = single(list(podSpec(), "initContainers"), "countersign");
		List<String> sources = new ArrayList<>();
		for (Object source : (List<?>) countersign.get("envFrom")) {
			Map<?, ?> from = (Map<?, ?>) source;
			from.forEach((kind, ref) -> sources.add(kind + ":" + ((Map<?, ?>) ref).get("name")));
		}
		assertThat(sources).containsExactlyInAnyOrder("configMapRef:countersign", "secretRef:countersign");
		Map<String, Object> secret = load("secret.yaml").get(0);
		assertThat(map(secret, "stringData")).containsKeys("COUNTERSIGN_VAULT_CLIENT_SECRET",
				"COUNTERSIGN_CIBA_CLIENT_SECRET", "COUNTERSIGN_APPROVAL_SIGNING_KEY", "REDIS_URL");
		// no secret in plain sight: not in the ConfigMap, not in the Deployment
		String plain = Files.readString(SIDECAR.resolve("configmap.yaml"))
				+ Files.readString(SIDECAR.resolve("deployment.yaml"));
		assertThat(plain).doesNotContain("SECRET:", "SIGNING_KEY:", "REDIS_URL:");
	}

	private static Map<String, Object> podSpec() throws IOException {
		Map<String, Object> deployment = load("deployment.yaml").get(0);
		return map(map(map(deployment, "spec"), "template"), "spec");
	}

	private static String probe(Map<String, Object> container, String name) {
		Map<String, Object> probe = map(container, name);
		return String.valueOf(map(probe, "exec").get("command"));
	}

	private static Map<String, Object> env(Map<String, Object> container) {
		Map<String, Object> env = new java.util.LinkedHashMap<>();
		for (Object entry : (List<?>) container.get("env")) {
			Map<?, ?> variable = (Map<?, ?>) entry;
			env.put(String.valueOf(variable.get("name")), variable.get("value"));
		}
		return env;
	}

	private static Map<String, Object> single(List<Map<String, Object>> containers, String name) {
		List<Map<String, Object>> named = containers.stream().filter((c) -> name.equals(c.get("name"))).toList();
		assertThat(named).as(name).hasSize(1);
		return named.get(0);
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> map(Map<String, Object> parent, String key) {
		Object value = parent.get(key);
		assertThat(value).as(key).isInstanceOf(Map.class);
		return (Map<String, Object>) value;
	}

	@SuppressWarnings("unchecked")
	private static List<Map<String, Object>> list(Map<String, Object> parent, String key) {
		Object value = parent.get(key);
		assertThat(value).as(key).isInstanceOf(List.class);
		return (List<Map<String, Object>>) value;
	}

	@SuppressWarnings("unchecked")
	private static List<Map<String, Object>> load(String... files) throws IOException {
		Yaml yaml = new Yaml(new SafeConstructor(new LoaderOptions()));
		List<Map<String, Object>> objects = new ArrayList<>();
		for (String file : files) {
			try (Reader reader = Files.newBufferedReader(SIDECAR.resolve(file))) {
				for (Object document : yaml.loadAll(reader)) {
					assertThat(document).as(file).isInstanceOf(Map.class);
					objects.add((Map<String, Object>) document);
				}
			}
		}
		return objects;
	}

}
