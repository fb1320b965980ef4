package dev.countersign.examples.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.modelcontextprotocol.server.McpServerFeatures.AsyncToolSpecification;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.web.reactive.function.client.WebClient;

import dev.countersign.server.tool.ToolCatalog;

/**
 * The benchmark's floor for one Java MCP hop: a bare Spring AI MCP server (ASYNC,
 * Streamable HTTP on WebFlux) with one tool, {@code github_get_issue}, that forwards to
 * the GitHub API with a fixed token. No authentication, no policy, no exchange; the same
 * tool schema as Countersign's, so the SDK validates the same output.
 */
@SpringBootConfiguration
@EnableAutoConfiguration(excludeName = {
		"org.springframework.boot.security.autoconfigure.web.reactive.ReactiveWebSecurityAutoConfiguration",
		"org.springframework.boot.security.autoconfigure.ReactiveUserDetailsServiceAutoConfiguration",
		"org.springframework.boot.security.autoconfigure.actuate.web.reactive.ReactiveManagementWebSecurityAutoConfiguration",
		"org.springframework.boot.security.oauth2.server.resource.autoconfigure.reactive.ReactiveOAuth2ResourceServerAutoConfiguration",
		"org.springframework.boot.security.oauth2.server.resource.autoconfigure.web.reactive.ReactiveOAuth2ResourceServerWebSecurityAutoConfiguration" })
public class BareMcpServerApplication {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	public static void main(String[] args) {
		application().run(args);
	}

	static SpringApplication application() {
		SpringApplication application = new SpringApplication(BareMcpServerApplication.class);
		application.setDefaultProperties(Map.of("spring.ai.mcp.server.type", "ASYNC", "spring.ai.mcp.server.protocol",
				"STREAMABLE", "spring.ai.mcp.server.name", "bare", "spring.ai.mcp.server.annotation-scanner.enabled",
				"false", "spring.main.banner-mode", "off"));
		return application;
	}

	@Bean
	List<AsyncToolSpecification> bareTools(@Value("${bench.github-url}") String githubUrl,
			@Value("${bench.github-token}") String token) {
		WebClient github = WebClient.builder()
			.baseUrl(githubUrl)
			.defaultHeader("Authorization", "Bearer " + token)
			.defaultHeader("Accept", "application/vnd.github+json")
			.build();
		return List.of(AsyncToolSpecification.builder()
			.tool(ToolCatalog.create().find("github_get_issue").orElseThrow().toMcpTool())
			.callHandler((exchange, request) -> github.get()
				.uri("/repos/{repo}/issues/{number}".replace("{repo}", (String) request.arguments().get("repo")),
						Map.of("number", request.arguments().get("number")))
				.retrieve()
				.bodyToMono(String.class)
				.map((body) -> {
					JsonNode issue = JSON.readTree(body);
					Map<String, Object> result = new LinkedHashMap<>();
					result.put("number", issue.get("number").asInt());
					result.put("title", issue.get("title").asString());
					result.put("state", issue.get("state").asString());
					Map<String, Object> structured = Map.of("issue", result);
					return CallToolResult.builder()
						.structuredContent(structured)
						.addTextContent(JSON.writeValueAsString(structured))
						.build();
				}))
			.build());
	}

}
