package dev.countersign.server.web;

import java.util.concurrent.atomic.AtomicLong;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * Refuses request bodies over {@code countersign.http.max-request-size} with 413, before
 * anything reads them: by {@code Content-Length} when the client sends one, and by
 * counting otherwise (chunked bodies).
 */
public final class RequestSizeLimitFilter implements WebFilter, Ordered {

	private final long limit;

	public RequestSizeLimitFilter(HttpProperties properties) {
		this.limit = properties.effectiveMaxRequestSize().toBytes();
	}

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		long declared = exchange.getRequest().getHeaders().getContentLength();
		if (declared > this.limit) {
			return Problems.write(exchange.getResponse(), HttpStatus.CONTENT_TOO_LARGE, message());
		}
		ServerHttpRequest counted = new ServerHttpRequestDecorator(exchange.getRequest()) {
			@Override
			public Flux<DataBuffer> getBody() {
				AtomicLong seen = new AtomicLong();
				return super.getBody().map((buffer) -> {
					if (seen.addAndGet(buffer.readableByteCount()) > RequestSizeLimitFilter.this.limit) {
						DataBufferUtils.release(buffer);
						throw new ResponseStatusException(HttpStatus.CONTENT_TOO_LARGE, message());
					}
					return buffer;
				});
			}
		};
		return chain.filter(exchange.mutate().request(counted).build());
	}

	private String message() {
		return "The request body is larger than the limit of " + this.limit
				+ " bytes (countersign.http.max-request-size).";
	}

}
