package dev.countersign.examples.sandbox;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import com.nimbusds.jwt.JWTClaimsSet;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.util.HtmlUtils;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * The emulated tenant's My Account API for connected accounts (Auth0 docs, "My Account
 * API", connected accounts) under {@code /auth0/me/v1/connected-accounts}, and the
 * provider consent page its {@code connect_uri} leads to.
 *
 * <ul>
 * <li>{@code POST …/connect} {@code {connection, redirect_uri, state, code_challenge,
 * code_challenge_method:"S256"}} → 201 {@code {connect_uri, auth_session,
 * connect_params:{ticket}, expires_in}};</li>
 * <li>{@code GET /auth0/connect?ticket=…} shows "connect your Google account for USER",
 * Allow or Deny; Allow redirects to the {@code redirect_uri} with a single-use
 * {@code connect_code} and the {@code state}, Deny with {@code error=access_denied};</li>
 * <li>{@code POST …/complete} {@code {auth_session, connect_code, redirect_uri,
 * code_verifier}} checks all four (PKCE S256) for the same user and links the account
 * (201, the account);</li>
 * <li>{@code GET …/accounts} → {@code {accounts:[{id, connection, access_type, scopes,
 * created_at}]}}; {@code DELETE …/accounts/{id}} → 204, or 404.</li>
 * </ul>
 * Each call needs a bearer token of this tenant for the audience {@code ISSUER/me/} with
 * the operation's scope ({@code create:}, {@code read:},
 * {@code delete:me:connected_accounts}); otherwise 401 or 403, as problem+json. Sessions
 * live {@value #SESSION_MINUTES} minutes. Thread-safe.
 */
final class EmulatedMyAccount {

	static final String BASE = EmulatedTenant.BASE_PATH + "/me/v1/connected-accounts";

	static final String CONSENT_PATH = EmulatedTenant.BASE_PATH + "/connect";

	static final int SESSION_MINUTES = 5;

	private static final Duration SESSION_LIFETIME = Duration.ofMinutes(SESSION_MINUTES);

	private static final Pattern CHALLENGE = Pattern.compile("[A-Za-z0-9_-]{43}");

	private static final Map<String, String> PROVIDERS = Map.of(EmulatedTokenVault.GOOGLE, "Google",
			EmulatedTokenVault.GITHUB, "GitHub");

	private final EmulatedTenant tenant;

	private final SandboxConnectedAccounts accounts;

	private final Clock clock;

	private final JsonMapper json = JsonMapper.builder().build();

	private final SecureRandom random = new SecureRandom();

	private final Map<String, Session> sessions = new ConcurrentHashMap<>();

	private final Map<String, String> tickets = new ConcurrentHashMap<>();

	EmulatedMyAccount(EmulatedTenant tenant, SandboxConnectedAccounts accounts, Clock clock) {
		this.tenant = tenant;
		this.accounts = accounts;
		this.clock = clock;
	}

	RouterFunction<ServerResponse> routes() {
		return RouterFunctions.route()
			.POST(BASE + "/connect", this::connect)
			.POST(BASE + "/complete", this::complete)
			.GET(BASE + "/accounts", this::list)
			.DELETE(BASE + "/accounts/{id}", this::delete)
			.GET(CONSENT_PATH, this::consentPage)
			.POST(CONSENT_PATH, this::decide)
			.build();
	}

	private Mono<ServerResponse> connect(ServerRequest request) {
		return authorized(request, "create:me:connected_accounts", (user) -> body(request).flatMap((body) -> {
			String connection = body.path("connection").asString("");
			if (!PROVIDERS.containsKey(connection)) {
				return problem(HttpStatus.BAD_REQUEST, "Bad Request", "connection is not enabled for connected "
						+ "accounts: " + (connection.isEmpty() ? "(missing)" : connection));
			}
			String redirectUri = body.path("redirect_uri").asString("");
			String state = body.path("state").asString("");
			String challenge = body.path("code_challenge").asString("");
			if (!absolute(redirectUri)) {
				return problem(HttpStatus.BAD_REQUEST, "Bad Request", "redirect_uri must be an absolute URI");
			}
			if (!"S256".equals(body.path("code_challenge_method").asString(""))
					|| !CHALLENGE.matcher(challenge).matches()) {
				return problem(HttpStatus.BAD_REQUEST, "Bad Request",
						"code_challenge_method must be S256 with a 43-character code_challenge");
			}
			String authSession = random();
			String ticket = random();
			this.sessions.put(authSession, new Session(user, connection, redirectUri, state, challenge, ticket,
					this.clock.instant().plus(SESSION_LIFETIME), null));
			this.tickets.put(ticket, authSession);
			return ServerResponse.status(HttpStatus.CREATED)
				.contentType(MediaType.APPLICATION_JSON)
				.bodyValue(Json.object("connect_uri", this.tenant.issuer() + "connect", "auth_session", authSession,
						"connect_params", Json.object("ticket", ticket), "expires_in", SESSION_LIFETIME.toSeconds()));
		}));
	}

	private Mono<ServerResponse> consentPage(ServerRequest request) {
		Session session = byTicket(request.queryParam("ticket").orElse(""));
		if (session == null) {
			return page(HttpStatus.BAD_REQUEST, "<h1>Connection refused</h1><p>Unknown or expired ticket.</p>");
		}
		String provider = PROVIDERS.get(session.connection());
		return page(HttpStatus.OK,
				"<h1>Connect your " + provider + " account</h1>" + "<p>EMULATED provider consent: " + provider
						+ " asks whether to let the Auth0 tenant keep access for " + "<b>"
						+ HtmlUtils.htmlEscape(SandboxUsers.subject(session.user())) + "</b> ("
						+ HtmlUtils.htmlEscape(EmulatedTokenVault.SCOPES.get(session.connection())) + ").</p>"
						+ "<form method=\"post\" action=\"" + CONSENT_PATH + "\">"
						+ "<input type=\"hidden\" name=\"ticket\" value=\"" + HtmlUtils.htmlEscape(session.ticket())
						+ "\">" + "<button type=\"submit\" name=\"decision\" value=\"allow\">Allow</button> "
						+ "<button type=\"submit\" name=\"decision\" value=\"deny\">Deny</button></form>");
	}

	private Mono<ServerResponse> decide(ServerRequest request) {
		return request.formData().flatMap((form) -> {
			String ticket = form.getFirst("ticket");
			String authSession = (ticket != null) ? this.tickets.remove(ticket) : null;
			Session session = (authSession != null) ? this.sessions.get(authSession) : null;
			if (session == null || expired(session)) {
				return page(HttpStatus.BAD_REQUEST, "<h1>Connection refused</h1><p>Unknown or expired ticket.</p>");
			}
			UriComponentsBuilder back = UriComponentsBuilder.fromUriString(session.redirectUri());
			if ("allow".equals(form.getFirst("decision"))) {
				String code = random().substring(0, 40);
				this.sessions.put(authSession, session.withCode(code));
				back.queryParam("connect_code", code);
			}
			else {
				this.sessions.remove(authSession);
				back.queryParam("error", "access_denied")
					.queryParam("error_description", "The user did not authorize the connection");
			}
			back.queryParam("state", session.state());
			return ServerResponse.status(HttpStatus.FOUND)
				.location(back.encode().build().toUri())
				.header(HttpHeaders.CACHE_CONTROL, "no-store")
				.build();
		});
	}

	private Mono<ServerResponse> complete(ServerRequest request) {
		return authorized(request, "create:me:connected_accounts", (user) -> body(request).flatMap((body) -> {
			String authSession = body.path("auth_session").asString("");
			// a session is completed once, whatever the outcome
			Session session = this.sessions.remove(authSession);
			if (session == null || expired(session) || !session.user().equals(user) || session.code() == null) {
				return problem(HttpStatus.BAD_REQUEST, "Bad Request", "Invalid or expired auth_session");
			}
			String code = body.path("connect_code").asString("");
			String verifier = body.path("code_verifier").asString("");
			if (!MessageDigest.isEqual(code.getBytes(StandardCharsets.US_ASCII),
					session.code().getBytes(StandardCharsets.US_ASCII))
					|| !session.redirectUri().equals(body.path("redirect_uri").asString(""))) {
				return problem(HttpStatus.BAD_REQUEST, "Bad Request", "Invalid connect_code or redirect_uri");
			}
			if (!MessageDigest.isEqual(EmulatedAuthorization.s256(verifier).getBytes(StandardCharsets.US_ASCII),
					session.challenge().getBytes(StandardCharsets.US_ASCII))) {
				return problem(HttpStatus.BAD_REQUEST, "Bad Request", "Failed to verify code_verifier");
			}
			SandboxConnectedAccounts.Account account = this.accounts.connect(user, session.connection());
			return ServerResponse.status(HttpStatus.CREATED)
				.contentType(MediaType.APPLICATION_JSON)
				.bodyValue(json(account));
		}));
	}

	private Mono<ServerResponse> list(ServerRequest request) {
		return authorized(request, "read:me:connected_accounts", (user) -> ServerResponse.ok()
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(
					Json.object("accounts", this.accounts.list(user).stream().map(EmulatedMyAccount::json).toList())));
	}

	private Mono<ServerResponse> delete(ServerRequest request) {
		return authorized(request, "delete:me:connected_accounts",
				(user) -> this.accounts.remove(user, request.pathVariable("id"))
					.map((removed) -> ServerResponse.noContent().build())
					.orElseGet(() -> problem(HttpStatus.NOT_FOUND, "Not Found", "Connected account not found")));
	}

	private static Map<String, @Nullable Object> json(SandboxConnectedAccounts.Account account) {
		return Json.object("id", account.id(), "connection", account.connection(), "access_type", "offline",
				"created_at", Json.seconds(account.createdAt()), "scopes",
				Arrays.asList(EmulatedTokenVault.SCOPES.get(account.connection()).split(" ")));
	}

	private interface Handler {

		Mono<ServerResponse> handle(String user);

	}

	/** The bearer token's user, checked for the My Account audience and the scope. */
	private Mono<ServerResponse> authorized(ServerRequest request, String scope, Handler handler) {
		String header = request.headers().firstHeader(HttpHeaders.AUTHORIZATION);
		if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
			return problem(HttpStatus.UNAUTHORIZED, "Unauthorized", "Missing bearer token");
		}
		JWTClaimsSet claims;
		try {
			claims = this.tenant.verify(header.substring(7).trim(), this.tenant.myAccountAudience());
		}
		catch (EmulatedTenant.RejectedTokenException ex) {
			return problem(HttpStatus.UNAUTHORIZED, "Unauthorized", ex.getMessage());
		}
		Object granted = claims.getClaim("scope");
		List<String> scopes = (granted instanceof String text) ? Arrays.asList(text.split(" ")) : List.of();
		if (!scopes.contains(scope)) {
			return problem(HttpStatus.FORBIDDEN, "Forbidden", "Insufficient scope, expected " + scope);
		}
		String prefix = SandboxUsers.subject("");
		String subject = claims.getSubject();
		if (subject == null || !subject.startsWith(prefix)) {
			return problem(HttpStatus.UNAUTHORIZED, "Unauthorized", "Invalid token: no user subject");
		}
		return handler.handle(subject.substring(prefix.length()));
	}

	private Mono<JsonNode> body(ServerRequest request) {
		return request.bodyToMono(String.class).defaultIfEmpty("{}").map((text) -> {
			try {
				return this.json.readTree(text);
			}
			catch (RuntimeException ex) {
				return this.json.createObjectNode();
			}
		});
	}

	private static boolean absolute(String uri) {
		try {
			return !uri.isEmpty() && new URI(uri).isAbsolute();
		}
		catch (URISyntaxException ex) {
			return false;
		}
	}

	private @Nullable Session byTicket(String ticket) {
		String authSession = this.tickets.get(ticket);
		Session session = (authSession != null) ? this.sessions.get(authSession) : null;
		return (session == null || expired(session)) ? null : session;
	}

	private boolean expired(Session session) {
		return !this.clock.instant().isBefore(session.expiresAt());
	}

	private String random() {
		byte[] bytes = new byte[32];
		this.random.nextBytes(bytes);
		return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
	}

	private static Mono<ServerResponse> problem(HttpStatus status, String title, String detail) {
		return ServerResponse.status(status)
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.bodyValue(Json.object("type", "about:blank", "status", status.value(), "title", title, "detail", detail));
	}

	private static Mono<ServerResponse> page(HttpStatus status, String body) {
		return ServerResponse.status(status)
			.contentType(new MediaType(MediaType.TEXT_HTML, StandardCharsets.UTF_8))
			.header(HttpHeaders.CACHE_CONTROL, "no-store")
			.bodyValue("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Sandbox connect</title>"
					+ "</head><body style=\"font-family: system-ui, sans-serif\">" + body + "</body></html>");
	}

	/** A started connect flow. */
	private record Session(String user, String connection, String redirectUri, String state, String challenge,
			String ticket, Instant expiresAt, @Nullable String code) {

		Session withCode(String code) {
			return new Session(this.user, this.connection, this.redirectUri, this.state, this.challenge, this.ticket,
					this.expiresAt, code);
		}

	}

}
