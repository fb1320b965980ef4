package dev.countersign.server.observability;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

import io.micrometer.context.ContextRegistry;
import io.micrometer.context.ThreadLocalAccessor;
import org.jspecify.annotations.Nullable;
import org.slf4j.MDC;
import reactor.core.publisher.Mono;
import reactor.util.context.Context;

import org.springframework.core.Ordered;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * Gives every request a correlation id: the incoming {@value #HEADER} when it is sane (1
 * to 64 letters, digits, {@code .}, {@code _}, {@code :} or {@code -}), else a random
 * UUID. The id is echoed in the {@value #HEADER} response header, kept as the exchange
 * attribute and in the Reactor context under {@value #KEY}, and — with
 * {@code spring.reactor.context-propagation=auto}, a Countersign default — put in the
 * logging MDC under {@value #KEY} for every log line written while the request is served,
 * so structured (JSON) logs carry it; it is the only value so propagated (see
 * {@link #propagateOnlyTheRequestId}). Runs before every other filter, so even a refused
 * request gets its id.
 */
public final class CorrelationIdFilter implements WebFilter, Ordered {

	/** The request and response header. */
	public static final String HEADER = "X-Request-Id";

	/** The MDC, Reactor context and exchange attribute key. */
	public static final String KEY = "request_id";

	private static final Pattern SANE = Pattern.compile("[A-Za-z0-9._:-]{1,64}");

	static {
		propagateOnlyTheRequestId(ContextRegistry.getInstance());
	}

	/**
	 * Makes the request id the one value that automatic context propagation restores:
	 * registers the MDC accessor and removes every other thread-local accessor (Spring
	 * Security's security context and exchange, Micrometer's current observation). With
	 * {@code auto}, each registered accessor is set and restored around every Reactor
	 * signal that crosses threads; the others cost about a fifth of Countersign's CPU per
	 * read, and nothing here reads them from a thread local: Spring Security reads the
	 * Reactor context, and the tool call and HTTP client observations find their parent
	 * there too.
	 * @param registry the registry Reactor propagates from
	 */
	static void propagateOnlyTheRequestId(ContextRegistry registry) {
		registry.registerThreadLocalAccessor(KEY, () -> MDC.get(KEY), (id) -> MDC.put(KEY, id), () -> MDC.remove(KEY));
		List<Object> others = new ArrayList<>();
		for (ThreadLocalAccessor<?> accessor : registry.getThreadLocalAccessors()) {
			if (!KEY.equals(accessor.key())) {
				others.add(accessor.key());
			}
		}
		others.forEach(registry::removeThreadLocalAccessor);
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		String id = idFor(exchange.getRequest().getHeaders().getFirst(HEADER));
		exchange.getResponse().getHeaders().set(HEADER, id);
		exchange.getAttributes().put(KEY, id);
		return chain.filter(exchange).contextWrite(Context.of(KEY, id));
	}

	/**
	 * The id for a request.
	 * @param incoming the request's {@value #HEADER}, or null
	 * @return the incoming id when sane, else a new random one
	 */
	static String idFor(@Nullable String incoming) {
		return (incoming != null && SANE.matcher(incoming).matches()) ? incoming : randomId();
	}

	/**
	 * A random version 4 UUID. A request id is a label, not a secret, so it is drawn from
	 * {@link ThreadLocalRandom} rather than the contended
	 * {@link java.security.SecureRandom} behind {@link UUID#randomUUID()}.
	 */
	private static String randomId() {
		ThreadLocalRandom random = ThreadLocalRandom.current();
		long high = (random.nextLong() & ~0xF000L) | 0x4000L; // version 4
		long low = (random.nextLong() & ~(0xC000L << 48)) | (0x8000L << 48); // IETF
																				// variant
		return new UUID(high, low).toString();
	}

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

}
