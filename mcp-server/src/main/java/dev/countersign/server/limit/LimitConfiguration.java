package dev.countersign.server.limit;

import java.time.Clock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.countersign.server.limit.LimitProperties.Budget;
import dev.countersign.server.observability.CountersignMetrics;
import dev.countersign.server.tool.ToolCallLimit;

/**
 * The per-agent tool call limit of {@code countersign.limits.*}. Refuses to start, naming
 * the setting, when a rate is not positive, a burst is below 1, or the governance budget
 * is smaller than the tool budget — also when limits are off, so that turning them on
 * later cannot fail.
 */
@Configuration(proxyBeanMethods = false)
public class LimitConfiguration {

	private static final Logger logger = LoggerFactory.getLogger(LimitConfiguration.class);

	@Bean
	ToolCallLimit toolCallLimit(LimitProperties properties, Clock clock, CountersignMetrics metrics) {
		Budget tools = properties.tools();
		Budget governance = properties.governance();
		if (!properties.effectiveEnabled()) {
			logger.warn("countersign.limits.enabled=false: tool calls are not rate limited");
			return ToolCallLimit.NONE;
		}
		logger.info("Tool calls are limited per user and agent to {}; governance tools to {}", tools, governance);
		return new AgentCallLimits(tools, governance, clock, metrics);
	}

}
