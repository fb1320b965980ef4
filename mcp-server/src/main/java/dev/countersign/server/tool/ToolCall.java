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
 * @param policy the user's policy that governs the call; {@code null} only where no
 * policy is wired (unit tests of a handler), and then every write simply waits for
 * approval
 */
public record ToolCall(ToolDefinition tool, Caller caller, Arguments arguments, @Nullable Object progressToken,
		McpAsyncServerExchange exchange, @Nullable ToolPolicy policy) {

	public ToolCall {
		Objects.requireNonNull(tool, "tool must not be null");
		Objects.requireNonNull(caller, "caller must not be null");
		Objects.requireNonNull(arguments, "arguments must not be null");
		Objects.requireNonNull(exchange, "exchange must not be null");
	}

	/**
	 * A call no policy governs: writes wait for approval, nothing is refused by rules.
	 * @param tool the tool called
	 * @param caller who is calling
	 * @param arguments its arguments
	 * @param progressToken the client's progress token, or {@code null}
	 * @param exchange the MCP exchange
	 */
	public ToolCall(ToolDefinition tool, Caller caller, Arguments arguments, @Nullable Object progressToken,
			McpAsyncServerExchange exchange) {
		this(tool, caller, arguments, progressToken, exchange, null);
	}

	/**
	 * This call governed by a policy.
	 * @param governing the policy
	 * @return the changed copy
	 */
	public ToolCall withPolicy(ToolPolicy governing) {
		return new ToolCall(this.tool, this.caller, this.arguments, this.progressToken, this.exchange,
				Objects.requireNonNull(governing, "policy must not be null"));
	}

}
