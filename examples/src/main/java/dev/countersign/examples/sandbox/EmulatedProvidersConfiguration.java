package dev.countersign.examples.sandbox;

import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.reactive.CorsWebFilter;
import org.springframework.web.cors.reactive.UrlBasedCorsConfigurationSource;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerResponse;

import dev.countersign.server.auth.AuthProperties;
import dev.countersign.server.auth.InvalidConfigurationException;
import dev.countersign.server.provider.VaultProperties;

/**
 * Wires the emulated console sign-in (authorization code with PKCE, refresh tokens), the
 * device flow of the public desktop client ({@code countersign login}), the emulated
 * Token Vault exchange, CIBA and its sandbox phone, and the emulated provider APIs
 * (Google Calendar, Gmail, GitHub) with their seeded data and fault injection. The token
 * endpoint accepts exactly the client Countersign is configured with: both read the same
 * bound {@link VaultProperties}.
 */
@Configuration(proxyBeanMethods = false)
class EmulatedProvidersConfiguration {

	static final String CIBA_CLIENT_ID = "countersign.ciba.client-id";

	static final String CONSOLE_CLIENT_ID = "countersign.console.client-id";

	static final String CONSOLE_REDIRECT_URI = "countersign.console.redirect-uri";

	static final String DESKTOP_CLIENT_ID = "countersign.sandbox.desktop-client-id";

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
	ProviderWrites providerWrites() {
		return new ProviderWrites();
	}

	@Bean
	CibaRequests cibaRequests(Clock clock) {
		return new CibaRequests(clock);
	}

	@Bean
	EmulatedCiba emulatedCiba(EmulatedTenant tenant, Environment environment, CibaRequests requests) {
		return new EmulatedCiba(tenant, require(environment, CIBA_CLIENT_ID, "the sandbox's CIBA client is not set"),
				requests);
	}

	@Bean
	EmulatedRefreshTokens emulatedRefreshTokens() {
		return new EmulatedRefreshTokens();
	}

	@Bean
	SandboxConnectedAccounts sandboxConnectedAccounts(Clock clock) {
		return new SandboxConnectedAccounts(clock);
	}

	@Bean
	RouterFunction<ServerResponse> emulatedMyAccountRoutes(EmulatedTenant tenant, SandboxConnectedAccounts accounts,
			Clock clock) {
		return new EmulatedMyAccount(tenant, accounts, clock).routes();
	}

	@Bean
	EmulatedClientRegistration emulatedClientRegistration(EmulatedTenant tenant, Clock clock) {
		return new EmulatedClientRegistration(tenant, clock);
	}

	@Bean
	EmulatedAuthorization emulatedAuthorization(EmulatedTenant tenant, AuthProperties auth, Environment environment,
			EmulatedClientRegistration registration, EmulatedRefreshTokens refreshTokens, Clock clock) {
		String consoleClientId = require(environment, CONSOLE_CLIENT_ID, "the sandbox's console client is not set");
		URI redirectUri = URI
			.create(require(environment, CONSOLE_REDIRECT_URI, "the sandbox's console client has no callback URL"));
		return new EmulatedAuthorization(tenant, auth.requireAudience(), Map.of(consoleClientId, redirectUri),
				registration, refreshTokens, clock);
	}

	@Bean
	EmulatedDeviceFlow emulatedDeviceFlow(EmulatedTenant tenant, AuthProperties auth, Environment environment,
			Clock clock) {
		return new EmulatedDeviceFlow(tenant, auth.requireAudience(),
				environment.getProperty(DESKTOP_CLIENT_ID, EmulatedDeviceFlow.DEFAULT_CLIENT_ID), clock);
	}

	@Bean
	EmulatedTokenEndpoint emulatedTokenEndpoint(EmulatedTenant tenant, AuthProperties auth, VaultProperties vault,
			EmulatedProviderTokens tokens, ProviderFaults faults, EmulatedCiba ciba, Environment environment,
			EmulatedAuthorization authorization, EmulatedRefreshTokens refreshTokens,
			EmulatedClientRegistration registration, SandboxConnectedAccounts accounts, EmulatedDeviceFlow deviceFlow) {
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
		String cibaClientId = require(environment, CIBA_CLIENT_ID, "the sandbox's CIBA client is not set");
		String cibaClientSecret = require(environment, SandboxVaultSecret.CIBA_PROPERTY,
				"the sandbox's CIBA client secret is not set");
		if (cibaClientId.equals(clientId)) {
			throw new InvalidConfigurationException(CIBA_CLIENT_ID,
					"the sandbox's CIBA client must not be its Token Vault client");
		}
		String consoleClientId = require(environment, CONSOLE_CLIENT_ID, "the sandbox's console client is not set");
		String consoleClientSecret = require(environment, SandboxVaultSecret.CONSOLE_PROPERTY,
				"the sandbox's console client secret is not set");
		if (consoleClientId.equals(clientId) || consoleClientId.equals(cibaClientId)) {
			throw new InvalidConfigurationException(CONSOLE_CLIENT_ID,
					"the sandbox's console client must not be its Token Vault or CIBA client");
		}
		EmulatedTokenVault vaultGrant = new EmulatedTokenVault(tenant, auth.requireAudience(), tokens, refreshTokens,
				accounts);
		if (Set.of(clientId, cibaClientId, consoleClientId).contains(deviceFlow.clientId())) {
			throw new InvalidConfigurationException(DESKTOP_CLIENT_ID,
					"the sandbox's public desktop client must not be one of its confidential clients");
		}
		return new EmulatedTokenEndpoint(
				Map.of(clientId, clientSecret, cibaClientId, cibaClientSecret, consoleClientId, consoleClientSecret),
				Map.of(EmulatedTokenVault.GRANT_TYPE, vaultGrant, EmulatedCiba.GRANT_TYPE, ciba,
						EmulatedAuthorization.GRANT_TYPE, authorization, EmulatedDeviceFlow.GRANT_TYPE,
						deviceFlow.deviceCodeGrant(), EmulatedRefreshTokenGrant.GRANT_TYPE,
						refreshGrant(deviceFlow,
								new EmulatedRefreshTokenGrant(tenant, auth.requireAudience(), refreshTokens))),
				faults.tokenEndpoint(), (client) -> publicGrants(client, registration, deviceFlow));
	}

	@Bean
	RouterFunction<ServerResponse> emulatedTokenEndpointRoutes(EmulatedTokenEndpoint endpoint, EmulatedCiba ciba,
			ProviderFaults faults, EmulatedAuthorization authorization, EmulatedClientRegistration registration,
			EmulatedDeviceFlow deviceFlow) {
		return endpoint.routes()
			.and(ciba.routes(endpoint, faults.backchannel()))
			.and(authorization.routes())
			.and(registration.routes())
			.and(deviceFlow.routes());
	}

	/**
	 * The grants a public client may use: a client an MCP client registered, the
	 * authorization code; the desktop client of {@code countersign login}, the device
	 * code and its refresh tokens.
	 */
	private static Set<String> publicGrants(String client, EmulatedClientRegistration registration,
			EmulatedDeviceFlow deviceFlow) {
		if (client.equals(deviceFlow.clientId())) {
			return Set.of(EmulatedDeviceFlow.GRANT_TYPE, EmulatedDeviceFlow.REFRESH_GRANT_TYPE);
		}
		return registration.isRegistered(client) ? EmulatedTokenEndpoint.REGISTERED_CLIENT_GRANTS : Set.of();
	}

	/**
	 * One {@code refresh_token} grant for two kinds of refresh token: the desktop
	 * client's (device flow, rotated) and the console's (multi-resource, for My Account).
	 */
	private static EmulatedTokenEndpoint.Grant refreshGrant(EmulatedDeviceFlow deviceFlow,
			EmulatedTokenEndpoint.Grant console) {
		EmulatedTokenEndpoint.Grant desktop = deviceFlow.refreshTokenGrant();
		return (client, parameters) -> client.equals(deviceFlow.clientId()) ? desktop.grant(client, parameters)
				: console.grant(client, parameters);
	}

	/**
	 * CORS for what a browser-based MCP client (MCP Inspector) fetches from the tenant
	 * during a standard sign-in: the metadata, the registration and the token endpoint.
	 * No credentials are allowed, so no cookie crosses.
	 * @return the filter
	 */
	@Bean
	CorsWebFilter emulatedTenantCorsFilter() {
		CorsConfiguration cors = new CorsConfiguration();
		cors.addAllowedOriginPattern("*");
		cors.setAllowedMethods(List.of("GET", "POST", "OPTIONS"));
		cors.addAllowedHeader("*");
		cors.setAllowCredentials(false);
		UrlBasedCorsConfigurationSource source = new UrlBasedCorsConfigurationSource();
		source.registerCorsConfiguration(EmulatedClientRegistration.PATH, cors);
		source.registerCorsConfiguration(EmulatedTokenEndpoint.PATH, cors);
		source.registerCorsConfiguration(EmulatedTenant.BASE_PATH + "/.well-known/**", cors);
		for (String path : EmulatedClientRegistration.METADATA_PATHS) {
			source.registerCorsConfiguration(path, cors);
		}
		return new CorsWebFilter(source);
	}

	@Bean
	RouterFunction<ServerResponse> sandboxPhoneRoutes(CibaRequests requests) {
		return new SandboxPhone(requests).routes();
	}

	private static String require(Environment environment, String property, String problem) {
		String value = environment.getProperty(property);
		if (value == null || value.isBlank()) {
			throw new InvalidConfigurationException(property, problem);
		}
		return value;
	}

	@Bean
	RouterFunction<ServerResponse> emulatedCalendarRoutes(SandboxCalendars calendars, EmulatedProviderTokens tokens,
			ProviderFaults faults, ProviderWrites writes) {
		return new EmulatedCalendar(calendars, tokens, faults, writes).routes();
	}

	@Bean
	RouterFunction<ServerResponse> emulatedGmailRoutes(SandboxMailboxes mailboxes, EmulatedProviderTokens tokens,
			ProviderFaults faults, Clock clock, ProviderWrites writes) {
		return new EmulatedGmail(mailboxes, tokens, faults, clock, writes).routes();
	}

	@Bean
	RouterFunction<ServerResponse> emulatedGitHubRoutes(SandboxGitHub github, EmulatedProviderTokens tokens,
			ProviderFaults faults, ProviderWrites writes) {
		return new EmulatedGitHub(github, tokens, faults, writes).routes();
	}

}
