package dev.countersign.examples.sandbox;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

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
 * The emulated tenant's sign-in for the console client and for MCP clients that
 * registered themselves ({@link EmulatedClientRegistration}; the authorization code flow,
 * RFC 6749 §4.1, with PKCE, RFC 7636, and RFC 8707's {@code resource}, which must name
 * the Countersign API): {@code GET /auth0/authorize} shows a tiny consent page where a
 * seeded user is picked (no password: this is a sandbox) and
 * {@code POST /auth0/authorize} redirects back with a code, or with
 * {@code error=access_denied}; the grant {@value #GRANT_TYPE} of the token endpoint
 * redeems the code once, for the client it was issued to, with the same
 * {@code redirect_uri} and a {@code code_verifier} whose S256 matches. It answers an
 * access token for the Countersign API ({@code azp} = the console client), an ID token
 * echoing the nonce, and an opaque refresh token when {@code offline_access} was asked.
 * Thread-safe.
 */
final class EmulatedAuthorization implements EmulatedTokenEndpoint.Grant {

	static final String GRANT_TYPE = "authorization_code";

	static final String PATH = EmulatedTenant.BASE_PATH + "/authorize";

	/** How long a code may wait to be redeemed. */
	static final Duration CODE_LIFETIME = Duration.ofMinutes(5);

	/** The users the consent page lists; {@code ada} first, the default. */
	static final List<String> LISTED_USERS = List.of(SandboxUsers.DEFAULT_USER, SandboxUsers.UNCONNECTED_USER);

	private static final Pattern CHALLENGE = Pattern.compile("[A-Za-z0-9_-]{43}");

	private static final Pattern VERIFIER = Pattern.compile("[A-Za-z0-9._~-]{43,128}");

	private static final Set<String> TOKEN_PARAMETERS = Set.of("grant_type", "code", "redirect_uri", "code_verifier",
			"resource");

	private final EmulatedTenant tenant;

	private final String audience;

	private final Map<String, URI> redirectUris;

	private final @Nullable EmulatedClientRegistration registration;

	private final EmulatedRefreshTokens refreshTokens;

	private final Clock clock;

	private final SecureRandom random = new SecureRandom();

	private final Map<String, Code> codes = new ConcurrentHashMap<>();

	/**
	 * Creates the sign-in.
	 * @param tenant mints the tokens
	 * @param audience the Countersign API identifier, the only {@code audience} served
	 * @param redirectUris the clients that may sign users in, each with its one
	 * registered callback
	 * @param refreshTokens where refresh tokens are issued
	 * @param clock the clock
	 */
	EmulatedAuthorization(EmulatedTenant tenant, String audience, Map<String, URI> redirectUris,
			EmulatedRefreshTokens refreshTokens, Clock clock) {
		this(tenant, audience, redirectUris, null, refreshTokens, clock);
	}

	/**
	 * Creates the sign-in, also for clients registered dynamically (RFC 7591).
	 * @param tenant mints the tokens
	 * @param audience the Countersign API identifier, the only {@code audience} or
	 * {@code resource} served
	 * @param redirectUris the configured clients, each with its one registered callback
	 * @param registration the dynamically registered clients, or null for none
	 * @param refreshTokens where refresh tokens are issued
	 * @param clock the clock
	 */
	EmulatedAuthorization(EmulatedTenant tenant, String audience, Map<String, URI> redirectUris,
			@Nullable EmulatedClientRegistration registration, EmulatedRefreshTokens refreshTokens, Clock clock) {
		this.tenant = tenant;
		this.audience = audience;
		this.redirectUris = Map.copyOf(redirectUris);
		this.registration = registration;
		this.refreshTokens = refreshTokens;
		this.clock = clock;
	}

	/** The client's callbacks, and whether it was registered dynamically. */
	private Clients clients() {
		return (clientId) -> {
			URI configured = this.redirectUris.get(clientId);
			if (configured != null) {
				return new Registered(clientId, Set.of(configured), false);
			}
			if (this.registration == null) {
				return null;
			}
			return this.registration.find(clientId)
				.map((client) -> new Registered(client.name(), client.redirectUris(), true))
				.orElse(null);
		};
	}

	RouterFunction<ServerResponse> routes() {
		return RouterFunctions.route().GET(PATH, this::consentPage).POST(PATH, this::decide).build();
	}

	private Mono<ServerResponse> consentPage(ServerRequest request) {
		Map<String, String> parameters = new LinkedHashMap<>();
		request.queryParams().forEach((name, values) -> parameters.put(name, values.get(0)));
		Request authorization;
		try {
			authorization = Request.parse(parameters, clients(), this.audience);
		}
		catch (IllegalArgumentException ex) {
			return page(HttpStatus.BAD_REQUEST,
					"<h1>Sign-in refused</h1><p>" + HtmlUtils.htmlEscape(ex.getMessage()) + "</p>");
		}
		StringBuilder form = new StringBuilder();
		form.append("<h1>Sign in to ").append(HtmlUtils.htmlEscape(authorization.clientName())).append("</h1>");
		form.append("<p>EMULATED Auth0 tenant: pick a sandbox user. The application asks for <code>")
			.append(HtmlUtils.htmlEscape(authorization.scope()))
			.append("</code>.</p>");
		form.append("<form method=\"post\" action=\"").append(PATH).append("\">");
		authorization.asParameters()
			.forEach((name, value) -> form.append("<input type=\"hidden\" name=\"")
				.append(HtmlUtils.htmlEscape(name))
				.append("\" value=\"")
				.append(HtmlUtils.htmlEscape(value))
				.append("\">"));
		appendUserAndDecision(form);
		return page(HttpStatus.OK, form.toString());
	}

	/**
	 * Ends a consent form: the seeded user to sign in as, and Allow and Deny buttons that
	 * post {@code decision}.
	 * @param form the form so far
	 */
	static void appendUserAndDecision(StringBuilder form) {
		form.append("<label>User <select name=\"user\">");
		for (String user : LISTED_USERS) {
			form.append("<option value=\"")
				.append(user)
				.append('"')
				.append(user.equals(SandboxUsers.DEFAULT_USER) ? " selected" : "")
				.append('>')
				.append(user)
				.append("</option>");
		}
		form.append("</select></label> ");
		form.append("<button type=\"submit\" name=\"decision\" value=\"allow\">Allow</button> ");
		form.append("<button type=\"submit\" name=\"decision\" value=\"deny\">Deny</button></form>");
	}

	private Mono<ServerResponse> decide(ServerRequest request) {
		return request.formData().flatMap((form) -> {
			Map<String, String> parameters;
			Request authorization;
			String user;
			try {
				parameters = single(form);
				authorization = Request.parse(parameters, clients(), this.audience);
				user = SandboxUsers.checkName("user", parameters.getOrDefault("user", SandboxUsers.DEFAULT_USER));
			}
			catch (IllegalArgumentException ex) {
				return page(HttpStatus.BAD_REQUEST,
						"<h1>Sign-in refused</h1><p>" + HtmlUtils.htmlEscape(ex.getMessage()) + "</p>");
			}
			UriComponentsBuilder back = UriComponentsBuilder.fromUri(authorization.redirectUri());
			if (!"allow".equals(parameters.get("decision"))) {
				back.queryParam("error", "access_denied")
					.queryParam("error_description", "User did not authorize the request");
			}
			else {
				String code = code();
				this.codes.put(code, new Code(authorization, user, this.clock.instant().plus(CODE_LIFETIME)));
				back.queryParam("code", code);
			}
			back.queryParam("state", authorization.state());
			return ServerResponse.status(HttpStatus.FOUND)
				.location(back.encode().build().toUri())
				.header(HttpHeaders.CACHE_CONTROL, "no-store")
				.build();
		});
	}

	@Override
	public Map<String, @Nullable Object> grant(String client, Map<String, String> parameters) {
		for (String name : parameters.keySet()) {
			if (!TOKEN_PARAMETERS.contains(name)) {
				throw OAuthErrorException.invalidRequest("Unknown parameter: " + name);
			}
		}
		String codeValue = require(parameters, "code");
		String redirectUri = require(parameters, "redirect_uri");
		String verifier = require(parameters, "code_verifier");
		String resource = parameters.get("resource");
		if (resource != null && !stripSlash(resource).equals(stripSlash(this.audience))) {
			throw new OAuthErrorException(HttpStatus.BAD_REQUEST, "invalid_target", "Service not found: " + resource);
		}
		// RFC 6749 §4.1.2: a code is used once; a second try finds nothing
		Code code = this.codes.remove(codeValue);
		if (code == null || !this.clock.instant().isBefore(code.expiresAt())) {
			throw new OAuthErrorException(HttpStatus.FORBIDDEN, "invalid_grant", "Invalid authorization code");
		}
		Request authorization = code.request();
		if (!authorization.clientId().equals(client)) {
			throw new OAuthErrorException(HttpStatus.FORBIDDEN, "invalid_grant", "Invalid authorization code");
		}
		if (!authorization.redirectUri().toString().equals(redirectUri)) {
			throw new OAuthErrorException(HttpStatus.FORBIDDEN, "invalid_grant", "Redirect URI is wrong. You sent "
					+ redirectUri + ", and we expected " + authorization.redirectUri());
		}
		// RFC 7636 §4.6: BASE64URL(SHA256(ASCII(code_verifier))) == code_challenge
		if (!VERIFIER.matcher(verifier).matches()
				|| !MessageDigest.isEqual(s256(verifier).getBytes(StandardCharsets.US_ASCII),
						authorization.codeChallenge().getBytes(StandardCharsets.US_ASCII))) {
			throw new OAuthErrorException(HttpStatus.FORBIDDEN, "invalid_grant", "Failed to verify code verifier");
		}
		Map<String, @Nullable Object> body = new LinkedHashMap<>();
		body.put("access_token", this.tenant.accessToken(code.user(), client, authorization.scope()));
		if (authorization.scopes().contains("offline_access")) {
			body.put("refresh_token", this.refreshTokens.issue(code.user(), client));
		}
		body.put("id_token", this.tenant.idToken(code.user(), client, authorization.nonce()));
		body.put("scope", authorization.scope());
		body.put("expires_in", this.tenant.tokenLifetime().toSeconds());
		body.put("token_type", "Bearer");
		return body;
	}

	private String code() {
		byte[] bytes = new byte[24];
		this.random.nextBytes(bytes);
		return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
	}

	static String stripSlash(String uri) {
		return uri.endsWith("/") ? uri.substring(0, uri.length() - 1) : uri;
	}

	static String s256(String verifier) {
		try {
			byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
			return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static Map<String, String> single(MultiValueMap<String, String> form) {
		Map<String, String> parameters = new LinkedHashMap<>();
		form.forEach((name, values) -> {
			if (values.size() != 1) {
				throw new IllegalArgumentException("Parameter " + name + " is included more than once");
			}
			parameters.put(name, values.get(0));
		});
		return parameters;
	}

	private static String require(Map<String, String> parameters, String name) {
		String value = parameters.get(name);
		if (value == null || value.isEmpty()) {
			throw OAuthErrorException.invalidRequest("Missing required parameter: " + name);
		}
		return value;
	}

	private static Mono<ServerResponse> page(HttpStatus status, String body) {
		return ServerResponse.status(status)
			.contentType(new MediaType(MediaType.TEXT_HTML, StandardCharsets.UTF_8))
			.header(HttpHeaders.CACHE_CONTROL, "no-store")
			.bodyValue("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Sandbox sign-in</title>"
					+ "</head><body style=\"font-family: system-ui, sans-serif\">" + body + "</body></html>");
	}

	/**
	 * A checked authorization request.
	 *
	 * @param clientId the client
	 * @param clientName what the consent page calls it
	 * @param redirectUri the registered callback asked for
	 * @param scope the scopes asked, space-separated
	 * @param state the client's state
	 * @param nonce the OIDC nonce, or null
	 * @param codeChallenge the PKCE S256 challenge
	 * @param resource the RFC 8707 resource asked for, or null
	 */
	record Request(String clientId, String clientName, URI redirectUri, String scope, String state,
			@Nullable String nonce, String codeChallenge, @Nullable String resource) {

		static Request parse(Map<String, String> parameters, Map<String, URI> redirectUris, String audience) {
			return parse(parameters, (clientId) -> {
				URI registered = redirectUris.get(clientId);
				return (registered != null) ? new Registered(clientId, Set.of(registered), false) : null;
			}, audience);
		}

		static Request parse(Map<String, String> parameters, Clients clients, String audience) {
			String clientId = required(parameters, "client_id");
			Registered registered = clients.find(clientId);
			if (registered == null) {
				throw new IllegalArgumentException("Unknown client: " + clientId);
			}
			String redirectUri = required(parameters, "redirect_uri");
			// RFC 6749 §3.1.2.3 (and OAuth 2.1): exact match against a registered
			// callback
			URI callback = registered.redirectUris()
				.stream()
				.filter((uri) -> uri.toString().equals(redirectUri))
				.findFirst()
				.orElseThrow(() -> new IllegalArgumentException(
						"Callback URL mismatch. " + redirectUri + " is not in the list of allowed callback URLs"));
			if (!"code".equals(required(parameters, "response_type"))) {
				throw new IllegalArgumentException("Unsupported response_type: only code is served");
			}
			// a dynamically registered MCP client may omit scope; it then gets openid
			String scope = registered.dynamic() ? parameters.getOrDefault("scope", "openid")
					: required(parameters, "scope");
			if (scope.isBlank()) {
				scope = "openid";
			}
			if (!registered.dynamic() && !Arrays.asList(scope.split(" ")).contains("openid")) {
				throw new IllegalArgumentException("scope must contain openid");
			}
			String requestedAudience = parameters.get("audience");
			if (requestedAudience != null && !requestedAudience.equals(audience)) {
				throw new IllegalArgumentException("Service not found: " + requestedAudience);
			}
			// RFC 8707: MCP clients name the resource they want a token for
			String resource = parameters.get("resource");
			if (resource != null && !stripSlash(resource).equals(stripSlash(audience))) {
				throw new IllegalArgumentException("Service not found: " + resource);
			}
			String challenge = required(parameters, "code_challenge");
			// RFC 7636 §4.2: the sandbox accepts S256 only, never plain
			if (!"S256".equals(parameters.get("code_challenge_method")) || !CHALLENGE.matcher(challenge).matches()) {
				throw new IllegalArgumentException("code_challenge_method must be S256 with a 43-character challenge");
			}
			return new Request(clientId, registered.name(), callback, scope, required(parameters, "state"),
					parameters.get("nonce"), challenge, resource);
		}

		private static String required(Map<String, String> parameters, String name) {
			String value = parameters.get(name);
			if (value == null || value.isEmpty()) {
				throw new IllegalArgumentException("Missing required parameter: " + name);
			}
			return value;
		}

		List<String> scopes() {
			return Arrays.asList(this.scope.split(" "));
		}

		Map<String, String> asParameters() {
			Map<String, String> parameters = new LinkedHashMap<>();
			parameters.put("response_type", "code");
			parameters.put("client_id", this.clientId);
			parameters.put("redirect_uri", this.redirectUri.toString());
			parameters.put("scope", this.scope);
			parameters.put("state", this.state);
			if (this.nonce != null) {
				parameters.put("nonce", this.nonce);
			}
			parameters.put("code_challenge", this.codeChallenge);
			parameters.put("code_challenge_method", "S256");
			if (this.resource != null) {
				parameters.put("resource", this.resource);
			}
			return parameters;
		}

	}

	/** Looks up a client that may sign users in. */
	interface Clients {

		/**
		 * Finds a client.
		 * @param clientId the client id
		 * @return the client, or null when unknown
		 */
		@Nullable Registered find(String clientId);

	}

	/**
	 * A client that may sign users in.
	 *
	 * @param name what the consent page calls it
	 * @param redirectUris its callbacks
	 * @param dynamic whether it registered itself (RFC 7591)
	 */
	record Registered(String name, Set<URI> redirectUris, boolean dynamic) {
	}

	/** An issued code: single use, short-lived. */
	private record Code(Request request, String user, Instant expiresAt) {

	}

}
