package dev.countersign.server.console;

import java.net.URI;
import java.time.Clock;
import java.util.Locale;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

import dev.countersign.policy.account.InMemoryRefreshTokenStore;
import dev.countersign.policy.account.RefreshTokenCipher;
import dev.countersign.policy.account.RefreshTokenStore;
import dev.countersign.policy.trust.TrustStore;
import dev.countersign.server.approval.WriteSubject;
import dev.countersign.server.approval.WriteSubjectProperties;
import dev.countersign.server.audit.ApprovalAudit;
import dev.countersign.server.auth.AuthProperties;
import dev.countersign.server.auth.Callers;
import dev.countersign.server.auth.InvalidConfigurationException;
import dev.countersign.server.change.SettingsAudit;
import dev.countersign.server.provider.ProviderTokens;
import dev.countersign.server.provider.VaultConfiguration;
import dev.countersign.server.provider.VaultProperties;
import dev.countersign.server.web.HttpProperties;
import dev.countersign.server.web.PublicUrls;
import dev.countersign.vault.TokenVaultClient;
import dev.countersign.vault.TokenVaultOptions;
import dev.countersign.server.store.StoreMode;

/**
 * Wires the console sign-in, connected accounts ({@code countersign.connections.enabled},
 * which needs the sign-in too) and the refresh-token write subject. With
 * {@code countersign.vault.write-subject=refresh-token} it refuses to start, naming the
 * setting, when {@code countersign.vault.refresh-token-key},
 * {@code countersign.console.client-id} (which must be a console client),
 * {@code countersign.console.client-secret}, or a way to tell users where to sign in
 * ({@code countersign.console.redirect-uri} or {@code countersign.http.public-url}) is
 * missing. Otherwise the console pages answer 404 saying the sign-in is not used. With
 * {@code refresh-token}, write exchanges are made with the console client's credentials
 * (Auth0 lets only the application a refresh token was issued to exchange it), at the
 * Token Vault endpoint and dialect of {@code countersign.vault.*}.
 */
@Configuration(proxyBeanMethods = false)
public class ConsoleConfiguration {

	@Bean
	@ConditionalOnMissingBean
	@Conditional(StoreMode.Memory.class)
	RefreshTokenStore refreshTokenStore() {
		return new InMemoryRefreshTokenStore();
	}

	@Bean
	@Conditional(SignInMode.class)
	RefreshTokenCipher refreshTokenCipher(WriteSubjectProperties writeSubject) {
		return writeSubject.requireCipher();
	}

	@Bean
	@Conditional(SignInMode.class)
	ConsoleSignIn.Settings consoleSettings(ConsoleProperties console, AuthProperties auth) {
		return new ConsoleSignIn.Settings(auth.requireIssuer().toString(), auth.requireAudience(),
				auth.effectiveJwksUri(), auth.effectiveAlgorithms(), auth.effectiveClockSkew(),
				console.requireClientId(auth.effectiveConsoleClients()), console.requireClientSecret(),
				console.redirectUri());
	}

	@Bean
	@Conditional(RefreshTokenMode.class)
	WriteSubject refreshTokenWriteSubject(RefreshTokenStore store, RefreshTokenCipher cipher, ConsoleProperties console,
			HttpProperties http, ConsoleSignIn.Settings settings, VaultProperties vault, AuthProperties auth,
			Clock clock) {
		// Auth0 (Token Vault, refresh token exchange): only the application the refresh
		// token was issued to may exchange it, so the console client exchanges it.
		TokenVaultClient client = TokenVaultClient
			.create(TokenVaultOptions.builder(VaultConfiguration.tokenEndpoint(vault, auth), settings.clientId())
				.clientSecret(settings.clientSecret())
				.dialect(VaultConfiguration.dialect(vault.dialect()))
				.clock(clock)
				.build());
		return new RefreshTokenSubject(store, cipher, console.signInUrl(http.publicUrl()), client);
	}

	@Bean
	@Conditional(SignInMode.class)
	ConsoleSignIn consoleSignIn(ConsoleSignIn.Settings settings, ReactiveJwtDecoder jwtDecoder, Callers callers,
			RefreshTokenCipher cipher, RefreshTokenStore store, ApprovalAudit audit, PublicUrls urls, Clock clock) {
		return new ConsoleSignIn(settings, jwtDecoder, callers, cipher, store, audit, urls, clock);
	}

	@Bean
	@Conditional(ConnectionsMode.class)
	ConnectedAccounts connectedAccounts(ConnectionsProperties connections, ConsoleProperties console,
			ConsoleSignIn.Settings settings, HttpProperties http, VaultProperties vault, AuthProperties auth,
			RefreshTokenStore store, RefreshTokenCipher cipher, TrustStore trust, ProviderTokens providerTokens,
			SettingsAudit audit, Clock clock) {
		URI issuer = auth.requireIssuer();
		// Auth0 (multi-resource refresh token): the console client trades the user's
		// refresh token for a My Account token
		MyAccountClient myAccount = new MyAccountClient(WebClient.create(),
				VaultConfiguration.tokenEndpoint(vault, auth), connections.effectiveMyAccountUrl(issuer),
				connections.effectiveAudience(issuer), settings.clientId(), settings.clientSecret());
		return new ConnectedAccounts(myAccount, store, cipher, trust, providerTokens, audit,
				connections.effectiveConnections(), connectCallback(console, http), console.signInUrl(http.publicUrl()),
				clock);
	}

	private static String connectCallback(ConsoleProperties console, HttpProperties http) {
		if (http.publicUrl() != null) {
			String base = http.publicUrl().toString();
			return (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + ConnectedAccounts.CALLBACK_PATH;
		}
		if (console.redirectUri() != null) {
			return console.redirectUri().resolve(ConnectedAccounts.CALLBACK_PATH).toString();
		}
		throw new InvalidConfigurationException("countersign.console.redirect-uri",
				"countersign.connections.enabled needs Countersign's public URL for the connect callback "
						+ ConnectedAccounts.CALLBACK_PATH + "; set it or countersign.http.public-url");
	}

	@Bean
	RouterFunction<ServerResponse> consoleRoutes(ObjectProvider<ConsoleSignIn> signIn,
			ObjectProvider<ConnectedAccounts> connectedAccounts) {
		ConsoleSignIn active = signIn.getIfAvailable();
		ConnectedAccounts accounts = connectedAccounts.getIfAvailable();
		if (active != null) {
			return (accounts != null) ? active.routes().and(accounts.routes()) : active.routes();
		}
		String html = ConsolePages.html("Console sign-in not used",
				"Countersign runs approved writes with the approval token from your phone "
						+ "(countersign.vault.write-subject=ciba-token), so there is nothing to sign in for.");
		return RouterFunctions.route()
			.GET(ConsoleSignIn.LOGIN_PATH, (request) -> notUsed(html))
			.GET(ConsoleSignIn.CALLBACK_PATH, (request) -> notUsed(html))
			.build();
	}

	private static reactor.core.publisher.Mono<ServerResponse> notUsed(String html) {
		return ServerResponse.status(HttpStatus.NOT_FOUND)
			.contentType(new MediaType(MediaType.TEXT_HTML, java.nio.charset.StandardCharsets.UTF_8))
			.bodyValue(html);
	}

	/**
	 * Matches when the console sign-in is needed: {@code write-subject=refresh-token}
	 * ({@link RefreshTokenMode}) or connected accounts ({@link ConnectionsMode}), whose
	 * My Account token comes from the sign-in's refresh token.
	 */
	static final class SignInMode implements Condition {

		@Override
		public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
			return new RefreshTokenMode().matches(context, metadata)
					|| new ConnectionsMode().matches(context, metadata);
		}

	}

	/**
	 * Matches when {@code countersign.connections.enabled} is {@code true}.
	 */
	static final class ConnectionsMode implements Condition {

		@Override
		public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
			return Binder.get(context.getEnvironment())
				.bind("countersign.connections.enabled", Boolean.class)
				.orElse(false);
		}

	}

	/**
	 * Matches when {@code countersign.vault.write-subject} is {@code refresh-token} (any
	 * case, surrounding blanks ignored), read as Spring binds it.
	 */
	static final class RefreshTokenMode implements Condition {

		@Override
		public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
			return Binder.get(context.getEnvironment())
				.bind("countersign.vault.write-subject", String.class)
				.map((value) -> WriteSubjectProperties.REFRESH_TOKEN.equals(value.strip().toLowerCase(Locale.ROOT)))
				.orElse(false);
		}

	}

}
