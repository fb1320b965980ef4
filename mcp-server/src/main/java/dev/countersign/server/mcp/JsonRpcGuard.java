package dev.countersign.server.mcp;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import io.modelcontextprotocol.spec.HttpHeaders;
import io.modelcontextprotocol.spec.McpSchema;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * Checks the shape of every JSON-RPC message posted to {@code /mcp} before the SDK sees
 * it, and answers a malformed one with the protocol's error (JSON-RPC 2.0 §5.1) naming
 * what was wrong. The SDK on its own answers some of these with a serialised Java
 * exception (stack trace included), some with a bare 500, and leaves a request for an
 * unknown method open forever; none of that reaches a client.
 *
 * <p>
 * Runs after authentication, so only a caller with a valid token costs a parse.
 */
public final class JsonRpcGuard implements WebFilter, Ordered {

	/** The request methods this server answers; the SDK has no handler for others. */
	private static final Set<String> METHODS = Set.of(McpSchema.METHOD_INITIALIZE, McpSchema.METHOD_PING,
			McpSchema.METHOD_TOOLS_LIST, McpSchema.METHOD_TOOLS_CALL, McpSchema.METHOD_LOGGING_SET_LEVEL);

	private final JsonMapper json = JsonMapper.builder().build();

	@Override
	public int getOrder() {
		// After the session binding, so an unknown session is a 404 before anything is
		// parsed.
		return 1;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		if (!HttpMethod.POST.equals(exchange.getRequest().getMethod())
				|| !exchange.getRequest().getPath().value().equals(McpTransportConfiguration.ENDPOINT)) {
			return chain.filter(exchange);
		}
		return DataBufferUtils.join(exchange.getRequest().getBody())
			.map(JsonRpcGuard::bytes)
			.defaultIfEmpty(new byte[0])
			.flatMap((body) -> {
				Rejection rejection = check(body,
						exchange.getRequest().getHeaders().getFirst(HttpHeaders.MCP_SESSION_ID) != null);
				if (rejection != null) {
					return reject(exchange.getResponse(), rejection);
				}
				ServerHttpRequestDecorator replay = new ServerHttpRequestDecorator(exchange.getRequest()) {
					@Override
					public Flux<DataBuffer> getBody() {
						return Flux.defer(() -> Flux.just(exchange.getResponse().bufferFactory().wrap(body)));
					}
				};
				return chain.filter(exchange.mutate().request(replay).build());
			});
	}

	@Nullable Rejection check(byte[] body, boolean hasSession) {
		JsonNode message;
		try {
			message = this.json.readTree(body);
		}
		catch (JacksonException ex) {
			return new Rejection(null, McpSchema.ErrorCodes.PARSE_ERROR, "Parse error: the body is not valid JSON");
		}
		if (message == null || message.isMissingNode()) {
			return new Rejection(null, McpSchema.ErrorCodes.PARSE_ERROR, "Parse error: the body is empty");
		}
		if (message.isArray()) {
			return new Rejection(null, McpSchema.ErrorCodes.INVALID_REQUEST,
					"Invalid request: JSON-RPC batches are not supported; send one message per request");
		}
		if (!message.isObject()) {
			return new Rejection(null, McpSchema.ErrorCodes.INVALID_REQUEST,
					"Invalid request: a JSON-RPC message must be an object");
		}
		JsonNode id = message.get("id");
		if (id != null && !id.isString() && !id.isIntegralNumber()) {
			return new Rejection(null, McpSchema.ErrorCodes.INVALID_REQUEST,
					"Invalid request: 'id' must be a string or an integer");
		}
		@Nullable Object echoedId = (id == null) ? null : (id.isString() ? id.asString() : id.numberValue());
		if (!"2.0".equals(text(message.get("jsonrpc")))) {
			return new Rejection(echoedId, McpSchema.ErrorCodes.INVALID_REQUEST,
					"Invalid request: 'jsonrpc' must be \"2.0\"");
		}
		JsonNode method = message.get("method");
		if (method == null) {
			// A response to a request of ours; the SDK matches it by id.
			return (id != null && (message.has("result") || message.has("error"))) ? null
					: new Rejection(echoedId, McpSchema.ErrorCodes.INVALID_REQUEST,
							"Invalid request: a message needs a 'method', or an 'id' with 'result' or 'error'");
		}
		if (!method.isString()) {
			return new Rejection(echoedId, McpSchema.ErrorCodes.INVALID_REQUEST,
					"Invalid request: 'method' must be a string");
		}
		JsonNode params = message.get("params");
		if (params != null && !params.isObject() && !params.isNull()) {
			return new Rejection(echoedId, McpSchema.ErrorCodes.INVALID_PARAMS,
					"Invalid params: 'params' must be an object");
		}
		String name = method.asString();
		if (id == null) {
			// A notification: the SDK ignores unknown ones.
			return null;
		}
		if (!METHODS.contains(name)) {
			return new Rejection(echoedId, McpSchema.ErrorCodes.METHOD_NOT_FOUND, "Method not found: " + name);
		}
		if (!name.equals(McpSchema.METHOD_INITIALIZE) && !hasSession) {
			return new Rejection(echoedId, McpSchema.ErrorCodes.INVALID_REQUEST,
					"Invalid request: the Mcp-Session-Id header is missing; send initialize first");
		}
		if (name.equals(McpSchema.METHOD_TOOLS_CALL)) {
			return checkToolCall(echoedId, params);
		}
		return null;
	}

	private static @Nullable Rejection checkToolCall(@Nullable Object id, @Nullable JsonNode params) {
		if (params == null || !params.isObject() || !params.path("name").isString()) {
			return new Rejection(id, McpSchema.ErrorCodes.INVALID_PARAMS,
					"Invalid params: tools/call needs 'name', the tool's name as a string");
		}
		JsonNode arguments = params.get("arguments");
		if (arguments != null && !arguments.isObject() && !arguments.isNull()) {
			return new Rejection(id, McpSchema.ErrorCodes.INVALID_PARAMS,
					"Invalid params: 'arguments' must be an object of named arguments");
		}
		return null;
	}

	private static @Nullable String text(@Nullable JsonNode node) {
		return (node != null && node.isString()) ? node.asString() : null;
	}

	private static byte[] bytes(DataBuffer buffer) {
		try {
			byte[] bytes = new byte[buffer.readableByteCount()];
			buffer.read(bytes);
			return bytes;
		}
		finally {
			DataBufferUtils.release(buffer);
		}
	}

	private Mono<Void> reject(ServerHttpResponse response, Rejection rejection) {
		Map<String, Object> error = new LinkedHashMap<>();
		error.put("code", rejection.code());
		error.put("message", rejection.message());
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("jsonrpc", "2.0");
		body.put("id", rejection.id());
		body.put("error", error);
		byte[] bytes = this.json.writeValueAsString(body).getBytes(StandardCharsets.UTF_8);
		response.setStatusCode(HttpStatus.BAD_REQUEST);
		response.getHeaders().setContentType(MediaType.APPLICATION_JSON);
		return response.writeWith(Mono.just(response.bufferFactory().wrap(bytes)));
	}

	record Rejection(@Nullable Object id, int code, String message) {
	}

}
