package dev.countersign.server.tool;

import java.util.List;

import io.modelcontextprotocol.server.McpServerFeatures.AsyncToolSpecification;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Registers the catalog with the MCP server the Spring AI starter builds, every call
 * admitted by the {@link ToolCallLimit} and governed by the user's {@link ToolPolicy}.
 */
@Configuration(proxyBeanMethods = false)
public class ToolConfiguration {

	@Bean
	ToolCatalog toolCatalog() {
		return ToolCatalog.create();
	}

	@Bean
	ToolRegistry toolRegistry(ToolCatalog catalog, List<ToolHandlers> handlers, ToolPolicy policy,
			ToolCallLimit limit) {
		return new ToolRegistry(catalog, handlers, policy, limit);
	}

	@Bean
	List<AsyncToolSpecification> countersignTools(ToolRegistry registry) {
		return registry.specifications();
	}

}
