package dev.countersign.server.provider;

import java.time.Duration;
import java.util.Map;

import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.json.schema.JsonSchemaValidator;
import io.modelcontextprotocol.json.schema.jackson3.DefaultJsonSchemaValidator;
import io.modelcontextprotocol.server.McpAsyncServerExchange;
import reactor.core.publisher.Mono;

import dev.countersign.server.auth.Caller;
import dev.countersign.server.auth.TestCallers;
import dev.countersign.server.tool.Arguments;
import dev.countersign.server.tool.ToolCall;
import dev.countersign.server.tool.ToolCatalog;
import dev.countersign.server.tool.ToolDefinition;
import dev.countersign.server.tool.ToolHandler;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Calls tool handlers as the registry does, and checks answers against the catalog's
 * output schemas as the MCP SDK does.
 */
public final class ToolCalls {

	/** The calling user. */
	public static final String USER = "auth0|ada";

	/** The caller: agent {@code claude-desktop} acting for {@link #USER}. */
	public static final Caller CALLER = TestCallers.agent(USER, "claude-desktop").caller();

	private static final ToolCatalog CATALOG = ToolCatalog.create();

	private static final JsonSchemaValidator VALIDATOR = new DefaultJsonSchemaValidator();

	private ToolCalls() {
	}

	/**
	 * A call of a catalog tool by {@link #CALLER}.
	 * @param tool the tool name
	 * @param arguments its arguments
	 * @return the call
	 */
	public static ToolCall call(String tool, Map<String, Object> arguments) {
		ToolDefinition definition = CATALOG.find(tool).orElseThrow();
		McpAsyncServerExchange exchange = new McpAsyncServerExchange("test-session", null, null, null,
				McpTransportContext.EMPTY);
		return new ToolCall(definition, CALLER, new Arguments(arguments), null, exchange);
	}

	/**
	 * Handles a call, expecting an answer that matches the tool's output schema.
	 * @param handler the handler
	 * @param call the call
	 * @return the answer
	 */
	public static Map<String, Object> answer(ToolHandler handler, ToolCall call) {
		Map<String, Object> result = Mono.defer(() -> handler.handle(call)).block(Duration.ofSeconds(30));
		assertThat(result).isNotNull();
		JsonSchemaValidator.ValidationResponse validation = VALIDATOR.validate(call.tool().output().toMap(), result);
		assertThat(validation.valid()).as(validation.errorMessage()).isTrue();
		assertThat(result.toString()).doesNotContain(FakeProviderTokens.TOKEN);
		return result;
	}

	/**
	 * Handles a call, expecting it to fail.
	 * @param handler the handler
	 * @param call the call
	 * @return the failure
	 */
	public static RuntimeException failure(ToolHandler handler, ToolCall call) {
		Map<String, Object> result;
		try {
			result = Mono.defer(() -> handler.handle(call)).block(Duration.ofSeconds(30));
		}
		catch (RuntimeException ex) {
			assertThat(ex.getMessage()).doesNotContain(FakeProviderTokens.TOKEN);
			return ex;
		}
		throw new AssertionError("expected a failure, but got " + result);
	}

}
