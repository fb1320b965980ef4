package dev.countersign.server.provider;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import dev.countersign.server.auth.Caller;
import dev.countersign.server.auth.TestCallers;
import dev.countersign.server.tool.ToolFailure;
import dev.countersign.vault.ConnectionNotLinkedException;
import dev.countersign.vault.ProviderToken;
import dev.countersign.vault.ReadTokenCache;
import dev.countersign.vault.TokenVaultClient;
import dev.countersign.vault.UpstreamUnavailableException;

import static org.assertj.core.api.Assertions.assertThat;

class VaultProviderTokensTests {

	private final Caller ada = TestCallers.agent("auth0|ada", "agent-1").caller();

	private final AtomicInteger exchanges = new AtomicInteger();

	private TokenVaultClient answering(String token) {
		return (request) -> {
			this.exchanges.incrementAndGet();
			assertThat(request.subjectToken()).isEqualTo("test-token");
			return new ProviderToken(request.connection(), token, Instant.now().plusSeconds(3600), Set.of(), null);
		};
	}

	private VaultProviderTokens tokens(TokenVaultClient client) {
		return new VaultProviderTokens(client, ReadTokenCache.builder().build(), CircuitBreaker.ofDefaults("auth0"),
				Retry.of("auth0",
						RetryConfig.custom()
							.maxAttempts(3)
							.waitDuration(Duration.ofMillis(1))
							.retryExceptions(UpstreamUnavailableException.class)
							.build()));
	}

	@Test
	void forReadWhenCacheWarmThenOneExchangePerUserAndConnection() {
		VaultProviderTokens tokens = tokens(answering("ya29.provider"));
		for (int i = 0; i < 5; i++) {
			StepVerifier.create(tokens.forRead(this.ada, "google-oauth2")).expectNext("ya29.provider").verifyComplete();
		}
		StepVerifier.create(tokens.forRead(this.ada, "github")).expectNext("ya29.provider").verifyComplete();
		assertThat(this.exchanges).hasValue(2);
	}

	@Test
	void forReadWhenCredentialEpochAdvancedThenCachedTokenNotServedAndExchangesAgain() {
		AtomicLong epoch = new AtomicLong();
		VaultProviderTokens tokens = new VaultProviderTokens(answering("ya29.provider"),
				ReadTokenCache.builder().build(), CircuitBreaker.ofDefaults("auth0"), Retry.ofDefaults("auth0"),
				(user) -> Mono.just(epoch.get()));
		tokens.forRead(this.ada, "github").block();
		tokens.forRead(this.ada, "github").block();
		assertThat(this.exchanges).hasValue(1);

		epoch.incrementAndGet();
		tokens.forRead(this.ada, "github").block();
		tokens.forRead(this.ada, "github").block();
		assertThat(this.exchanges).hasValue(2);
	}

	@Test
	void forReadWhenTheEpochCannotBeReadThenNoTokenAndNoExchange() {
		VaultProviderTokens tokens = new VaultProviderTokens(answering("ya29.provider"),
				ReadTokenCache.builder().build(), CircuitBreaker.ofDefaults("auth0"), Retry.ofDefaults("auth0"),
				(user) -> Mono.error(new IllegalStateException("store down")));
		StepVerifier.create(tokens.forRead(this.ada, "github"))
			.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOf(ToolFailure.class)
				.hasMessageContaining("could not obtain a token for connection 'github'"))
			.verify();
		assertThat(this.exchanges).hasValue(0);
	}

	@Test
	void forWriteWhenReadCacheWarmThenFreshExchangeOfTheCallersTokenEveryTimeAndCacheUntouched() {
		VaultProviderTokens tokens = tokens(answering("ya29.provider"));
		tokens.forRead(this.ada, "github").block();
		assertThat(this.exchanges).hasValue(1);
		// DESIGN §3: read tokens are never used for a write
		StepVerifier.create(tokens.forWrite(this.ada, "github")).expectNext("ya29.provider").verifyComplete();
		StepVerifier.create(tokens.forWrite(this.ada, "github")).expectNext("ya29.provider").verifyComplete();
		assertThat(this.exchanges).hasValue(3);
		// and a write's token is not kept for reads: a cold connection still exchanges
		tokens.forWrite(this.ada, "google-oauth2").block();
		tokens.forRead(this.ada, "google-oauth2").block();
		assertThat(this.exchanges).hasValue(5);
	}

	@Test
	void forWriteWhenConnectionNotLinkedThenConnectMessageSayingNothingWasDone() {
		VaultProviderTokens tokens = tokens((request) -> {
			throw new ConnectionNotLinkedException(request.connection(), 401,
					"Federated connection Refresh Token not found.");
		});
		StepVerifier.create(tokens.forWrite(this.ada, "github"))
			.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOf(ToolFailure.class)
				.hasMessageContaining("github")
				.hasMessageEndingWith("Nothing was done.")
				.hasMessageNotContaining("test-token"))
			.verify();
	}

	@Test
	void forReadWhenInvalidatedThenExchangesAgain() {
		VaultProviderTokens tokens = tokens(answering("ya29.provider"));
		tokens.forRead(this.ada, "google-oauth2").block();
		tokens.invalidate("auth0|ada", "google-oauth2");
		tokens.forRead(this.ada, "google-oauth2").block();
		assertThat(this.exchanges).hasValue(2);
	}

	@Test
	void forReadWhenConnectionNotLinkedThenConnectMessageNamingConnection() {
		VaultProviderTokens tokens = tokens((request) -> {
			throw new ConnectionNotLinkedException(request.connection(), 401,
					"Federated connection Refresh Token not found.");
		});
		StepVerifier.create(tokens.forRead(this.ada, "google-oauth2"))
			.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOf(ToolFailure.class)
				.hasMessageContaining("Connect your Google account")
				.hasMessageContaining("google-oauth2")
				.hasMessageNotContaining("test-token"))
			.verify();
	}

	@Test
	void forReadWhenVaultUnavailableThenRetriedThenClearError() {
		TokenVaultClient down = (request) -> {
			this.exchanges.incrementAndGet();
			throw new UpstreamUnavailableException("HTTP 503", request.connection(), null, 503, null, null);
		};
		StepVerifier.create(tokens(down).forRead(this.ada, "github"))
			.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOf(ToolFailure.class)
				.hasMessageContaining("Token Vault is unavailable")
				.hasMessageContaining("github"))
			.verify();
		assertThat(this.exchanges).hasValue(3);
	}

	@Test
	void forReadWhenBreakerOpenThenFailsFastWithoutExchange() {
		CircuitBreaker breaker = CircuitBreaker.of("auth0", CircuitBreakerConfig.ofDefaults());
		breaker.transitionToOpenState();
		VaultProviderTokens tokens = new VaultProviderTokens(answering("x"), ReadTokenCache.builder().build(), breaker,
				Retry.ofDefaults("none"));
		StepVerifier.create(tokens.forRead(this.ada, "github"))
			.expectErrorSatisfies((ex) -> assertThat(ex).hasMessageContaining("unavailable"))
			.verify();
		assertThat(this.exchanges).hasValue(0);
	}

}
