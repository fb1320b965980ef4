package dev.countersign.server.provider;

import java.util.Optional;
import java.util.function.Function;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.reactor.circuitbreaker.operator.CircuitBreakerOperator;
import io.github.resilience4j.reactor.retry.RetryOperator;
import io.github.resilience4j.retry.Retry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import dev.countersign.server.auth.Caller;
import dev.countersign.server.tool.ToolFailure;
import dev.countersign.vault.ConnectionNotLinkedException;
import dev.countersign.vault.ProviderToken;
import dev.countersign.vault.ReadTokenCache;
import dev.countersign.vault.ReauthorizationRequiredException;
import dev.countersign.vault.SubjectTokenRejectedException;
import dev.countersign.vault.TokenExchangeRequest;
import dev.countersign.vault.TokenVaultClient;
import dev.countersign.vault.TokenVaultException;
import dev.countersign.vault.UpstreamUnavailableException;

/**
 * {@link ProviderTokens} through Token Vault: the caller's own access token is the
 * subject token of the exchange (DESIGN §3, Reads), and the result is kept in the
 * in-memory read-token cache keyed by (user, connection, the user's credential epoch from
 * the store). A warm cache answers without leaving the event loop; a miss runs the
 * blocking exchange once on the bounded elastic scheduler, however many calls wait for
 * it, behind the {@code auth0} circuit breaker and a retry for an unavailable Token Vault
 * (exchanges may be retried; writes never are). {@link #forWrite(Caller, String)} makes
 * the same exchange, but never through the cache.
 */
final class VaultProviderTokens implements ProviderTokens {

	private static final Logger logger = LoggerFactory.getLogger(VaultProviderTokens.class);

	private final TokenVaultClient client;

	private final ReadTokenCache cache;

	private final CircuitBreaker circuitBreaker;

	private final Retry retry;

	private final Function<String, Mono<Long>> epochs;

	VaultProviderTokens(TokenVaultClient client, ReadTokenCache cache, CircuitBreaker circuitBreaker, Retry retry) {
		this(client, cache, circuitBreaker, retry, (user) -> Mono.just(0L));
	}

	/**
	 * Creates the tokens.
	 * @param client makes the exchanges
	 * @param cache the read-token cache
	 * @param circuitBreaker the {@code auth0} breaker
	 * @param retry retries an unavailable Token Vault
	 * @param epochs the user's current credential epoch, read from the store on every
	 * read ({@link dev.countersign.policy.trust.TrustStore#credentialEpoch}); part of the
	 * cache key, so advancing it anywhere drops the user's cached tokens everywhere
	 */
	VaultProviderTokens(TokenVaultClient client, ReadTokenCache cache, CircuitBreaker circuitBreaker, Retry retry,
			Function<String, Mono<Long>> epochs) {
		this.client = client;
		this.cache = cache;
		this.circuitBreaker = circuitBreaker;
		this.retry = retry;
		this.epochs = epochs;
	}

	@Override
	public Mono<String> forRead(Caller caller, String connection) {
		return this.epochs.apply(caller.user())
			.defaultIfEmpty(0L)
			.flatMap((epoch) -> forRead(caller, connection, epoch))
			.onErrorMap((ex) -> !(ex instanceof ToolFailure), (ex) -> explain(connection, ex));
	}

	private Mono<String> forRead(Caller caller, String connection, long epoch) {
		Optional<ProviderToken> fresh = this.cache.findFresh(caller.user(), connection, epoch);
		if (fresh.isPresent()) {
			return Mono.just(fresh.get().accessToken());
		}
		return Mono
			.fromCallable(() -> this.cache.get(caller.user(), connection, epoch,
					() -> this.client.exchange(TokenExchangeRequest.of(caller.token().value(), connection))))
			.subscribeOn(Schedulers.boundedElastic())
			.transformDeferred(CircuitBreakerOperator.of(this.circuitBreaker))
			.transformDeferred(RetryOperator.of(this.retry))
			.map(ProviderToken::accessToken)
			.onErrorMap((ex) -> !(ex instanceof ToolFailure), (ex) -> explain(connection, ex));
	}

	@Override
	public Mono<String> forWrite(Caller caller, String connection) {
		// DESIGN §3: read tokens are never used for a write; this token is not cached
		return Mono
			.fromCallable(() -> this.client.exchange(TokenExchangeRequest.of(caller.token().value(), connection)))
			.subscribeOn(Schedulers.boundedElastic())
			.transformDeferred(CircuitBreakerOperator.of(this.circuitBreaker))
			.transformDeferred(RetryOperator.of(this.retry))
			.map(ProviderToken::accessToken)
			.onErrorMap((ex) -> !(ex instanceof ToolFailure), (ex) -> explain(connection, ex, "Nothing was done."));
	}

	@Override
	public void invalidate(String user, String connection) {
		this.cache.invalidate(user, connection);
	}

	/**
	 * One sentence the agent can act on. Exchange errors carry the OAuth error code; the
	 * typed ones already say what the user must do, naming the connection.
	 */
	static ToolFailure explain(String connection, Throwable ex) {
		return explain(connection, ex, "Nothing was read.");
	}

	private static ToolFailure explain(String connection, Throwable ex, String nothing) {
		if (ex instanceof ConnectionNotLinkedException || ex instanceof ReauthorizationRequiredException
				|| ex instanceof SubjectTokenRejectedException) {
			return new ToolFailure(ex.getMessage() + ". " + nothing);
		}
		if (ex instanceof UpstreamUnavailableException || ex instanceof CallNotPermittedException) {
			return new ToolFailure("Auth0 Token Vault is unavailable right now, so no token for connection '"
					+ connection + "' could be obtained; try again shortly.");
		}
		if (ex instanceof TokenVaultException vault) {
			logger.warn("Token Vault refused an exchange for connection {}: {} (HTTP {})", connection,
					vault.errorCode(), vault.httpStatus());
			return new ToolFailure("Token Vault refused a token for connection '" + connection + "' (error "
					+ vault.errorCode() + "); check the connection's setup in Auth0.");
		}
		logger.error("Token exchange for connection {} failed unexpectedly", connection, ex);
		return new ToolFailure(
				"Countersign could not obtain a token for connection '" + connection + "'; try again shortly.");
	}

}
