package dev.countersign.server.console;

import java.net.MalformedURLException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenErrorResponse;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.auth.ClientSecretPost;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.oauth2.sdk.token.RefreshToken;
import com.nimbusds.openid.connect.sdk.AuthenticationRequest;
import com.nimbusds.openid.connect.sdk.Nonce;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponse;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponseParser;
import com.nimbusds.openid.connect.sdk.claims.IDTokenClaimsSet;
import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;
import com.nimbusds.openid.connect.sdk.token.OIDCTokens;
import com.nimbusds.openid.connect.sdk.validators.IDTokenValidator;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.http.HttpCookie;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseCookie;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

import dev.countersign.policy.account.RefreshTokenCipher;
import dev.countersign.policy.account.RefreshTokenStore;
import dev.countersign.policy.account.StoredRefreshToken;
import dev.countersign.server.audit.ApprovalAudit;
import dev.countersign.server.auth.AuthProperties;
import dev.countersign.server.auth.Caller;
import dev.countersign.server.auth.CallerAuthentication;
import dev.countersign.server.auth.CallerKind;
import dev.countersign.server.auth.Callers;
import dev.countersign.server.web.PublicUrls;

/**
 * The console sign-in (DESIGN §3, Writes, {@code write-subject=refresh-token}):
 * <ul>
 * <li>{@code GET /console/login} redirects to the tenant's {@code authorization_endpoint}
 * (OIDC discovery of {@code countersign.auth.issuer}) with {@code response_type=code},
 * {@code scope=openid offline_access countersign:manage}, the API {@code audience}, PKCE
 * S256 (RFC 7636), a {@code state} and a {@code nonce}. Both are kept here, in memory,
 * for {@value #LOGIN_TTL_MINUTES} minutes and used once; the {@code state} is also set in
 * an HttpOnly cookie so the callback must come back to the same browser.</li>
 * <li>{@code GET /console/callback} checks the {@code state}, redeems the code with the
 * client secret and the PKCE verifier, validates the ID token (signature, issuer,
 * audience, expiry, nonce) and the access token (as any inbound token, and issued to the
 * console client for the same user), then seals the refresh token with the
 * {@link RefreshTokenCipher}, stores it, audits REFRESH_TOKEN_STORED and answers a page
 * saying what it will be used for and how to forget it. No {@code refresh_token} in the
 * answer is a page saying {@code offline_access} was not granted.</li>
 * <li>{@code DELETE /api/v1/console/refresh-token} (a console token with
 * {@code countersign:manage}, like the rest of {@code /api/v1}) forgets the caller's
 * stored token and audits REFRESH_TOKEN_FORGOTTEN.</li>
 * </ul>
 * The refresh token, the code, the verifier and the client secret never appear in a page,
 * a log line, an audit entry or the store in clear. Thread-safe.
 */
final class ConsoleSignIn {

	/** Where a user starts the sign-in. */
	static final String LOGIN_PATH = "/console/login";

	/** Where the tenant sends the user back. */
	static final String CALLBACK_PATH = "/console/callback";

	/** Where a console client forgets the caller's stored refresh token. */
	static final String FORGET_PATH = "/api/v1/console/refresh-token";

	/** The scopes asked for. */
	static final Scope SCOPE = new Scope("openid", "offline_access", AuthProperties.MANAGE_SCOPE);

	static final int LOGIN_TTL_MINUTES = 10;

	/** How long a started sign-in may take. */
	static final Duration LOGIN_TTL = Duration.ofMinutes(LOGIN_TTL_MINUTES);

	/** At most this many sign-ins in progress at once; more are refused. */
	static final int MAX_PENDING = 10_000;

	static final String STATE_COOKIE = "countersign_console_state";

	private static final int CONNECT_TIMEOUT_MS = 5_000;

	private static final int READ_TIMEOUT_MS = 10_000;

	private static final Logger logger = LoggerFactory.getLogger(ConsoleSignIn.class);

	private final Settings settings;

	private final ReactiveJwtDecoder accessTokens;

	private final Callers callers;

	private final RefreshTokenCipher cipher;

	private final RefreshTokenStore store;

	private final ApprovalAudit audit;

	private final PublicUrls urls;

	private final Clock clock;

	private final IDTokenValidator idTokens;

	private final Map<String, PendingLogin> pending = new ConcurrentHashMap<>();

	private final Mono<OIDCProviderMetadata> discovery;

	ConsoleSignIn(Settings settings, ReactiveJwtDecoder accessTokens, Callers callers, RefreshTokenCipher cipher,
			RefreshTokenStore store, ApprovalAudit audit, PublicUrls urls, Clock clock) {
		this.settings = settings;
		this.accessTokens = accessTokens;
		this.callers = callers;
		this.cipher = cipher;
		this.store = store;
		this.audit = audit;
		this.urls = urls;
		this.clock = clock;
		Set<JWSAlgorithm> algorithms = settings.algorithms()
			.stream()
			.map(JWSAlgorithm::parse)
			.collect(Collectors.toSet());
		try {
			this.idTokens = new IDTokenValidator(new Issuer(settings.issuer()), new ClientID(settings.clientId()),
					new JWSVerificationKeySelector<SecurityContext>(algorithms,
							JWKSourceBuilder.create(settings.jwksUri().toURL()).retrying(false).build()),
					null);
		}
		catch (MalformedURLException ex) {
			throw new IllegalArgumentException("the JWKS URI is not a URL: " + settings.jwksUri(), ex);
		}
		this.idTokens.setMaxClockSkew((int) settings.clockSkew().toSeconds());
		// Discovered once; a failure is not cached, so the next sign-in tries again.
		this.discovery = Mono.fromCallable(
				() -> OIDCProviderMetadata.resolve(new Issuer(settings.issuer()), CONNECT_TIMEOUT_MS, READ_TIMEOUT_MS))
			.subscribeOn(Schedulers.boundedElastic())
			.cache((metadata) -> Duration.ofHours(1), (ex) -> Duration.ZERO, () -> Duration.ZERO);
	}

	RouterFunction<ServerResponse> routes() {
		return RouterFunctions.route()
			.GET(LOGIN_PATH, this::login)
			.GET(CALLBACK_PATH, this::callback)
			.DELETE(FORGET_PATH, this::forget)
			.build();
	}

	private Mono<ServerResponse> login(ServerRequest request) {
		Instant now = this.clock.instant();
		this.pending.values().removeIf((login) -> login.expired(now));
		if (this.pending.size() >= MAX_PENDING) {
			return page(HttpStatus.SERVICE_UNAVAILABLE, "Too many sign-ins in progress",
					"Too many console sign-ins are in progress. Try again in a few minutes.");
		}
		return this.discovery.flatMap((metadata) -> {
			URI authorize = metadata.getAuthorizationEndpointURI();
			if (authorize == null) {
				return page(HttpStatus.BAD_GATEWAY, "Sign-in unavailable",
						"The identity provider's discovery document names no authorization_endpoint.");
			}
			State state = new State();
			Nonce nonce = new Nonce();
			CodeVerifier verifier = new CodeVerifier();
			URI redirect = redirectUri(request.exchange().getRequest());
			this.pending.put(state.getValue(), new PendingLogin(verifier, nonce, redirect, now.plus(LOGIN_TTL)));
			AuthenticationRequest authentication = new AuthenticationRequest.Builder(ResponseType.CODE, SCOPE,
					new ClientID(this.settings.clientId()), redirect)
				.endpointURI(authorize)
				.state(state)
				.nonce(nonce)
				// RFC 7636 §4.2: S256
				.codeChallenge(verifier, CodeChallengeMethod.S256)
				.customParameter("audience", this.settings.audience())
				.build();
			return ServerResponse.status(HttpStatus.SEE_OTHER)
				.location(authentication.toURI())
				.header(HttpHeaders.CACHE_CONTROL, "no-store")
				.cookie(stateCookie(state.getValue(), redirect, LOGIN_TTL))
				.build();
		}).onErrorResume((ex) -> {
			logger.warn("Console sign-in could not start: discovery of {} failed: {}", this.settings.issuer(),
					ex.getClass().getSimpleName());
			return page(HttpStatus.BAD_GATEWAY, "Sign-in unavailable",
					"The identity provider could not be reached. Try again in a moment.");
		});
	}

	private Mono<ServerResponse> callback(ServerRequest request) {
		String stateValue = request.queryParam("state").orElse(null);
		PendingLogin login = (stateValue != null) ? this.pending.remove(stateValue) : null;
		if (login == null || login.expired(this.clock.instant())) {
			return failed(HttpStatus.BAD_REQUEST, "This sign-in is unknown, was already used, or took longer than "
					+ LOGIN_TTL_MINUTES + " minutes. Start again at " + LOGIN_PATH + ".");
		}
		HttpCookie cookie = request.cookies().getFirst(STATE_COOKIE);
		if (cookie == null || !cookie.getValue().equals(stateValue)) {
			return failed(HttpStatus.BAD_REQUEST,
					"This sign-in was not started in this browser. Start again at " + LOGIN_PATH + ".");
		}
		String error = request.queryParam("error").orElse(null);
		if (error != null) {
			// the error code only: the description comes from outside
			String code = error.replaceAll("[^A-Za-z0-9_.-]", "");
			code = code.substring(0, Math.min(code.length(), 64));
			logger.info("Console sign-in ended at the identity provider: {}", code);
			return failed(HttpStatus.FORBIDDEN,
					"The sign-in was not completed (" + code + "). Start again at " + LOGIN_PATH + ".");
		}
		String code = request.queryParam("code").orElse(null);
		if (code == null || code.isBlank()) {
			return failed(HttpStatus.BAD_REQUEST, "The identity provider sent no authorization code.");
		}
		return this.discovery.flatMap((metadata) -> redeem(metadata, code, login))
			.flatMap((tokens) -> signedIn(tokens, login))
			.onErrorResume(SignInException.class, (ex) -> {
				logger.warn("Console sign-in failed: {}", ex.getMessage());
				return failed(ex.status, ex.getMessage());
			})
			.onErrorResume((ex) -> {
				logger.warn("Console sign-in failed: {}", ex.getClass().getSimpleName());
				return failed(HttpStatus.BAD_GATEWAY,
						"The sign-in could not be completed. Try again at " + LOGIN_PATH + ".");
			});
	}

	private Mono<OIDCTokens> redeem(OIDCProviderMetadata metadata, String code, PendingLogin login) {
		return Mono.fromCallable(() -> {
			TokenRequest tokenRequest = new TokenRequest.Builder(metadata.getTokenEndpointURI(),
					new ClientSecretPost(new ClientID(this.settings.clientId()),
							new Secret(this.settings.clientSecret())),
					new AuthorizationCodeGrant(new AuthorizationCode(code), login.redirectUri(), login.verifier()))
				.build();
			HTTPRequest http = tokenRequest.toHTTPRequest();
			http.setConnectTimeout(CONNECT_TIMEOUT_MS);
			http.setReadTimeout(READ_TIMEOUT_MS);
			TokenResponse response = OIDCTokenResponseParser.parse(http.send());
			if (!response.indicatesSuccess()) {
				TokenErrorResponse refused = response.toErrorResponse();
				String error = (refused.getErrorObject() != null) ? refused.getErrorObject().getCode() : "unknown";
				// the error code only, never the body
				throw new SignInException(HttpStatus.BAD_GATEWAY,
						"The identity provider refused the authorization code (" + error + "). Start again at "
								+ LOGIN_PATH + ".");
			}
			if (!(response.toSuccessResponse() instanceof OIDCTokenResponse oidc)) {
				throw new SignInException(HttpStatus.BAD_GATEWAY, "The identity provider sent no ID token.");
			}
			return oidc.getOIDCTokens();
		}).subscribeOn(Schedulers.boundedElastic());
	}

	private Mono<ServerResponse> signedIn(OIDCTokens tokens, PendingLogin login) {
		return Mono.fromCallable(() -> {
			try {
				return this.idTokens.validate(tokens.getIDToken(), login.nonce());
			}
			catch (com.nimbusds.jose.proc.BadJOSEException | com.nimbusds.jose.JOSEException ex) {
				// Nimbus names the claim, never the token
				throw new SignInException(HttpStatus.BAD_GATEWAY, "The ID token was refused: " + ex.getMessage() + ".");
			}
		})
			.subscribeOn(Schedulers.boundedElastic())
			.flatMap((idClaims) -> this.accessTokens.decode(tokens.getAccessToken().getValue())
				.onErrorMap((ex) -> !(ex instanceof SignInException),
						(ex) -> new SignInException(HttpStatus.BAD_GATEWAY,
								"The access token was refused: " + ex.getMessage() + "."))
				.map(this.callers::of)
				.flatMap((caller) -> store(idClaims, caller, tokens.getRefreshToken())));
	}

	private Mono<ServerResponse> store(IDTokenClaimsSet idClaims, Caller caller, @Nullable RefreshToken refresh) {
		String user = idClaims.getSubject().getValue();
		if (!user.equals(caller.user())) {
			throw new SignInException(HttpStatus.BAD_GATEWAY,
					"The ID token and the access token name different users.");
		}
		if (caller.kind() != CallerKind.CONSOLE || !caller.client().equals(this.settings.clientId())) {
			throw new SignInException(HttpStatus.BAD_GATEWAY,
					"The access token was not issued to the console client " + this.settings.clientId() + ".");
		}
		if (refresh == null) {
			logger.info("Console sign-in of user {}: no refresh token (offline_access not granted)", user);
			return page(HttpStatus.FORBIDDEN, "Offline access was not granted",
					"You signed in as " + user + ", but the identity provider did not grant offline_access, so "
							+ "it sent no refresh token and Countersign cannot run approved writes for you. "
							+ "Allow offline access for the console client (in Auth0: the API's \"Allow Offline "
							+ "Access\" setting and the application's Refresh Token grant), then sign in again at "
							+ LOGIN_PATH + ".");
		}
		StoredRefreshToken sealed = this.cipher.seal(user, refresh.getValue(), this.clock.instant());
		return this.store.save(sealed).then(this.audit.refreshTokenStored(user, sealed.keyId())).then(Mono.defer(() -> {
			logger.info("Console sign-in of user {}: refresh token stored, sealed with key {}", user, sealed.keyId());
			return page(HttpStatus.OK, "Sign-in stored", "You signed in as " + user
					+ ". Countersign stored your Auth0 refresh token, encrypted, and uses it only for what "
					+ "this server turned on: running writes you approve on your phone, inside the approval "
					+ "window, and connecting or disconnecting your provider accounts when you ask; every "
					+ "use is in your audit trail. It is a standing credential: to make Countersign forget it, call DELETE "
					+ FORGET_PATH + " with a console token, and revoke it in Auth0 to end it there too.");
		}));
	}

	private Mono<ServerResponse> forget(ServerRequest request) {
		return ReactiveSecurityContextHolder.getContext()
			.mapNotNull((context) -> context.getAuthentication())
			.ofType(CallerAuthentication.class)
			.map(CallerAuthentication::caller)
			.flatMap((caller) -> this.store.delete(caller.user())
				.flatMap((deleted) -> (deleted ? this.audit.refreshTokenForgotten(caller.user()) : Mono.<Void>empty())
					.thenReturn(deleted)))
			.flatMap((deleted) -> ServerResponse.ok()
				.contentType(MediaType.APPLICATION_JSON)
				.bodyValue(Map.of("forgotten", deleted)))
			.switchIfEmpty(ServerResponse.status(HttpStatus.UNAUTHORIZED).build());
	}

	private static Mono<ServerResponse> failed(HttpStatus status, String message) {
		return page(status, "Sign-in failed", message);
	}

	/** A small HTML page; it also clears the state cookie. */
	private static Mono<ServerResponse> page(HttpStatus status, String title, String message) {
		return ServerResponse.status(status)
			.contentType(new MediaType(MediaType.TEXT_HTML, java.nio.charset.StandardCharsets.UTF_8))
			.header(HttpHeaders.CACHE_CONTROL, "no-store")
			.cookie(ResponseCookie.from(STATE_COOKIE, "").path("/console").maxAge(0).build())
			.bodyValue(ConsolePages.html(title, message));
	}

	private URI redirectUri(ServerHttpRequest request) {
		URI configured = this.settings.redirectUri();
		return (configured != null) ? configured : URI.create(this.urls.base(request) + CALLBACK_PATH);
	}

	private static ResponseCookie stateCookie(String value, URI redirect, Duration maxAge) {
		return ResponseCookie.from(STATE_COOKIE, value)
			.httpOnly(true)
			.secure("https".equals(redirect.getScheme()))
			.sameSite("Lax")
			.path("/console")
			.maxAge(maxAge)
			.build();
	}

	/**
	 * What the sign-in needs from configuration.
	 *
	 * @param issuer the tenant ({@code countersign.auth.issuer})
	 * @param audience the Countersign API identifier
	 * @param jwksUri the tenant's keys
	 * @param algorithms accepted signature algorithms
	 * @param clockSkew leeway on ID token times
	 * @param clientId the console client
	 * @param clientSecret its secret
	 * @param redirectUri the configured callback, or null to use the public URL's
	 */
	record Settings(String issuer, String audience, URI jwksUri, List<String> algorithms, Duration clockSkew,
			String clientId, String clientSecret, @Nullable URI redirectUri) {

		Settings {
			Objects.requireNonNull(issuer, "issuer must not be null");
			Objects.requireNonNull(clientSecret, "clientSecret must not be null");
		}

		@Override
		public String toString() {
			return "Settings[issuer=" + this.issuer + ", clientId=" + this.clientId + ", clientSecret=[redacted]]";
		}

	}

	/** A started sign-in: kept server-side, used once. */
	private record PendingLogin(CodeVerifier verifier, Nonce nonce, URI redirectUri, Instant expiresAt) {

		boolean expired(Instant now) {
			return !now.isBefore(this.expiresAt);
		}

		@Override
		public String toString() {
			return "PendingLogin[expiresAt=" + this.expiresAt + "]";
		}

	}

	/** A refused sign-in; the message is fit for the page and the log (no token). */
	private static final class SignInException extends RuntimeException {

		private static final long serialVersionUID = 1L;

		private final transient HttpStatus status;

		SignInException(HttpStatus status, String message) {
			super(message);
			this.status = status;
		}

	}

}
