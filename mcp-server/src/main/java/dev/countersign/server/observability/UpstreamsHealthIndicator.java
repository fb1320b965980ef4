package dev.countersign.server.observability;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

import dev.countersign.server.provider.VaultConfiguration;

/**
 * The {@code upstreams} contributor of the readiness group: the state of each upstream
 * circuit breaker as a detail, and {@code OUT_OF_SERVICE} while the {@code auth0} breaker
 * is open, since without Token Vault no read or write can run. An open {@code google} or
 * {@code github} breaker is a detail only: the other providers, the deal store and the
 * governance tools still work.
 */
final class UpstreamsHealthIndicator implements HealthIndicator {

	private final CircuitBreakerRegistry breakers;

	UpstreamsHealthIndicator(CircuitBreakerRegistry breakers) {
		this.breakers = breakers;
	}

	@Override
	public Health health() {
		Health.Builder health = Health.up();
		for (CircuitBreaker breaker : this.breakers.getAllCircuitBreakers()) {
			CircuitBreaker.State state = breaker.getState();
			health.withDetail(breaker.getName(), state.name());
			if (VaultConfiguration.AUTH0.equals(breaker.getName())
					&& (state == CircuitBreaker.State.OPEN || state == CircuitBreaker.State.FORCED_OPEN)) {
				health.status(Status.OUT_OF_SERVICE);
			}
		}
		return health.build();
	}

}
