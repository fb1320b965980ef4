package dev.countersign.server.mcp;

import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpStatus;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.server.WebFilterChain;

import dev.countersign.server.auth.Caller;
import dev.countersign.server.auth.CallerAuthentication;
import dev.countersign.server.auth.TestCallers;

import static org.assertj.core.api.Assertions.assertThat;

class McpSessionBindingTests {

	private final McpSessionBinding binding = new McpSessionBinding();

	private final AtomicInteger calls = new AtomicInteger();

	@Test
	void filterWhenNewSessionThenChainRunsOnceAndSessionIsBound() {
		MockServerWebExchange exchange = exchange(null, TestCallers.agent("auth0|ada", "agent-1"));
		this.binding.filter(exchange, issuing("s-1")).block();
		assertThat(this.calls).hasValue(1);
		assertThat(this.binding.size()).isEqualTo(1);
		assertThat(exchange.<Caller>getAttribute(Caller.CONTEXT_KEY).user()).isEqualTo("auth0|ada");
	}

	@Test
	void filterWhenOwnerReturnsThenChainRunsOnce() {
		this.binding.filter(exchange(null, TestCallers.agent("auth0|ada", "agent-1")), issuing("s-1")).block();
		this.binding.filter(exchange("s-1", TestCallers.agent("auth0|ada", "agent-1")), counting()).block();
		assertThat(this.calls).hasValue(2);
	}

	@Test
	void filterWhenAnotherCallerThenNotFoundAndChainNotRun() {
		this.binding.filter(exchange(null, TestCallers.agent("auth0|ada", "agent-1")), issuing("s-1")).block();
		MockServerWebExchange stranger = exchange("s-1", TestCallers.agent("auth0|mallory", "agent-1"));
		this.binding.filter(stranger, counting()).block();
		assertThat(stranger.getResponse().getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
		assertThat(this.calls).hasValue(1);
	}

	@Test
	void filterWhenOtherPathThenPassesThroughOnce() {
		MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/health"));
		this.binding.filter(exchange, counting()).block();
		assertThat(this.calls).hasValue(1);
	}

	private WebFilterChain counting() {
		return (exchange) -> {
			this.calls.incrementAndGet();
			return Mono.empty();
		};
	}

	private WebFilterChain issuing(String sessionId) {
		return (exchange) -> {
			this.calls.incrementAndGet();
			exchange.getResponse().getHeaders().set("Mcp-Session-Id", sessionId);
			return exchange.getResponse().setComplete();
		};
	}

	private static MockServerWebExchange exchange(String sessionId, CallerAuthentication caller) {
		MockServerHttpRequest.BaseBuilder<?> request = MockServerHttpRequest.post("/mcp");
		if (sessionId != null) {
			request.header("Mcp-Session-Id", sessionId);
		}
		return MockServerWebExchange.builder(request.build()).principal(caller).build();
	}

}
