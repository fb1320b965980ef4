package dev.countersign.server.provider;

import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

import javax.net.ssl.SSLHandshakeException;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.reactor.circuitbreaker.operator.CircuitBreakerOperator;
import io.netty.channel.ChannelOption;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import tools.jackson.databind.JsonNode;

import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientRequestException;
import org.springframework.web.reactive.function.client.WebClientResponseException;

import dev.countersign.server.approval.WriteOutcomeUnknownException;
import dev.countersign.server.approval.WriteRejectedException;

/**
 * Sends approved writes to one provider API with the provider token obtained for the
 * batch: a time limit and the upstream's circuit breaker, and NO retry of any kind — not
 * here, not in the HTTP client below (DESIGN §4 step 6, §9).
 *
 * <p>
 * {@link #send} answers the provider's raw failures so that a writer can handle a status
 * of its own (Google Calendar's 409 {@code duplicate}); {@link #explain} then turns any
 * failure into the outcome the approval engine records:
 * <ul>
 * <li>a 4xx answer → {@link WriteRejectedException} with one sentence;</li>
 * <li>a 5xx answer → {@link WriteRejectedException} too (the provider answered, and
 * neither GitHub nor Google documents that a failed create may have happened), whose
 * sentence asks the user to check the provider before trying again;</li>
 * <li>nothing sent (connection refused, unknown host, TLS handshake failed, breaker open)
 * → {@link WriteRejectedException} saying nothing was sent;</li>
 * <li>a time limit or a lost connection after the request may have been sent →
 * {@link WriteOutcomeUnknownException}.</li>
 * </ul>
 * Messages never hold the token. Thread-safe.
 *
 * <pre>{@code
 * ProviderWriteHttp github = ProviderWriteHttp.builder("GitHub", URI.create("https://api.github.com"),
 * 		breakers.circuitBreaker(ProviderHttp.GITHUB))
 * 	.build();
 * Mono<JsonNode> issue = github.send(token, (client) -> client.post().uri("/repos/{o}/{r}/issues", "ada", "engine")
 * 	.bodyValue(Map.of("title", "Drift")));
 * }</pre>
 */
public final class ProviderWriteHttp {

	private static final Logger logger = LoggerFactory.getLogger(ProviderWriteHttp.class);

	private final String provider;

	private final WebClient client;

	private final CircuitBreaker breaker;

	private ProviderWriteHttp(Builder builder) {
		this.provider = builder.provider;
		this.breaker = builder.breaker;
		HttpClient http = HttpClient.create()
			// NOT retried: reactor-netty retries a request once by default when the
			// connection was closed before anything came back; turn that off.
			.disableRetry(true)
			.responseTimeout(builder.timeout)
			.option(ChannelOption.CONNECT_TIMEOUT_MILLIS,
					(int) Math.min(builder.timeout.toMillis(), Integer.MAX_VALUE));
		WebClient.Builder client = WebClient.builder()
			.baseUrl(builder.baseUrl.toString())
			.clientConnector(new ReactorClientHttpConnector(http));
		builder.defaultHeaders.forEach(client::defaultHeader);
		this.client = client.build();
	}

	/**
	 * Starts a builder.
	 * @param provider the provider's name as people know it ("GitHub"), used in messages
	 * @param baseUrl the API base
	 * @param breaker the upstream's circuit breaker (the one its reads use)
	 * @return the builder
	 */
	public static Builder builder(String provider, URI baseUrl, CircuitBreaker breaker) {
		return new Builder(provider, baseUrl, breaker);
	}

	/**
	 * Sends one request, once, carrying the token as a bearer token.
	 * @param token the provider token
	 * @param request the request, without authorization
	 * @return the response body (a {@code MissingNode} when it is empty); on failure the
	 * raw error, for {@link #explain}
	 */
	public Mono<JsonNode> send(String token, Function<WebClient, WebClient.RequestHeadersSpec<?>> request) {
		Objects.requireNonNull(token, "token must not be null");
		return Mono
			.defer(() -> request.apply(this.client)
				.headers((headers) -> headers.setBearerAuth(token))
				.retrieve()
				.bodyToMono(JsonNode.class))
			.transformDeferred(CircuitBreakerOperator.of(this.breaker));
	}

	/**
	 * The outcome a failed write means.
	 * @param ex the failure of {@link #send}
	 * @param what what was written, for messages ("the issue in ada/engine")
	 * @param token the token sent, kept out of every message
	 * @param notFound the sentence for a 404, or null for the generic one
	 * @return a {@link WriteRejectedException} or a {@link WriteOutcomeUnknownException}
	 */
	public RuntimeException explain(Throwable ex, String what, String token, @Nullable String notFound) {
		if (ex instanceof WriteRejectedException || ex instanceof WriteOutcomeUnknownException) {
			return (RuntimeException) ex;
		}
		if (ex instanceof WebClientResponseException response) {
			return refused(response, what, token, notFound);
		}
		if (ex instanceof CallNotPermittedException) {
			return new WriteRejectedException(
					this.provider + " is unavailable right now (too many recent failures); nothing was sent.");
		}
		if (ex instanceof WebClientRequestException && nothingSent(ex)) {
			logger.warn("{} write of {} could not connect: {}", this.provider, what, ex.toString());
			return new WriteRejectedException(this.provider + " was unreachable; nothing was sent.");
		}
		logger.warn("{} write of {} lost its answer: {}", this.provider, what, ex.toString());
		return new WriteOutcomeUnknownException(
				"The request to " + what + " reached " + this.provider + " but its answer was lost (" + lostBecause(ex)
						+ "); check " + this.provider + " to see whether it was done.");
	}

	private WriteRejectedException refused(WebClientResponseException response, String what, String token,
			@Nullable String notFound) {
		int status = response.getStatusCode().value();
		String message = ProviderErrors.providerMessage(response, token);
		String quoted = (message != null) ? ": " + message : "";
		if (status >= 500) {
			return new WriteRejectedException(this.provider + " failed (HTTP " + status + quoted + ") while creating "
					+ what + "; check " + this.provider + " before trying again.");
		}
		if (status == 401) {
			return new WriteRejectedException(this.provider
					+ " no longer accepts the connection's authorization; the user must re-authorize it. Nothing was changed.");
		}
		if (status == 404 && notFound != null) {
			return new WriteRejectedException(notFound);
		}
		if (status == 403) {
			return new WriteRejectedException(
					this.provider + " refused " + what + " (HTTP 403" + quoted + "); the account may lack access.");
		}
		return new WriteRejectedException(this.provider + " refused " + what + " (HTTP " + status + quoted + ").");
	}

	/** Whether the request failed before any byte of it could reach the provider. */
	private static boolean nothingSent(Throwable ex) {
		for (Throwable cause = ex.getCause(); cause != null; cause = cause.getCause()) {
			if (cause instanceof ConnectException || cause instanceof UnknownHostException
					|| cause instanceof SSLHandshakeException) {
				return true;
			}
		}
		return false;
	}

	private static String lostBecause(Throwable ex) {
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (cause.getClass().getSimpleName().contains("Timeout")) {
				return "no answer within the time limit";
			}
		}
		return "the connection was lost";
	}

	@Override
	public String toString() {
		return "ProviderWriteHttp[provider=" + this.provider + "]";
	}

	/**
	 * Builds a {@link ProviderWriteHttp}; required values first.
	 */
	public static final class Builder {

		private final String provider;

		private final URI baseUrl;

		private final CircuitBreaker breaker;

		private final Map<String, String> defaultHeaders = new LinkedHashMap<>();

		private Duration timeout = ProviderProperties.DEFAULT_TIMEOUT;

		private Builder(String provider, URI baseUrl, CircuitBreaker breaker) {
			this.provider = Objects.requireNonNull(provider, "provider must not be null");
			this.baseUrl = Objects.requireNonNull(baseUrl, "baseUrl must not be null");
			this.breaker = Objects.requireNonNull(breaker, "breaker must not be null");
		}

		/**
		 * The time limit to connect, and for the answer to start and between its reads;
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
		 * A header every request carries.
		 * @param name the header name
		 * @param value its value
		 * @return this builder
		 */
		public Builder defaultHeader(String name, String value) {
			this.defaultHeaders.put(name, value);
			return this;
		}

		public ProviderWriteHttp build() {
			return new ProviderWriteHttp(this);
		}

	}

}
