package dev.countersign.examples.sandbox;

import java.time.Clock;
import java.util.Map;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerResponse;

import dev.countersign.server.auth.AuthProperties;
import dev.countersign.server.auth.InvalidConfigurationException;
import dev.countersign.server.provider.VaultProperties;

/**
 * Wires the emulated Token Vault exchange and the emulated provider APIs (Google
 * Calendar, Gmail, GitHub) with their seeded data and fault injection. The token endpoint
 * accepts exactly the client Countersign is configured with: both read the same bound
 * {@link VaultProperties}.
 */
@Configuration(proxyBeanMethods = false)
class EmulatedProvidersConfiguration {

	@Bean
	EmulatedProviderTokens emulatedProviderTokens(Clock clock) {
		return new EmulatedProviderTokens(clock, EmulatedProviderTokens.DEFAULT_LIFETIME);
	}

	@Bean
	ProviderFaults providerFaults() {
		return new ProviderFaults();
	}

	@Bean
	SandboxCalendars sandboxCalendars(Clock clock) {
		return new SandboxCalendars(clock);
	}

	@Bean
	SandboxMailboxes sandboxMailboxes(Clock clock) {
		return new SandboxMailboxes(clock);
	}

	@Bean
	SandboxGitHub sandboxGitHub(Clock clock) {
		return new SandboxGitHub(clock);
	}

	@Bean
	EmulatedTokenEndpoint emulatedTokenEndpoint(EmulatedTenant tenant, AuthProperties auth, VaultProperties vault,
			EmulatedProviderTokens tokens, ProviderFaults faults) {
		String clientId = vault.clientId();
		String clientSecret = vault.clientSecret();
		if (clientId == null || clientId.isBlank()) {
			throw new InvalidConfigurationException("countersign.vault.client-id",
					"the sandbox's Token Vault client is not set");
		}
		if (clientSecret == null || clientSecret.isBlank()) {
			throw new InvalidConfigurationException("countersign.vault.client-secret",
					"the sandbox's Token Vault client secret is not set");
		}
		EmulatedTokenVault vaultGrant = new EmulatedTokenVault(tenant, auth.requireAudience(), tokens);
		return new EmulatedTokenEndpoint(Map.of(clientId, clientSecret),
				Map.of(EmulatedTokenVault.GRANT_TYPE, vaultGrant), faults.tokenEndpoint());
	}

	@Bean
	RouterFunction<ServerResponse> emulatedTokenEndpointRoutes(EmulatedTokenEndpoint endpoint) {
		return endpoint.routes();
	}

	@Bean
	RouterFunction<ServerResponse> emulatedCalendarRoutes(SandboxCalendars calendars, EmulatedProviderTokens tokens,
			ProviderFaults faults) {
		return new EmulatedCalendar(calendars, tokens, faults).routes();
	}

	@Bean
	RouterFunction<ServerResponse> emulatedGmailRoutes(SandboxMailboxes mailboxes, EmulatedProviderTokens tokens,
			ProviderFaults faults, Clock clock) {
		return new EmulatedGmail(mailboxes, tokens, faults, clock).routes();
	}

	@Bean
	RouterFunction<ServerResponse> emulatedGitHubRoutes(SandboxGitHub github, EmulatedProviderTokens tokens,
			ProviderFaults faults) {
		return new EmulatedGitHub(github, tokens, faults).routes();
	}

}
