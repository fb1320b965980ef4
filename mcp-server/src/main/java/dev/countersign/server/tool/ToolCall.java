package dev.countersign.server.tool;

import java.util.Objects;

import io.modelcontextprotocol.server.McpAsyncServerExchange;
import org.jspecify.annotations.Nullable;

import dev.countersign.server.auth.Caller;

/**
 * One call of a tool, as a handler sees it.
 *
 * @param tool the tool called
 * @param caller who is calling
 * @param arguments its arguments
 * @param progressToken the client's progress token, when it sent one
 * @param exchange the MCP exchange, for progress notifications
 */
public record ToolCall(ToolDefinition tool, Caller caller, Arguments arguments, @Nullable Object progressToken,
		McpAsyncServerExchange exchange) {

	public ToolCall {
		Objects.requireNonNull(tool, "tool must not be null");
		Objects.requireNonNull(caller, "caller must not be null");
		Objects.requireNonNull(arguments, "arguments must not be null");
		Objects.requireNonNull(exchange, "exchange must not be null");
	}

}
