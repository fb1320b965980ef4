package dev.countersign.server.provider;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.core.IntervalBiFunction;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.reactor.circuitbreaker.operator.CircuitBreakerOperator;
import io.github.resilience4j.reactor.retry.RetryOperator;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.netty.channel.ChannelOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import tools.jackson.databind.JsonNode;

import org.springframework.http.HttpStatus;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientRequestException;
import org.springframework.web.reactive.function.client.WebClientResponseException;

import dev.countersign.server.auth.Caller;
import dev.countersign.server.tool.ToolFailure;

/**
 * Reads from one provider API on behalf of a caller: obtains the caller's provider token
 * for the connection first, sends it as a bearer token, applies the upstream's circuit
 * breaker and a read-only retry with exponential back-off, and turns every failure into a
 * {@link ToolFailure} with one sentence the agent can act on.
 *
 * <p>
 * Retries happen on 5xx, on 429 with a {@code Retry-After} of at most
 * {@link #MAX_RETRY_AFTER}, on timeouts and on connection errors; never on another 4xx.
 * The breaker sits inside the retry, so every attempt counts, and an open breaker fails
 * at once without calling the provider. A {@link ToolFailure} from
 * {@link ProviderTokens#forRead} passes through unchanged. A 401 from the provider drops
 * the user's cached token for the connection. Messages never hold a token, a stack trace
 * or a response body beyond a short provider message. Thread-safe.
 *
 * <p>
 * Only for reads: a write must never be retried.
 *
 * <pre>{@code
 * ProviderHttp github = ProviderHttp.builder("GitHub", "github", URI.create("https://api.github.com"), tokens,
 * 		breakers.circuitBreaker(ProviderHttp.GITHUB))
 * 	.build();
 * Mono<JsonNode> issue = github.read(caller, "issue #1 in ada/engine",
 * 		(client) -> client.get().uri("/repos/{o}/{r}/issues/{n}", "ada", "engine", 1));
 * }</pre>
 */
public final class ProviderHttp {

	/** The circuit breaker name of Google's APIs (Calendar and Gmail). */
	public static final String GOOGLE = "google";

	/** The circuit breaker name of GitHub's API. */
	public static final String GITHUB = "github";

	/** Attempts of one read, the first included. */
	public static final int DEFAULT_READ_ATTEMPTS = 3;

	/** The first back-off of a read's retry; each next one doubles it. */
	public static final Duration DEFAULT_READ_BACKOFF = Duration.ofMillis(200);

	/** The longest {@code Retry-After} a read waits for before retrying a 429. */
	public static final Duration MAX_RETRY_AFTER = Duration.ofSeconds(2);

	/** The largest response body read into memory, 2 MB. */
	public static final int DEFAULT_MAX_RESPONSE_SIZE = 2 * 1024 * 1024;

	private static final Logger logger = LoggerFactory.getLogger(ProviderHttp.class);

	private final String provider;

	private final String connection;

	private final WebClient client;

	private final ProviderTokens tokens;

	private final CircuitBreaker breaker;

	private final Retry retry;

	private final ProviderErrors errors;

	private ProviderHttp(Builder builder) {
		this.provider = builder.provider;
		this.connection = builder.connection;
		this.tokens = builder.tokens;
		this.breaker = builder.breaker;
		this.errors = new ProviderErrors(builder.provider, builder.connection, builder.clock);
		this.retry = Retry.of(builder.breaker.getName() + "-read",
				readRetryConfig(builder.readAttempts, builder.readBackoff, this.errors));
		HttpClient http = HttpClient.create()
			.responseTimeout(builder.timeout)
			.option(ChannelOption.CONNECT_TIMEOUT_MILLIS,
					(int) Math.min(builder.timeout.toMillis(), Integer.MAX_VALUE));
		WebClient.Builder client = WebClient.builder()
			.baseUrl(builder.baseUrl.toString())
			.clientConnector(new ReactorClientHttpConnector(http))
			.codecs((codecs) -> codecs.defaultCodecs().maxInMemorySize(builder.maxResponseSize));
		builder.defaultHeaders.forEach(client::defaultHeader);
		this.client = client.build();
	}

	/**
	 * Starts a builder.
	 * @param provider the provider's name as people know it ("Google Calendar"), used in
	 * messages
	 * @param connection the connection whose token the calls carry
	 * ({@code google-oauth2}, {@code github})
	 * @param baseUrl the API base
	 * @param tokens where provider tokens come from
	 * @param breaker the upstream's circuit breaker, for example
	 * {@code registry.circuitBreaker(ProviderHttp.GOOGLE)}
	 * @return the builder
	 */
	public static Builder builder(String provider, String connection, URI baseUrl, ProviderTokens tokens,
			CircuitBreaker breaker) {
		return new Builder(provider, connection, baseUrl, tokens, breaker);
	}

	/**
	 * The circuit breaker settings of provider upstreams: count-based over the last 20
	 * calls, open at 50 % failures after at least 10 calls, 30 s open, 3 trial calls.
	 * Only unavailability counts as a failure (5xx, timeouts, connection errors); a 404
	 * or 401 says nothing about the provider's health.
	 * @return the settings
	 */
	public static CircuitBreakerConfig circuitBreakerConfig() {
		return circuitBreakerConfig(20, 10, Duration.ofSeconds(30));
	}

	/**
	 * Circuit breaker settings with the given window, for tests and tuning.
	 * @param window how many recent calls are counted
	 * @param minimumCalls how many calls must be counted before the breaker may open
	 * @param openFor how long it stays open before trial calls
	 * @return the settings
	 */
	public static CircuitBreakerConfig circuitBreakerConfig(int window, int minimumCalls, Duration openFor) {
		return CircuitBreakerConfig.custom()
			.slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
			.slidingWindowSize(window)
			.minimumNumberOfCalls(minimumCalls)
			.failureRateThreshold(50)
			.waitDurationInOpenState(openFor)
			.permittedNumberOfCallsInHalfOpenState(3)
			.recordException(ProviderHttp::isUnavailability)
			.build();
	}

	/**
	 * Reads one JSON document.
	 * @param caller the caller, whose provider token the request carries
	 * @param subject what is read, for messages ("issue #1 in ada/engine")
	 * @param request the request, without authorization
	 * @return the response body; a {@link ToolFailure} on any failure
	 */
	public Mono<JsonNode> read(Caller caller, String subject,
			Function<WebClient, WebClient.RequestHeadersSpec<?>> request) {
		return exchange(caller, subject, request, false).switchIfEmpty(Mono.error(() -> new ToolFailure(
				this.provider + " sent an empty answer for " + subject + "; try again shortly.")));
	}

	/**
	 * Reads one JSON document that may not exist.
	 * @param caller the caller, whose provider token the request carries
	 * @param subject what is read, for messages
	 * @param request the request, without authorization
	 * @return the response body, empty on 404; a {@link ToolFailure} on another failure
	 */
	public Mono<JsonNode> find(Caller caller, String subject,
			Function<WebClient, WebClient.RequestHeadersSpec<?>> request) {
		return exchange(caller, subject, request, true);
	}

	private Mono<JsonNode> exchange(Caller caller, String subject,
			Function<WebClient, WebClient.RequestHeadersSpec<?>> request, boolean emptyWhenNotFound) {
		return this.tokens.forRead(caller, this.connection)
			.switchIfEmpty(Mono.error(() -> new IllegalStateException("No provider token for " + this.connection)))
			.flatMap((token) -> attempt(token, request).transformDeferred(CircuitBreakerOperator.of(this.breaker))
				.transformDeferred(RetryOperator.of(this.retry))
				.onErrorResume((ex) -> emptyWhenNotFound && ProviderErrors.status(ex) == HttpStatus.NOT_FOUND.value(),
						(ex) -> Mono.empty())
				.onErrorMap((ex) -> !(ex instanceof ToolFailure), (ex) -> {
					if (ProviderErrors.status(ex) == HttpStatus.UNAUTHORIZED.value()) {
						this.tokens.invalidate(caller.user(), this.connection);
					}
					if (ProviderErrors.status(ex) == 0 && !isUnavailability(ex)
							&& !(ex instanceof CallNotPermittedException)) {
						logger.warn("{} read of {} failed unexpectedly", this.provider, subject, ex);
					}
					else {
						logger.debug("{} read of {} failed: {}", this.provider, subject, ex.toString());
					}
					return this.errors.toFailure(ex, subject, token);
				}));
	}

	private Mono<JsonNode> attempt(String token, Function<WebClient, WebClient.RequestHeadersSpec<?>> request) {
		return Mono.defer(() -> request.apply(this.client)
			.headers((headers) -> headers.setBearerAuth(token))
			.retrieve()
			.bodyToMono(JsonNode.class));
	}

	/**
	 * The breaker's state, for health and tests.
	 * @return the breaker
	 */
	public CircuitBreaker circuitBreaker() {
		return this.breaker;
	}

	@Override
	public String toString() {
		return "ProviderHttp[provider=" + this.provider + ", connection=" + this.connection + "]";
	}

	static boolean isUnavailability(Throwable ex) {
		if (ex instanceof WebClientResponseException response) {
			return response.getStatusCode().is5xxServerError();
		}
		return ex instanceof WebClientRequestException || ex instanceof TimeoutException;
	}

	private static RetryConfig readRetryConfig(int attempts, Duration backoff, ProviderErrors errors) {
		IntervalFunction exponential = IntervalFunction.ofExponentialBackoff(backoff, 2.0);
		IntervalBiFunction<Object> interval = (attempt, outcome) -> {
			long wait = exponential.apply(attempt);
			if (outcome.isLeft()) {
				Duration retryAfter = errors.retryAfter(outcome.getLeft());
				if (retryAfter != null) {
					wait = Math.max(wait, retryAfter.toMillis());
				}
			}
			return wait;
		};
		return RetryConfig.custom()
			.maxAttempts(attempts)
			.intervalBiFunction(interval)
			.retryOnException((ex) -> !(ex instanceof CallNotPermittedException)
					&& (isUnavailability(ex) || errors.isShortRateLimit(ex, MAX_RETRY_AFTER)))
			.failAfterMaxAttempts(false)
			.build();
	}

	/**
	 * Builds a {@link ProviderHttp}; required values first.
	 */
	public static final class Builder {

		private final String provider;

		private final String connection;

		private final URI baseUrl;

		private final ProviderTokens tokens;

		private final CircuitBreaker breaker;

		private final Map<String, String> defaultHeaders = new LinkedHashMap<>();

		private Duration timeout = ProviderProperties.DEFAULT_TIMEOUT;

		private int readAttempts = DEFAULT_READ_ATTEMPTS;

		private Duration readBackoff = DEFAULT_READ_BACKOFF;

		private int maxResponseSize = DEFAULT_MAX_RESPONSE_SIZE;

		private Clock clock = Clock.systemUTC();

		private Builder(String provider, String connection, URI baseUrl, ProviderTokens tokens,
				CircuitBreaker breaker) {
			this.provider = Objects.requireNonNull(provider, "provider must not be null");
			this.connection = Objects.requireNonNull(connection, "connection must not be null");
			this.baseUrl = Objects.requireNonNull(baseUrl, "baseUrl must not be null");
			this.tokens = Objects.requireNonNull(tokens, "tokens must not be null");
			this.breaker = Objects.requireNonNull(breaker, "breaker must not be null");
		}

		/**
		 * The time limit of one attempt, for the response to start and between reads;
		 * {@link ProviderProperties#DEFAULT_TIMEOUT} by default.
		 * @param timeout the limit
		 * @return this builder
		 */
		public Builder timeout(Duration timeout) {
			if (timeout.isNegative() || timeout.isZero()) {
				throw new IllegalArgumentException("timeout must be positive, but was " + timeout);
			}
			this.timeout = timeout;
			return this;
		}

		/**
		 * The read retry: attempts (the first included) and the first back-off, which
		 * doubles each time; {@link #DEFAULT_READ_ATTEMPTS} and
		 * {@link #DEFAULT_READ_BACKOFF} by default.
		 * @param attempts the attempts, at least 1
		 * @param backoff the first back-off
		 * @return this builder
		 */
		public Builder readRetry(int attempts, Duration backoff) {
			if (attempts < 1) {
				throw new IllegalArgumentException("attempts must be at least 1, but was " + attempts);
			}
			if (backoff.isNegative() || backoff.isZero()) {
				throw new IllegalArgumentException("backoff must be positive, but was " + backoff);
			}
			this.readAttempts = attempts;
			this.readBackoff = backoff;
			return this;
		}

		/**
		 * A header every request carries.
		 * @param name the header name
		 * @param value its value
		 * @return this builder
		 */
		public Builder defaultHeader(String name, String value) {
			this.defaultHeaders.put(name, value);
			return this;
		}

		/**
		 * The largest response body read into memory; {@link #DEFAULT_MAX_RESPONSE_SIZE}
		 * by default.
		 * @param bytes the size in bytes
		 * @return this builder
		 */
		public Builder maxResponseSize(int bytes) {
			if (bytes < 1) {
				throw new IllegalArgumentException("maxResponseSize must be positive, but was " + bytes);
			}
			this.maxResponseSize = bytes;
			return this;
		}

		/**
		 * The clock that dates {@code Retry-After} and {@code x-ratelimit-reset}; the
		 * system UTC clock by default.
		 * @param clock the clock
		 * @return this builder
		 */
		public Builder clock(Clock clock) {
			this.clock = Objects.requireNonNull(clock, "clock must not be null");
			return this;
		}

		public ProviderHttp build() {
			return new ProviderHttp(this);
		}

	}

}
