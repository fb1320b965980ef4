package dev.countersign.server.mcp;

import java.util.Map;

import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.json.jackson3.JacksonMcpJsonMapper;
import io.modelcontextprotocol.server.transport.DefaultServerTransportSecurityValidator;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.ai.mcp.server.webflux.transport.WebFluxStreamableServerTransportProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.countersign.server.auth.Caller;

/**
 * Builds the Streamable HTTP transport at {@code /mcp} instead of the starter's default:
 * with Host and Origin allow-lists (the default validator lets everything through) and a
 * context extractor that hands the {@link Caller} to every tool.
 */
@Configuration(proxyBeanMethods = false)
public class McpTransportConfiguration {

	/** The MCP endpoint. */
	public static final String ENDPOINT = "/mcp";

	@Bean
	WebFluxStreamableServerTransportProvider webFluxStreamableServerTransportProvider(
			@Qualifier("mcpServerJsonMapper") JsonMapper jsonMapper, McpProperties properties) {
		return WebFluxStreamableServerTransportProvider.builder()
			.jsonMapper(new JacksonMcpJsonMapper(jsonMapper))
			.messageEndpoint(ENDPOINT)
			.securityValidator(DefaultServerTransportSecurityValidator.builder()
				.allowedHosts(properties.effectiveAllowedHosts())
				.allowedOrigins(properties.effectiveAllowedOrigins())
				.build())
			.contextExtractor(
					(request) -> request.exchange().getAttributes().get(Caller.CONTEXT_KEY) instanceof Caller caller
							? McpTransportContext.create(Map.of(Caller.CONTEXT_KEY, caller))
							: McpTransportContext.EMPTY)
			.build();
	}

	@Bean
	McpSessionBinding mcpSessionBinding() {
		return new McpSessionBinding();
	}

	@Bean
	JsonRpcGuard jsonRpcGuard() {
		return new JsonRpcGuard();
	}

}
