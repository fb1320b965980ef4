package dev.countersign.examples.sandbox;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.util.MultiValueMap;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.util.HtmlUtils;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * The emulated tenant's device authorization grant (RFC 8628) for one public desktop
 * client, the one {@code countersign login} uses, as Auth0 serves it:
 * <ul>
 * <li>{@code POST /auth0/oauth/device/code} ({@code client_id}, {@code scope},
 * {@code audience}) answers a device code, a user code like {@code BCDF-GHJK}, the
 * verification page and an interval of five seconds; only the desktop client and only the
 * Countersign API audience are served;</li>
 * <li>{@code GET /auth0/activate} is the verification page: enter the code, pick a
 * sandbox user, Allow or Deny ({@code POST /auth0/activate});</li>
 * <li>the grant {@value #GRANT_TYPE} answers 403 {@code authorization_pending} until
 * then, 429 {@code slow_down} to a client polling faster than the interval (which then
 * grows by five seconds), 403 {@code access_denied} or {@code expired_token}, and once
 * approved, an access token for the Countersign API ({@code azp} = the desktop client),
 * an ID token and, with {@code offline_access}, a refresh token; the device code is
 * redeemed once;</li>
 * <li>the grant {@value #REFRESH_GRANT_TYPE} redeems the desktop client's refresh tokens
 * with rotation: each use answers a new refresh token and spends the old one, and
 * presenting a spent one revokes every token of that sign-in (Auth0's reuse
 * detection).</li>
 * </ul>
 * Thread-safe.
 */
final class EmulatedDeviceFlow {

	static final String GRANT_TYPE = "urn:ietf:params:oauth:grant-type:device_code";

	static final String REFRESH_GRANT_TYPE = "refresh_token";

	static final String DEVICE_CODE_PATH = EmulatedTenant.BASE_PATH + "/oauth/device/code";

	static final String ACTIVATE_PATH = EmulatedTenant.BASE_PATH + "/activate";

	/** The seeded public desktop client, for {@code countersign login}. */
	static final String DEFAULT_CLIENT_ID = "countersign-desktop";

	/** How long a device code lives, as Auth0's. */
	static final Duration CODE_LIFETIME = Duration.ofMinutes(15);

	/** The polling interval it asks for, as Auth0's. */
	static final Duration INTERVAL = Duration.ofSeconds(5);

	/** The scopes the desktop client may ask for. */
	static final Set<String> SCOPES = Set.of("openid", "profile", "email", "offline_access");

	// RFC 8628 §6.1: consonants only, no vowels to spell words, no look-alikes.
	private static final String USER_CODE_LETTERS = "BCDFGHJKLMNPQRSTVWXZ";

	private final EmulatedTenant tenant;

	private final String audience;

	private final String clientId;

	private final Clock clock;

	private final SecureRandom random = new SecureRandom();

	private final Map<String, Pending> byDeviceCode = new LinkedHashMap<>();

	private final Map<String, RefreshGrant> refreshTokens = new LinkedHashMap<>();

	/**
	 * Creates the flow.
	 * @param tenant mints the tokens
	 * @param audience the Countersign API identifier, the only audience served
	 * @param clientId the public desktop client
	 * @param clock the clock
	 */
	EmulatedDeviceFlow(EmulatedTenant tenant, String audience, String clientId, Clock clock) {
		this.tenant = tenant;
		this.audience = audience;
		this.clientId = clientId;
		this.clock = clock;
	}

	String clientId() {
		return this.clientId;
	}

	String deviceAuthorizationEndpoint() {
		return this.tenant.issuer() + "oauth/device/code";
	}

	RouterFunction<ServerResponse> routes() {
		return RouterFunctions.route()
			.POST(DEVICE_CODE_PATH, this::deviceCode)
			.GET(ACTIVATE_PATH, this::activatePage)
			.POST(ACTIVATE_PATH, this::activate)
			.build();
	}

	/** The device code grant of the token endpoint. */
	EmulatedTokenEndpoint.Grant deviceCodeGrant() {
		return this::redeemDeviceCode;
	}

	/** The refresh token grant of the token endpoint, for the desktop client. */
	EmulatedTokenEndpoint.Grant refreshTokenGrant() {
		return this::redeemRefreshToken;
	}

	private Mono<ServerResponse> deviceCode(ServerRequest request) {
		return request.formData().map((form) -> {
			try {
				return startAuthorization(single(form));
			}
			catch (OAuthErrorException ex) {
				return new Answer(ex.status(), ex.body());
			}
		}).flatMap(Answer::render);
	}

	private Answer startAuthorization(Map<String, String> parameters) {
		String client = parameters.get("client_id");
		if (!this.clientId.equals(client)) {
			throw new OAuthErrorException(HttpStatus.UNAUTHORIZED, "unauthorized_client",
					"Unauthorized or unknown client");
		}
		String requestedAudience = parameters.getOrDefault("audience", this.audience);
		if (!this.audience.equals(requestedAudience)) {
			throw new OAuthErrorException(HttpStatus.FORBIDDEN, "access_denied",
					"Service not found: " + requestedAudience);
		}
		String scope = parameters.getOrDefault("scope", "openid");
		for (String one : scope.split(" ")) {
			if (!SCOPES.contains(one)) {
				throw new OAuthErrorException(HttpStatus.BAD_REQUEST, "invalid_scope",
						"The scope " + one + " is not allowed for this client");
			}
		}
		Instant now = this.clock.instant();
		String deviceCode = randomToken(32);
		String userCode = userCode();
		synchronized (this) {
			this.byDeviceCode.values().removeIf((pending) -> !now.isBefore(pending.expiresAt.plus(CODE_LIFETIME)));
			this.byDeviceCode.put(deviceCode, new Pending(userCode, scope, now.plus(CODE_LIFETIME)));
		}
		String verification = this.tenant.issuer() + "activate";
		Map<String, @Nullable Object> body = new LinkedHashMap<>();
		body.put("device_code", deviceCode);
		body.put("user_code", userCode);
		body.put("verification_uri", verification);
		body.put("expires_in", CODE_LIFETIME.toSeconds());
		body.put("interval", INTERVAL.toSeconds());
		body.put("verification_uri_complete",
				UriComponentsBuilder.fromUriString(verification)
					.queryParam("user_code", userCode)
					.build()
					.toUriString());
		return new Answer(HttpStatus.OK, body);
	}

	private Map<String, @Nullable Object> redeemDeviceCode(String client, Map<String, String> parameters) {
		if (!this.clientId.equals(client)) {
			throw new OAuthErrorException(HttpStatus.FORBIDDEN, "unauthorized_client",
					"Grant type '" + GRANT_TYPE + "' not allowed for the client.");
		}
		String deviceCode = parameters.get("device_code");
		if (deviceCode == null || deviceCode.isEmpty()) {
			throw OAuthErrorException.invalidRequest("Missing required parameter: device_code");
		}
		Instant now = this.clock.instant();
		Pending pending;
		String user;
		synchronized (this) {
			pending = this.byDeviceCode.get(deviceCode);
			if (pending == null) {
				throw new OAuthErrorException(HttpStatus.FORBIDDEN, "invalid_grant", "Invalid or expired device code.");
			}
			if (!now.isBefore(pending.expiresAt)) {
				this.byDeviceCode.remove(deviceCode);
				throw new OAuthErrorException(HttpStatus.FORBIDDEN, "expired_token", "The device code has expired.");
			}
			// RFC 8628 §3.5: a client polling faster than the interval is told to slow
			// down, and the interval grows by 5 seconds.
			Instant last = pending.lastPoll;
			pending.lastPoll = now;
			if (last != null && now.isBefore(last.plus(pending.interval).minusSeconds(1))) {
				pending.interval = pending.interval.plusSeconds(5);
				throw new OAuthErrorException(HttpStatus.TOO_MANY_REQUESTS, "slow_down",
						"You are polling faster than allowed. Try again in " + pending.interval.toSeconds()
								+ " seconds.");
			}
			if (pending.denied) {
				this.byDeviceCode.remove(deviceCode);
				throw new OAuthErrorException(HttpStatus.FORBIDDEN, "access_denied", "User refused to authorize.");
			}
			if (pending.user == null) {
				throw new OAuthErrorException(HttpStatus.FORBIDDEN, "authorization_pending",
						"User has yet to authorize device code.");
			}
			// Redeemed once.
			this.byDeviceCode.remove(deviceCode);
			user = pending.user;
		}
		Map<String, @Nullable Object> body = new LinkedHashMap<>();
		body.put("access_token", this.tenant.accessToken(user, client, pending.scope));
		if (pending.scopes().contains("offline_access")) {
			body.put("refresh_token", issueRefreshToken(user, pending.scope, UUID.randomUUID().toString()));
		}
		if (pending.scopes().contains("openid")) {
			body.put("id_token", this.tenant.idToken(user, client));
		}
		body.put("scope", pending.scope);
		body.put("expires_in", this.tenant.tokenLifetime().toSeconds());
		body.put("token_type", "Bearer");
		return body;
	}

	private Map<String, @Nullable Object> redeemRefreshToken(String client, Map<String, String> parameters) {
		String token = parameters.get("refresh_token");
		if (token == null || token.isEmpty()) {
			throw OAuthErrorException.invalidRequest("Missing required parameter: refresh_token");
		}
		RefreshGrant grant;
		String rotated;
		synchronized (this) {
			grant = this.refreshTokens.get(token);
			if (grant == null || !this.clientId.equals(client)) {
				throw new OAuthErrorException(HttpStatus.FORBIDDEN, "invalid_grant",
						"Unknown or invalid refresh token.");
			}
			if (grant.spent) {
				// Reuse detection: a spent token presented again ends the whole sign-in.
				this.refreshTokens.values().removeIf((other) -> other.family.equals(grant.family));
				throw new OAuthErrorException(HttpStatus.FORBIDDEN, "invalid_grant",
						"Unknown or invalid refresh token.");
			}
			grant.spent = true;
			rotated = issueRefreshToken(grant.user, grant.scope, grant.family);
		}
		Map<String, @Nullable Object> body = new LinkedHashMap<>();
		body.put("access_token", this.tenant.accessToken(grant.user, client, grant.scope));
		body.put("refresh_token", rotated);
		body.put("scope", grant.scope);
		body.put("expires_in", this.tenant.tokenLifetime().toSeconds());
		body.put("token_type", "Bearer");
		return body;
	}

	private synchronized String issueRefreshToken(String user, String scope, String family) {
		String token = "v1.D" + randomToken(32);
		this.refreshTokens.put(token, new RefreshGrant(user, scope, family));
		return token;
	}

	/**
	 * The refresh tokens of a user that may still be redeemed, for tests.
	 * @param user the sandbox user
	 * @return how many
	 */
	synchronized long liveRefreshTokens(String user) {
		return this.refreshTokens.values().stream().filter((grant) -> grant.user.equals(user) && !grant.spent).count();
	}

	private Mono<ServerResponse> activatePage(ServerRequest request) {
		String code = request.queryParam("user_code").orElse("");
		StringBuilder form = new StringBuilder();
		form.append("<h1>Sign in to Countersign on your computer</h1>");
		form.append("<p>EMULATED Auth0 tenant: enter the code your terminal shows, pick a sandbox user, and allow ")
			.append(HtmlUtils.htmlEscape(this.clientId))
			.append(" to call Countersign for that user.</p>");
		form.append("<form method=\"post\" action=\"").append(ACTIVATE_PATH).append("\">");
		form.append("<label>Code <input name=\"user_code\" autocomplete=\"off\" value=\"")
			.append(HtmlUtils.htmlEscape(code))
			.append("\"></label> ");
		EmulatedAuthorization.appendUserAndDecision(form);
		return page(HttpStatus.OK, form.toString());
	}

	private Mono<ServerResponse> activate(ServerRequest request) {
		return request.formData().flatMap((form) -> {
			Map<String, String> parameters;
			String user;
			try {
				parameters = single(form);
				user = SandboxUsers.checkName("user", parameters.getOrDefault("user", SandboxUsers.DEFAULT_USER));
			}
			catch (IllegalArgumentException | OAuthErrorException ex) {
				return page(HttpStatus.BAD_REQUEST,
						"<h1>Refused</h1><p>" + HtmlUtils.htmlEscape(ex.getMessage()) + "</p>");
			}
			String code = normalise(parameters.getOrDefault("user_code", ""));
			boolean allow = "allow".equals(parameters.get("decision"));
			Instant now = this.clock.instant();
			synchronized (this) {
				Pending pending = this.byDeviceCode.values()
					.stream()
					.filter((candidate) -> normalise(candidate.userCode).equals(code))
					.findFirst()
					.orElse(null);
				if (pending == null || !now.isBefore(pending.expiresAt) || pending.decided()) {
					return page(HttpStatus.BAD_REQUEST,
							"<h1>Unknown code</h1><p>This code is unknown, expired or already used. Run countersign "
									+ "login again for a new one.</p>");
				}
				if (allow) {
					pending.user = user;
				}
				else {
					pending.denied = true;
				}
			}
			return page(HttpStatus.OK,
					allow ? "<h1>Device approved</h1><p>" + HtmlUtils.htmlEscape(this.clientId) + " now acts for "
							+ HtmlUtils.htmlEscape(user) + ". You can close this window.</p>"
							: "<h1>Device denied</h1><p>Nothing was granted.</p>");
		});
	}

	private static String normalise(String userCode) {
		return userCode.replaceAll("[\\s-]", "").toUpperCase(Locale.ROOT);
	}

	private String userCode() {
		StringBuilder code = new StringBuilder();
		for (int i = 0; i < 8; i++) {
			if (i == 4) {
				code.append('-');
			}
			code.append(USER_CODE_LETTERS.charAt(this.random.nextInt(USER_CODE_LETTERS.length())));
		}
		return code.toString();
	}

	private String randomToken(int bytes) {
		byte[] random = new byte[bytes];
		this.random.nextBytes(random);
		return Base64.getUrlEncoder().withoutPadding().encodeToString(random);
	}

	private static Map<String, String> single(MultiValueMap<String, String> form) {
		Map<String, String> parameters = new LinkedHashMap<>();
		form.forEach((name, values) -> {
			if (values.size() != 1) {
				throw OAuthErrorException.invalidRequest("Parameter " + name + " is included more than once");
			}
			parameters.put(name, values.get(0));
		});
		return parameters;
	}

	private static Mono<ServerResponse> page(HttpStatus status, String body) {
		return ServerResponse.status(status)
			.contentType(new MediaType(MediaType.TEXT_HTML, StandardCharsets.UTF_8))
			.header(HttpHeaders.CACHE_CONTROL, "no-store")
			.bodyValue("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Sandbox device sign-in"
					+ "</title></head><body style=\"font-family: system-ui, sans-serif\">" + body + "</body></html>");
	}

	/**
	 * A device authorization waiting to be approved and redeemed; guarded by the flow.
	 */
	private static final class Pending {

		private final String userCode;

		private final String scope;

		private final Instant expiresAt;

		private Duration interval = INTERVAL;

		private @Nullable Instant lastPoll;

		private @Nullable String user;

		private boolean denied;

		Pending(String userCode, String scope, Instant expiresAt) {
			this.userCode = userCode;
			this.scope = scope;
			this.expiresAt = expiresAt;
		}

		boolean decided() {
			return this.user != null || this.denied;
		}

		Set<String> scopes() {
			return new HashSet<>(List.of(this.scope.split(" ")));
		}

	}

	/** A refresh token of the desktop client; guarded by the flow. */
	private static final class RefreshGrant {

		private final String user;

		private final String scope;

		private final String family;

		private boolean spent;

		RefreshGrant(String user, String scope, String family) {
			this.user = user;
			this.scope = scope;
			this.family = family;
		}

	}

	private record Answer(HttpStatus status, Map<String, @Nullable Object> body) {

		Mono<ServerResponse> render() {
			return ServerResponse.status(this.status)
				.contentType(MediaType.APPLICATION_JSON)
				.cacheControl(CacheControl.noStore())
				.bodyValue(this.body);
		}

	}

}
