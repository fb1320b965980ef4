package dev.countersign.server.auth;

import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;

import com.nimbusds.jose.JWSAlgorithm;
import io.netty.channel.ChannelOption;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.authorization.AuthorizationResult;
import org.springframework.security.authorization.ReactiveAuthorizationManager;
import org.springframework.security.config.annotation.web.reactive.EnableWebFluxSecurity;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.authorization.AuthorizationContext;
import org.springframework.security.web.server.context.NoOpServerSecurityContextRepository;
import org.springframework.security.web.server.firewall.ServerWebExchangeFirewall;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerResponse;

import dev.countersign.server.approval.CibaProperties;
import dev.countersign.server.web.HttpProperties;
import dev.countersign.server.web.PublicUrls;
import dev.countersign.server.web.RequestSizeLimitFilter;

/**
 * Who may call what (DESIGN §3): {@code /mcp} takes agents' user tokens only;
 * {@code /api/v1} takes console tokens with {@code countersign:manage} only; tokens
 * without a user are refused everywhere; {@code GET /console/login} and
 * {@code GET /console/callback} (the console sign-in) and {@code GET} of
 * {@code /actuator/health}, its groups and {@code /actuator/prometheus} are public;
 * everything else is closed unless another chain (the sandbox's) claims it first.
 * Stateless: no session, no cookies, no CSRF.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebFluxSecurity
public class SecurityConfiguration {

	/** The longest a fetch of the tenant's signing keys may take. */
	static final Duration JWKS_TIMEOUT = Duration.ofSeconds(5);

	/** The console sign-in's start: public, GET only. */
	static final String CONSOLE_LOGIN_PATH = "/console/login";

	/** The console sign-in's callback: public, GET only. */
	static final String CONSOLE_CALLBACK_PATH = "/console/callback";

	/** Where a provider's consent returns when the user connects an account. */
	static final String CONNECTIONS_CALLBACK_PATH = "/console/connections/callback";

	/**
	 * The actuator paths open without a token: health (with its probe groups) and the
	 * Prometheus scrape. No other actuator endpoint is exposed.
	 */
	static final String[] ACTUATOR_PATHS = { "/actuator/health", "/actuator/health/**", "/actuator/prometheus" };

	@Bean
	PublicUrls publicUrls(HttpProperties properties) {
		return new PublicUrls(properties);
	}

	@Bean
	RequestSizeLimitFilter requestSizeLimitFilter(HttpProperties properties) {
		return new RequestSizeLimitFilter(properties);
	}

	/**
	 * No Spring Security observations: with a registry present it would observe the
	 * filter chain, each filter in it, and each authentication and authorization — a
	 * dozen observations around every request, each restored on every Reactor operator.
	 * The HTTP server observation (which carries the status of every refused request) and
	 * Countersign's one observation per tool call remain.
	 * @return settings that observe nothing of Spring Security
	 */
	@Bean
	static SecurityObservationSettings securityObservationSettings() {
		return SecurityObservationSettings.noObservations();
	}

	/**
	 * Spring Security's strict firewall, with its header rules checked without regular
	 * expressions ({@link HeaderCharacters}).
	 * @return the firewall
	 */
	@Bean
	static ServerWebExchangeFirewall serverWebExchangeFirewall() {
		return HeaderCharacters.firewall();
	}

	@Bean
	Callers callers(AuthProperties properties, CibaProperties ciba) {
		return new Callers(properties.effectiveConsoleClients(), ciba.requireClientId());
	}

	@Bean
	ReactiveJwtDecoder jwtDecoder(AuthProperties properties, Clock clock) {
		Set<SignatureAlgorithm> allowed = properties.effectiveAlgorithms().stream().map((name) -> {
			SignatureAlgorithm algorithm = SignatureAlgorithm.from(name);
			// Asymmetric algorithms only: never none, never HMAC keyed with a public key.
			if (algorithm == null || JWSAlgorithm.Family.HMAC_SHA.contains(JWSAlgorithm.parse(name))) {
				throw new InvalidConfigurationException("countersign.auth.algorithms",
						"only asymmetric signature algorithms (RS256, ES256, PS256, …) are accepted, but got " + name);
			}
			return algorithm;
		}).collect(Collectors.toSet());
		NimbusReactiveJwtDecoder decoder = NimbusReactiveJwtDecoder
			.withJwkSetUri(properties.effectiveJwksUri().toString())
			.jwsAlgorithms((algorithms) -> algorithms.addAll(allowed))
			.webClient(jwksClient())
			.build();
		decoder.setJwtValidator(TokenValidators.inbound(properties));
		return new CachingJwtDecoder(decoder, clock, properties.effectiveClockSkew());
	}

	/**
	 * The client that fetches the tenant's signing keys: a new connection for each fetch
	 * (keys are fetched once, and again only for an unknown key id, so a pooled
	 * connection would mostly sit idle until the tenant or a proxy drops it), and an
	 * answer within {@link #JWKS_TIMEOUT}: without one, a tenant that accepts the
	 * connection and never answers would hold every call with a new token open forever;
	 * with it, the call is refused and the next one fetches again.
	 */
	private static WebClient jwksClient() {
		HttpClient http = HttpClient.newConnection()
			.responseTimeout(JWKS_TIMEOUT)
			.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) JWKS_TIMEOUT.toMillis());
		return WebClient.builder().clientConnector(new ReactorClientHttpConnector(http)).build();
	}

	@Bean
	RouterFunction<ServerResponse> protectedResourceMetadataRoutes(AuthProperties properties, PublicUrls urls) {
		return new ProtectedResourceMetadata(properties, urls).routes();
	}

	@Bean
	SecurityWebFilterChain countersignSecurityFilterChain(ServerHttpSecurity http, ReactiveJwtDecoder decoder,
			Callers callers, PublicUrls urls) {
		BearerChallenge challenge = new BearerChallenge(urls);
		http.csrf(ServerHttpSecurity.CsrfSpec::disable)
			.httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
			.formLogin(ServerHttpSecurity.FormLoginSpec::disable)
			.logout(ServerHttpSecurity.LogoutSpec::disable)
			.anonymous(ServerHttpSecurity.AnonymousSpec::disable)
			.requestCache((cache) -> cache.disable())
			.securityContextRepository(NoOpServerSecurityContextRepository.getInstance())
			// The paths are disjoint, so the order is only a cost: /mcp, which takes
			// nearly every call, is tried first (each matcher tried formats a debug
			// message, logged or not).
			.authorizeExchange((exchanges) -> exchanges.pathMatchers("/mcp", "/mcp/**")
				.access(callerIs(CallerKind.AGENT, null))
				.pathMatchers(ProtectedResourceMetadata.PATH, ProtectedResourceMetadata.MCP_PATH)
				.permitAll()
				// the console sign-in (write-subject=refresh-token): these two paths only
				.pathMatchers(HttpMethod.GET, CONSOLE_LOGIN_PATH, CONSOLE_CALLBACK_PATH, CONNECTIONS_CALLBACK_PATH)
				.permitAll()
				// probes and the scrape: GET only, these paths only
				.pathMatchers(HttpMethod.GET, ACTUATOR_PATHS)
				.permitAll()
				.pathMatchers("/api/v1/**")
				.access(callerIs(CallerKind.CONSOLE, AuthProperties.MANAGE_SCOPE))
				.anyExchange()
				.denyAll())
			.oauth2ResourceServer((resourceServer) -> resourceServer.bearerTokenConverter(new BearerTokenConverter())
				.jwt((jwt) -> jwt.jwtDecoder(decoder)
					.jwtAuthenticationConverter((token) -> Mono.just(new CallerAuthentication(callers.of(token)))))
				.authenticationEntryPoint(challenge)
				.accessDeniedHandler(challenge))
			.exceptionHandling(
					(exceptions) -> exceptions.authenticationEntryPoint(challenge).accessDeniedHandler(challenge));
		return http.build();
	}

	private static ReactiveAuthorizationManager<AuthorizationContext> callerIs(CallerKind kind,
			@Nullable String scope) {
		return (authentication, context) -> authentication.ofType(CallerAuthentication.class)
			.<AuthorizationResult>map((caller) -> new AuthorizationDecision(
					caller.caller().kind() == kind && (scope == null || caller.caller().scopes().contains(scope))))
			.defaultIfEmpty(new AuthorizationDecision(false));
	}

}
