package dev.countersign.examples.sandbox;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

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

/**
 * The emulated tenant's token endpoint, {@code POST /auth0/oauth/token}: reads the form,
 * authenticates the client ({@code client_secret_post} or {@code client_secret_basic}),
 * or lets a public client name itself for the grants allowed to it only (a client
 * registered by an MCP client: the authorization code; the desktop client of
 * {@code countersign login}: the device code and refresh tokens), and hands the request
 * to the grant named by {@code grant_type}. Errors are Auth0's JSON bodies: a bad client
 * is 401 {@code access_denied}, a missing or repeated parameter 400
 * {@code invalid_request}, an unknown grant 400 {@code unsupported_grant_type}.
 */
final class EmulatedTokenEndpoint {

	static final String PATH = EmulatedTenant.BASE_PATH + "/oauth/token";

	/**
	 * The grants a client registered by an MCP client may use: never Token Vault, CIBA or
	 * anything else that needs a confidential client.
	 */
	static final Set<String> REGISTERED_CLIENT_GRANTS = Set.of(EmulatedAuthorization.GRANT_TYPE);

	private final Map<String, String> clientSecrets;

	private final Map<String, Grant> grants;

	private final ProviderFaults.Faults faults;

	private final Function<String, Set<String>> publicClients;

	/**
	 * Creates the endpoint.
	 * @param clientSecrets the confidential clients, by id
	 * @param grants the grants it serves, by {@code grant_type}
	 * @param faults the faults to consult before answering
	 */
	EmulatedTokenEndpoint(Map<String, String> clientSecrets, Map<String, Grant> grants, ProviderFaults.Faults faults) {
		this(clientSecrets, grants, faults, (client) -> Set.of());
	}

	/**
	 * Creates the endpoint, also for public clients.
	 * @param clientSecrets the confidential clients, by id
	 * @param grants the grants it serves, by {@code grant_type}
	 * @param faults the faults to consult before answering
	 * @param publicClients the grants a public client may use, by client id (empty for a
	 * client that is not public); a public client sends its {@code client_id} and no
	 * secret
	 */
	EmulatedTokenEndpoint(Map<String, String> clientSecrets, Map<String, Grant> grants, ProviderFaults.Faults faults,
			Function<String, Set<String>> publicClients) {
		this.clientSecrets = Map.copyOf(clientSecrets);
		this.grants = Map.copyOf(grants);
		this.faults = faults;
		this.publicClients = publicClients;
	}

	RouterFunction<ServerResponse> routes() {
		return route(PATH, this::dispatch, this.faults);
	}

	/**
	 * Serves another endpoint of the tenant that takes a form from an authenticated
	 * client, such as {@code /bc-authorize}: the same client authentication, parameter
	 * rules and error bodies as the token endpoint.
	 * @param path the path
	 * @param endpoint answers for the authenticated client
	 * @param faults the faults to consult before answering
	 * @return the route
	 */
	RouterFunction<ServerResponse> route(String path, Grant endpoint, ProviderFaults.Faults faults) {
		return RouterFunctions.route()
			.POST(path,
					(request) -> faults.apply(EmulatedTokenEndpoint::fault,
							() -> request.formData()
								.map((form) -> answer(request, form, endpoint))
								.onErrorResume(OAuthErrorException.class, (ex) -> Mono.just(new Answer(ex)))
								.flatMap(Answer::render)))
			.build();
	}

	private Map<String, @Nullable Object> dispatch(String client, Map<String, String> parameters) {
		String grantType = parameters.get("grant_type");
		if (grantType == null || grantType.isEmpty()) {
			throw OAuthErrorException.invalidRequest("Missing required parameter: grant_type");
		}
		Grant grant = this.grants.get(grantType);
		if (grant == null) {
			throw new OAuthErrorException(HttpStatus.BAD_REQUEST, "unsupported_grant_type",
					"Unsupported grant type: " + grantType);
		}
		return grant.grant(client, parameters);
	}

	private Answer answer(ServerRequest request, MultiValueMap<String, String> form, Grant endpoint) {
		MediaType contentType = request.headers().contentType().orElse(null);
		if (contentType == null || !MediaType.APPLICATION_FORM_URLENCODED.isCompatibleWith(contentType)) {
			throw OAuthErrorException.invalidRequest("Content-Type must be application/x-www-form-urlencoded");
		}
		Map<String, String> parameters = new LinkedHashMap<>();
		form.forEach((name, values) -> {
			// RFC 6749 §3.2: request parameters MUST NOT be included more than once.
			if (values.size() != 1) {
				throw OAuthErrorException.invalidRequest("Parameter " + name + " is included more than once");
			}
			parameters.put(name, values.get(0));
		});
		String authorization = request.headers().firstHeader(HttpHeaders.AUTHORIZATION);
		String client;
		String postedId = parameters.get("client_id");
		Set<String> publicGrants = (postedId != null) ? this.publicClients.apply(postedId) : Set.of();
		if (authorization == null && !parameters.containsKey("client_secret") && !publicGrants.isEmpty()) {
			// RFC 6749 §2.3, §3.2.1, RFC 8628 §3.4: a public client identifies itself, no
			// secret
			String grantType = parameters.get("grant_type");
			if (grantType == null || !publicGrants.contains(grantType)) {
				throw new OAuthErrorException(HttpStatus.FORBIDDEN, "unauthorized_client",
						"Grant type '" + grantType + "' not allowed for the client.");
			}
			client = postedId;
		}
		else {
			client = authenticate(authorization, parameters);
		}
		parameters.remove("client_id");
		parameters.remove("client_secret");
		return new Answer(endpoint.grant(client, parameters));
	}

	private String authenticate(@Nullable String authorization, Map<String, String> parameters) {
		String postedId = parameters.get("client_id");
		String postedSecret = parameters.get("client_secret");
		String id;
		String secret;
		if (authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
			// RFC 6749 §2.3: a client MUST NOT use more than one authentication method.
			if (postedSecret != null) {
				throw OAuthErrorException.invalidRequest("Use one client authentication method, not two");
			}
			String[] pair = basic(authorization.substring(6).trim());
			id = pair[0];
			secret = pair[1];
			if (postedId != null && !postedId.equals(id)) {
				throw OAuthErrorException.invalidRequest("client_id does not match the authenticated client");
			}
		}
		else {
			id = postedId;
			secret = postedSecret;
		}
		String expected = (id != null) ? this.clientSecrets.get(id) : null;
		if (expected == null || secret == null || !MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
				secret.getBytes(StandardCharsets.UTF_8))) {
			throw new OAuthErrorException(HttpStatus.UNAUTHORIZED, "access_denied", "Unauthorized");
		}
		return id;
	}

	private static String[] basic(String credentials) {
		String decoded;
		try {
			decoded = new String(Base64.getDecoder().decode(credentials), StandardCharsets.UTF_8);
		}
		catch (IllegalArgumentException ex) {
			throw OAuthErrorException.invalidRequest("Malformed Basic credentials");
		}
		int colon = decoded.indexOf(':');
		if (colon < 0) {
			throw OAuthErrorException.invalidRequest("Malformed Basic credentials");
		}
		// RFC 6749 §2.3.1: the id and secret are form-encoded before Base64.
		try {
			return new String[] { URLDecoder.decode(decoded.substring(0, colon), StandardCharsets.UTF_8),
					URLDecoder.decode(decoded.substring(colon + 1), StandardCharsets.UTF_8) };
		}
		catch (IllegalArgumentException ex) {
			throw OAuthErrorException.invalidRequest("Malformed Basic credentials");
		}
	}

	private static Mono<ServerResponse> fault(int status) {
		String error = (status == 429) ? "too_many_requests" : "temporarily_unavailable";
		return new Answer(new OAuthErrorException(HttpStatus.valueOf(status), error,
				(status == 429) ? "Global limit has been reached" : "Service Unavailable"))
			.render();
	}

	/**
	 * One grant type of the token endpoint.
	 */
	interface Grant {

		/**
		 * Answers a token request of an authenticated client.
		 * @param client the client id
		 * @param parameters the form parameters, without the client's credentials
		 * @return the token response's JSON object
		 * @throws OAuthErrorException to answer an OAuth error
		 */
		Map<String, @Nullable Object> grant(String client, Map<String, String> parameters);

	}

	private static final class Answer {

		private final HttpStatus status;

		private final Map<String, @Nullable Object> body;

		Answer(Map<String, @Nullable Object> body) {
			this.status = HttpStatus.OK;
			this.body = body;
		}

		Answer(OAuthErrorException error) {
			this.status = error.status();
			this.body = error.body();
		}

		Mono<ServerResponse> render() {
			ServerResponse.BodyBuilder builder = ServerResponse.status(this.status)
				.contentType(MediaType.APPLICATION_JSON)
				.cacheControl(CacheControl.noStore())
				.header(HttpHeaders.PRAGMA, "no-cache");
			if (this.status == HttpStatus.UNAUTHORIZED && "access_denied".equals(this.body.get("error"))) {
				builder.header(HttpHeaders.WWW_AUTHENTICATE, "Basic realm=\"oauth\"");
			}
			return builder.bodyValue(this.body);
		}

	}

}
