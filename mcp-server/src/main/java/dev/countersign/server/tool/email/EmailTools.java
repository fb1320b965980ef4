package dev.countersign.server.tool.email;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.countersign.policy.tool.ToolDescriptor;
import dev.countersign.server.provider.ProviderHttp;
import dev.countersign.server.provider.ProviderProperties;
import dev.countersign.server.provider.ProviderTokens;
import dev.countersign.server.tool.ToolHandler;
import dev.countersign.server.tool.ToolHandlers;

/**
 * {@code email_search} and {@code email_get}: reads of the caller's Gmail.
 */
@Configuration(proxyBeanMethods = false)
public class EmailTools {

	/**
	 * The largest Gmail answer read: a raw message is the whole mail with its
	 * attachments, base64url-encoded.
	 */
	public static final int MAX_RAW_MESSAGE_SIZE = 32 * 1024 * 1024;

	@Bean
	WebClientGmail gmail(ProviderProperties properties, ProviderTokens tokens,
			CircuitBreakerRegistry providerCircuitBreakers, Clock clock) {
		return new WebClientGmail(ProviderHttp
			.builder("Gmail", ToolDescriptor.GOOGLE, properties.effectiveGmailUrl(), tokens,
					providerCircuitBreakers.circuitBreaker(ProviderHttp.GOOGLE))
			.timeout(properties.effectiveTimeout())
			.maxResponseSize(MAX_RAW_MESSAGE_SIZE)
			.clock(clock)
			.build());
	}

	@Bean
	ToolHandlers emailToolHandlers(WebClientGmail gmail) {
		return () -> Map.of("email_search", search(gmail), "email_get", get(gmail));
	}

	static ToolHandler search(WebClientGmail gmail) {
		return (call) -> {
			String query = call.arguments().requireString("query");
			int maxResults = call.arguments().optionalInt("max_results", 10, 1, 50);
			return gmail.search(call.caller(), query, maxResults).map((messages) -> {
				Map<String, Object> result = new LinkedHashMap<>();
				result.put("messages", messages);
				result.put("count", messages.size());
				return result;
			});
		};
	}

	static ToolHandler get(WebClientGmail gmail) {
		return (call) -> gmail.get(call.caller(), call.arguments().requireString("message_id"));
	}

}
