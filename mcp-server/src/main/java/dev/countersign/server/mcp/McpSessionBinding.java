package dev.countersign.server.mcp;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import io.modelcontextprotocol.spec.HttpHeaders;
import reactor.core.publisher.Mono;

import org.springframework.core.Ordered;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

import dev.countersign.server.auth.Caller;
import dev.countersign.server.auth.CallerAuthentication;

/**
 * Runs after Spring Security on {@code /mcp}: puts the authenticated {@link Caller} where
 * the transport's context extractor finds it, and binds each MCP session to the (user,
 * client) that opened it. The SDK does not: without this, a session id opened by one
 * caller would accept another's token. A request on a session that is unknown or owned by
 * someone else gets the same 404 the SDK gives an unknown session.
 *
 * <p>
 * Thread-safe. Bindings live in memory, like the SDK's sessions, and end when the client
 * deletes its session.
 */
public final class McpSessionBinding implements WebFilter, Ordered {

	private static final byte[] NOT_FOUND = "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32600,\"message\":\"Session not found\"}}"
		.getBytes(StandardCharsets.UTF_8);

	private final ConcurrentMap<String, Owner> owners = new ConcurrentHashMap<>();

	@Override
	public int getOrder() {
		// After Spring Security's WebFilterChainProxy (-100).
		return 0;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		if (!exchange.getRequest().getPath().value().equals(McpTransportConfiguration.ENDPOINT)) {
			return chain.filter(exchange);
		}
		return exchange.getPrincipal()
			.ofType(CallerAuthentication.class)
			.map((authentication) -> Optional.of(authentication.caller()))
			.defaultIfEmpty(Optional.empty())
			// Security lets no unauthenticated request reach /mcp; without a caller there
			// is nothing to bind.
			.flatMap((caller) -> caller.isPresent() ? bound(exchange, chain, caller.get()) : chain.filter(exchange));
	}

	private Mono<Void> bound(ServerWebExchange exchange, WebFilterChain chain, Caller caller) {
		exchange.getAttributes().put(Caller.CONTEXT_KEY, caller);
		String sessionId = exchange.getRequest().getHeaders().getFirst(HttpHeaders.MCP_SESSION_ID);
		if (sessionId == null) {
			// A new session (initialize): bind whatever id the SDK hands out.
			exchange.getResponse().beforeCommit(() -> {
				String issued = exchange.getResponse().getHeaders().getFirst(HttpHeaders.MCP_SESSION_ID);
				if (issued != null) {
					this.owners.putIfAbsent(issued, Owner.of(caller));
				}
				return Mono.empty();
			});
			return chain.filter(exchange);
		}
		Owner owner = this.owners.get(sessionId);
		if (owner == null || !owner.equals(Owner.of(caller))) {
			return notFound(exchange.getResponse());
		}
		if (HttpMethod.DELETE.equals(exchange.getRequest().getMethod())) {
			return chain.filter(exchange).doOnSuccess((done) -> this.owners.remove(sessionId));
		}
		return chain.filter(exchange);
	}

	/**
	 * How many sessions are bound, for tests and metrics.
	 * @return the number of bound sessions
	 */
	public int size() {
		return this.owners.size();
	}

	private static Mono<Void> notFound(ServerHttpResponse response) {
		response.setStatusCode(HttpStatus.NOT_FOUND);
		response.getHeaders().setContentType(MediaType.APPLICATION_JSON);
		return response.writeWith(Mono.just(response.bufferFactory().wrap(NOT_FOUND)));
	}

	/**
	 * Who opened a session: only the identity, never the token.
	 */
	private record Owner(String user, String client) {

		static Owner of(Caller caller) {
			return new Owner(caller.user(), caller.client());
		}

	}

}
