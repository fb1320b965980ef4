package dev.countersign.server.provider;

import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The circuit breakers, one per upstream ({@link ProviderHttp#GOOGLE},
 * {@link ProviderHttp#GITHUB} and {@link VaultConfiguration#AUTH0}), in one registry that
 * health checks and tests can read.
 */
@Configuration(proxyBeanMethods = false)
public class ProviderConfiguration {

	@Bean
	CircuitBreakerRegistry providerCircuitBreakers() {
		return CircuitBreakerRegistry.of(ProviderHttp.circuitBreakerConfig());
	}

}
