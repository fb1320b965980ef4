package dev.countersign.server.tool;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

import io.modelcontextprotocol.server.McpAsyncServerExchange;
import io.modelcontextprotocol.server.McpServerFeatures.AsyncToolSpecification;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import dev.countersign.server.auth.Caller;

/**
 * Turns the catalog and the handlers into MCP tool specifications with one error
 * contract: a wrong argument or an expected failure is an {@code isError} result whose
 * one sentence the model can act on; anything unexpected is logged under an id and
 * answered with that id, never with its details. A catalog tool with no handler yet
 * answers that the capability is not available.
 *
 * <p>
 * With a {@link ToolPolicy}, every call is first admitted by it (a revoked agent and a
 * read the user's rules deny are refused with an {@code isError} result; the tool stays
 * listed, since the SDK serves one tool list to every session), and the call carries the
 * policy to the write tools, which route each write by it.
 *
 * <p>
 * With a {@link ToolCallLimit}, every call is admitted by it first, before the policy: a
 * caller over its rate gets an {@code isError} result saying when to retry, and nothing
 * of the call runs.
 */
public final class ToolRegistry {

	private static final Logger logger = LoggerFactory.getLogger(ToolRegistry.class);

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final ToolCatalog catalog;

	private final Map<String, ToolHandler> handlers;

	private final @Nullable ToolPolicy policy;

	private final ToolCallLimit limit;

	/**
	 * Matches handlers to the catalog, with no policy: nothing is refused by rules and
	 * writes wait for approval (for tests of the registry itself).
	 * @param catalog the catalog
	 * @param groups the handler groups
	 * @throws IllegalStateException when a handler names no catalog tool, or two name the
	 * same one
	 */
	public ToolRegistry(ToolCatalog catalog, List<ToolHandlers> groups) {
		this(catalog, groups, null);
	}

	/**
	 * Matches handlers to the catalog, under the user's policy.
	 * @param catalog the catalog
	 * @param groups the handler groups
	 * @param policy admits every call and routes writes; {@code null} for none
	 * @throws IllegalStateException when a handler names no catalog tool, or two name the
	 * same one
	 */
	public ToolRegistry(ToolCatalog catalog, List<ToolHandlers> groups, @Nullable ToolPolicy policy) {
		this(catalog, groups, policy, ToolCallLimit.NONE);
	}

	/**
	 * Matches handlers to the catalog, under the user's policy and a call limit.
	 * @param catalog the catalog
	 * @param groups the handler groups
	 * @param policy admits every call and routes writes; {@code null} for none
	 * @param limit admits every call before the policy; {@link ToolCallLimit#NONE} for
	 * none
	 * @throws IllegalStateException when a handler names no catalog tool, or two name the
	 * same one
	 */
	public ToolRegistry(ToolCatalog catalog, List<ToolHandlers> groups, @Nullable ToolPolicy policy,
			ToolCallLimit limit) {
		this.catalog = catalog;
		this.policy = policy;
		this.limit = Objects.requireNonNull(limit, "limit must not be null");
		Map<String, ToolHandler> all = new HashMap<>();
		for (ToolHandlers group : groups) {
			group.handlers().forEach((name, handler) -> {
				if (catalog.find(name).isEmpty()) {
					throw new IllegalStateException(
							"A handler is registered for " + name + ", which is not in the catalog");
				}
				if (all.putIfAbsent(name, handler) != null) {
					throw new IllegalStateException("Two handlers are registered for " + name);
				}
			});
		}
		this.handlers = Map.copyOf(all);
	}

	/**
	 * The specifications the MCP server registers, one per catalog tool.
	 * @return the specifications
	 */
	public List<AsyncToolSpecification> specifications() {
		return this.catalog.tools().stream().map(this::specification).toList();
	}

	private AsyncToolSpecification specification(ToolDefinition tool) {
		ToolHandler handler = this.handlers.getOrDefault(tool.name(), ToolRegistry::notAvailable);
		return AsyncToolSpecification.builder()
			.tool(tool.toMcpTool())
			.callHandler((exchange, request) -> call(tool, handler, exchange, request))
			.build();
	}

	private Mono<CallToolResult> call(ToolDefinition tool, ToolHandler handler, McpAsyncServerExchange exchange,
			McpSchema.CallToolRequest request) {
		return Mono.defer(() -> {
			if (!(exchange.transportContext().get(Caller.CONTEXT_KEY) instanceof Caller caller)) {
				// Unreachable behind the security chain; refuse rather than guess who
				// calls.
				return Mono
					.just(error("Countersign could not tell who is calling; send the request with your bearer token."));
			}
			Object progressToken = request.meta() != null ? request.meta().get("progressToken") : null;
			ToolCall call = new ToolCall(tool, caller, new Arguments(request.arguments()), progressToken, exchange);
			ToolPolicy governing = this.policy;
			if (governing == null) {
				return this.limit.admit(call).then(Mono.defer(() -> handler.handle(call))).map(ToolRegistry::success);
			}
			ToolCall governed = call.withPolicy(governing);
			return this.limit.admit(governed)
				.then(Mono.defer(() -> governing.admit(governed)))
				.then(Mono.defer(() -> handler.handle(governed)))
				.map(ToolRegistry::success);
		}).onErrorResume((ex) -> Mono.just(failure(tool, ex)));
	}

	private static CallToolResult success(Map<String, Object> structured) {
		return CallToolResult.builder()
			.structuredContent(structured)
			.addTextContent(JSON.writeValueAsString(structured))
			.isError(false)
			.build();
	}

	private static CallToolResult failure(ToolDefinition tool, Throwable ex) {
		if (ex instanceof ToolArgumentException || ex instanceof ToolFailure) {
			return error(ex.getMessage());
		}
		String incident = UUID.randomUUID().toString();
		logger.error("Tool {} failed unexpectedly (incident {})", tool.name(), incident, ex);
		return error(tool.name() + " failed inside Countersign (incident " + incident
				+ "); nothing was changed by this call. Try again later.");
	}

	private static CallToolResult error(String message) {
		return CallToolResult.builder().addTextContent(message).isError(true).build();
	}

	private static Mono<Map<String, Object>> notAvailable(ToolCall call) {
		return Mono.error(new ToolFailure(call.tool().name()
				+ " is not available in this Countersign build yet; its connector has not been enabled. Nothing was done."));
	}

}
