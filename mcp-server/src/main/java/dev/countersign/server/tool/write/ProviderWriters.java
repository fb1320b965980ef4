package dev.countersign.server.tool.write;

import java.time.Clock;

import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.countersign.policy.deal.DealStore;
import dev.countersign.server.provider.ProviderHttp;
import dev.countersign.server.provider.ProviderProperties;
import dev.countersign.server.provider.ProviderWriteHttp;
import dev.countersign.server.tool.calendar.WebClientCalendarWriter;
import dev.countersign.server.tool.deal.DealStoreWriter;
import dev.countersign.server.tool.email.WebClientGmailWriter;
import dev.countersign.server.tool.github.WebClientGitHubWriter;

/**
 * The {@link dev.countersign.server.approval.ProviderWriter}s of the create writes, one
 * bean each: GitHub issues, Calendar events and Gmail drafts over WebClient with the time
 * limit {@code countersign.providers.timeout} and the provider's circuit breaker (never a
 * retry), and deals in the deal store.
 */
@Configuration(proxyBeanMethods = false)
public class ProviderWriters {

	@Bean
	WebClientGitHubWriter gitHubWriter(ProviderProperties properties,
			@Qualifier("providerCircuitBreakers") CircuitBreakerRegistry breakers) {
		return new WebClientGitHubWriter(WebClientGitHubWriter
			.configure(ProviderWriteHttp.builder("GitHub", properties.effectiveGithubUrl(),
					breakers.circuitBreaker(ProviderHttp.GITHUB)))
			.timeout(properties.effectiveTimeout())
			.build());
	}

	@Bean
	WebClientCalendarWriter calendarWriter(ProviderProperties properties,
			@Qualifier("providerCircuitBreakers") CircuitBreakerRegistry breakers) {
		return new WebClientCalendarWriter(ProviderWriteHttp
			.builder("Google Calendar", properties.effectiveGoogleCalendarUrl(),
					breakers.circuitBreaker(ProviderHttp.GOOGLE))
			.timeout(properties.effectiveTimeout())
			.build());
	}

	@Bean
	WebClientGmailWriter gmailWriter(ProviderProperties properties,
			@Qualifier("providerCircuitBreakers") CircuitBreakerRegistry breakers) {
		return new WebClientGmailWriter(ProviderWriteHttp
			.builder("Gmail", properties.effectiveGmailUrl(), breakers.circuitBreaker(ProviderHttp.GOOGLE))
			.timeout(properties.effectiveTimeout())
			.build());
	}

	@Bean
	DealStoreWriter dealWriter(DealStore deals, Clock clock) {
		return new DealStoreWriter(deals, clock);
	}

}
