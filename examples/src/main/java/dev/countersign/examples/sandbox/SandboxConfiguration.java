package dev.countersign.examples.sandbox;

import java.net.URI;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatchers;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

import dev.countersign.server.auth.AuthProperties;
import dev.countersign.server.auth.InvalidConfigurationException;

/**
 * Wires the emulated tenant and the sandbox's small HTTP contract (DESIGN §10):
 * {@code GET /sandbox/token} and {@code GET /sandbox/user-token}.
 */
@Configuration(proxyBeanMethods = false)
class SandboxConfiguration {

	private static final Logger logger = LoggerFactory.getLogger(SandboxConfiguration.class);

	private static final Pattern SCOPE = Pattern
		.compile("[\\x21\\x23-\\x5B\\x5D-\\x7E]{1,64}( [\\x21\\x23-\\x5B\\x5D-\\x7E]{1,64}){0,19}");

	static final String AGENT_SCOPES = "openid profile email";

	@Bean
	EmulatedTenant emulatedTenant(SandboxProperties sandbox, AuthProperties auth, Environment environment,
			Clock clock) {
		URI issuer = sandbox.issuer();
		if (issuer == null) {
			throw new InvalidConfigurationException("countersign.sandbox.issuer",
					"the emulated tenant's issuer is not set");
		}
		if (!issuer.equals(auth.issuer()) || environment.containsProperty("AUTH0_DOMAIN")) {
			throw new InvalidConfigurationException("countersign.auth.issuer", "a real tenant (" + auth.issuer()
					+ ") is configured, so the sandbox refuses to start its emulations; run the mcp-server application for a real tenant");
		}
		if ("0".equals(environment.getProperty("server.port"))) {
			throw new InvalidConfigurationException("server.port",
					"the sandbox needs a fixed port, because its emulated tenant's issuer URL contains it");
		}
		logger.warn("Starting the EMULATED Auth0 tenant at {} (sandbox only: not a real identity provider)", issuer);
		return new EmulatedTenant(issuer.toString(), auth.requireAudience(), sandbox.effectiveTokenLifetime(), clock);
	}

	@Bean
	@Order(Ordered.HIGHEST_PRECEDENCE)
	SecurityWebFilterChain sandboxSecurityFilterChain(ServerHttpSecurity http) {
		// The emulations are public on loopback: they stand in for Auth0 and the
		// providers.
		return http
			.securityMatcher(
					ServerWebExchangeMatchers.pathMatchers("/sandbox", "/sandbox/**", EmulatedTenant.BASE_PATH + "/**",
							"/.well-known/oauth-authorization-server/**", "/.well-known/openid-configuration/**"))
			.csrf(ServerHttpSecurity.CsrfSpec::disable)
			.httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
			.formLogin(ServerHttpSecurity.FormLoginSpec::disable)
			.authorizeExchange((exchanges) -> exchanges.anyExchange().permitAll())
			.build();
	}

	@Bean
	RouterFunction<ServerResponse> emulatedTenantRoutes(EmulatedTenant tenant) {
		return tenant.routes();
	}

	@Bean
	RouterFunction<ServerResponse> sandboxTokenRoutes(EmulatedTenant tenant, SandboxProperties sandbox) {
		return RouterFunctions.route().GET("/sandbox/token", (request) -> token(request, tenant, (user, scope) -> {
			String agent = SandboxUsers.checkName("agent", request.queryParam("agent").orElse("sandbox-agent"));
			return tenant.accessToken(user, agent, scope);
		}))
			.GET("/sandbox/user-token",
					(request) -> token(request, tenant,
							(user, scope) -> tenant.accessToken(user, sandbox.effectiveConsoleClient(),
									AGENT_SCOPES + " " + AuthProperties.MANAGE_SCOPE)))
			.build();
	}

	@Bean
	RouterFunction<ServerResponse> sandboxSettingsRoutes(EmulatedTenant tenant, SandboxProperties sandbox) {
		return new SandboxSettings(tenant, sandbox.effectiveConsoleClient()).routes();
	}

	private interface Minter {

		String mint(String user, String scope);

	}

	private static Mono<ServerResponse> token(ServerRequest request, EmulatedTenant tenant, Minter minter) {
		try {
			String user = SandboxUsers.checkName("user", request.queryParam("user").orElse(SandboxUsers.DEFAULT_USER));
			String scope = request.queryParam("scope").map((extra) -> {
				if (!SCOPE.matcher(extra).matches()) {
					throw new IllegalArgumentException("scope must be space-separated scope names");
				}
				return AGENT_SCOPES + " " + extra;
			}).orElse(AGENT_SCOPES);
			Map<String, Object> body = new LinkedHashMap<>();
			body.put("access_token", minter.mint(user, scope));
			body.put("token_type", "Bearer");
			body.put("expires_in", tenant.tokenLifetime().toSeconds());
			return ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(body);
		}
		catch (IllegalArgumentException ex) {
			Map<String, Object> problem = new LinkedHashMap<>();
			problem.put("title", "Bad Request");
			problem.put("status", 400);
			problem.put("detail", ex.getMessage());
			return ServerResponse.status(HttpStatus.BAD_REQUEST)
				.contentType(MediaType.APPLICATION_PROBLEM_JSON)
				.bodyValue(problem);
		}
	}

}
