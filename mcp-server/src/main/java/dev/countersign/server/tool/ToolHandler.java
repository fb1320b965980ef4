package dev.countersign.server.tool;

import java.util.Map;

import reactor.core.publisher.Mono;

/**
 * Answers calls of one tool with its structured result. A handler signals an answer the
 * agent should act on by failing with {@link ToolArgumentException} or
 * {@link ToolFailure}; anything else is logged and answered with a generic error.
 */
@FunctionalInterface
public interface ToolHandler {

	/**
	 * Handles a call.
	 * @param call the call
	 * @return the structured result, matching the tool's output schema
	 */
	Mono<Map<String, Object>> handle(ToolCall call);

}
