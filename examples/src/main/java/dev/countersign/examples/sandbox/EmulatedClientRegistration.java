package dev.countersign.examples.sandbox;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * Standard MCP sign-in for the emulated tenant (DESIGN §12): OAuth dynamic client
 * registration (RFC 7591) at {@code POST /auth0/oidc/register}, Auth0's path, and the
 * authorization server metadata (RFC 8414) at
 * {@code /.well-known/oauth-authorization-server/auth0} (path insertion, RFC 8414 §3.1)
 * and the other places in {@link #METADATA_PATHS}, so MCP clients (MCP Inspector,
 * {@code mcp-remote}) find {@code /authorize}, the token endpoint and this registration
 * endpoint by themselves.
 *
 * <p>
 * Registered clients are public ({@code token_endpoint_auth_method=none}: no secret, PKCE
 * S256 instead) and may use only the authorization code grant; their tokens are agent
 * tokens for the Countersign API with {@code azp} = the registered {@code client_id}.
 * Each {@code redirect_uri} must be an absolute {@code https} URI, or {@code http} on a
 * loopback host ({@code localhost}, {@code 127.0.0.1}, {@code [::1]}), without a
 * fragment; anything else is refused with {@code invalid_redirect_uri} naming it. Other
 * metadata errors are {@code invalid_client_metadata} naming the field. At most
 * {@value #MAX_CLIENTS} clients are kept (in memory). Thread-safe.
 *
 * <pre>{@code
 * POST /auth0/oidc/register
 * {"client_name":"MCP Inspector","redirect_uris":["http://localhost:6274/oauth/callback"],
 *  "token_endpoint_auth_method":"none","grant_types":["authorization_code"]}
 * → 201 {"client_id":"dyn-…","client_id_issued_at":…,"redirect_uris":[…],…}
 * }</pre>
 */
final class EmulatedClientRegistration {

	static final String PATH = EmulatedTenant.BASE_PATH + "/oidc/register";

	/**
	 * Where the metadata is served: RFC 8414 §3.1 path insertion for the issuer
	 * {@code …/auth0/} (with and without its trailing slash), the same inside the issuer,
	 * and OIDC discovery by path insertion, as MCP clients try them in turn.
	 */
	static final List<String> METADATA_PATHS = List.of(
			"/.well-known/oauth-authorization-server" + EmulatedTenant.BASE_PATH,
			"/.well-known/oauth-authorization-server" + EmulatedTenant.BASE_PATH + "/",
			EmulatedTenant.BASE_PATH + "/.well-known/oauth-authorization-server",
			"/.well-known/openid-configuration" + EmulatedTenant.BASE_PATH,
			"/.well-known/openid-configuration" + EmulatedTenant.BASE_PATH + "/");

	/** The most clients kept; further registrations are refused. */
	static final int MAX_CLIENTS = 1000;

	/** The grants a registered client may use. */
	static final Set<String> GRANT_TYPES = Set.of(EmulatedAuthorization.GRANT_TYPE);

	private static final int MAX_REDIRECT_URIS = 10;

	private static final int MAX_NAME = 100;

	private static final Set<String> FIELDS = Set.of("redirect_uris", "client_name", "token_endpoint_auth_method",
			"grant_types", "response_types", "scope", "client_uri", "logo_uri", "software_id", "software_version");

	private final EmulatedTenant tenant;

	private final Clock clock;

	private final JsonMapper json = JsonMapper.builder().build();

	private final SecureRandom random = new SecureRandom();

	private final Map<String, Client> clients = new ConcurrentHashMap<>();

	EmulatedClientRegistration(EmulatedTenant tenant, Clock clock) {
		this.tenant = tenant;
		this.clock = clock;
	}

	/**
	 * A registered client.
	 *
	 * @param id its {@code client_id}
	 * @param name its {@code client_name}, or its id when none was given
	 * @param redirectUris its callbacks
	 */
	record Client(String id, String name, Set<URI> redirectUris) {
	}

	/**
	 * Finds a registered client.
	 * @param clientId the client id
	 * @return the client, or empty
	 */
	Optional<Client> find(String clientId) {
		return Optional.ofNullable(this.clients.get(clientId));
	}

	/**
	 * Whether the id names a registered (public) client.
	 * @param clientId the client id
	 * @return true for a client registered here
	 */
	boolean isRegistered(String clientId) {
		return this.clients.containsKey(clientId);
	}

	RouterFunction<ServerResponse> routes() {
		RouterFunctions.Builder routes = RouterFunctions.route().POST(PATH, this::register);
		for (String path : METADATA_PATHS) {
			routes.GET(path, this::metadata);
		}
		return routes.build();
	}

	private Mono<ServerResponse> metadata(ServerRequest request) {
		return ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(this.tenant.metadata());
	}

	private Mono<ServerResponse> register(ServerRequest request) {
		return request.bodyToMono(String.class).defaultIfEmpty("").map((body) -> {
			try {
				return registered(register(body));
			}
			catch (OAuthErrorException ex) {
				return ex;
			}
		})
			.flatMap((answer) -> (answer instanceof OAuthErrorException error)
					? ServerResponse.status(error.status())
						.contentType(MediaType.APPLICATION_JSON)
						.cacheControl(CacheControl.noStore())
						.bodyValue(error.body())
					: ServerResponse.status(HttpStatus.CREATED)
						.contentType(MediaType.APPLICATION_JSON)
						.cacheControl(CacheControl.noStore())
						.bodyValue(answer));
	}

	/**
	 * Registers a client from its metadata document.
	 * @param body the JSON request body
	 * @return the registered client
	 * @throws OAuthErrorException {@code invalid_redirect_uri} or
	 * {@code invalid_client_metadata} (400) saying what was wrong
	 */
	Client register(String body) {
		JsonNode metadata;
		try {
			metadata = this.json.readTree(body);
		}
		catch (JacksonException ex) {
			throw metadataError("the body must be a JSON object of client metadata");
		}
		if (metadata == null || !metadata.isObject()) {
			throw metadataError("the body must be a JSON object of client metadata");
		}
		for (String field : metadata.propertyNames()) {
			if (!FIELDS.contains(field)) {
				throw metadataError("unsupported field " + field);
			}
		}
		Set<URI> redirectUris = redirectUris(metadata.get("redirect_uris"));
		String method = text(metadata, "token_endpoint_auth_method");
		// RFC 7591 §2: the server may register a public client; it says so in its answer
		if (method != null && !"none".equals(method)) {
			throw metadataError("token_endpoint_auth_method must be none: the sandbox registers public clients, "
					+ "which use PKCE instead of a secret, but was " + method);
		}
		List<String> grants = strings(metadata, "grant_types");
		for (String grant : grants) {
			if (!GRANT_TYPES.contains(grant) && !"refresh_token".equals(grant)) {
				throw metadataError(
						"grant_types may contain authorization_code and refresh_token only, but had " + grant);
			}
		}
		for (String type : strings(metadata, "response_types")) {
			if (!"code".equals(type)) {
				throw metadataError("response_types may contain code only, but had " + type);
			}
		}
		String name = text(metadata, "client_name");
		if (name != null && (name.isBlank() || name.length() > MAX_NAME)) {
			throw metadataError("client_name must be 1 to " + MAX_NAME + " characters");
		}
		if (this.clients.size() >= MAX_CLIENTS) {
			throw metadataError("the sandbox keeps at most " + MAX_CLIENTS + " registered clients; restart it");
		}
		String id = "dyn-" + randomId();
		Client client = new Client(id, (name != null) ? name : id, redirectUris);
		this.clients.put(id, client);
		return client;
	}

	private Map<String, @Nullable Object> registered(Client client) {
		return Json.object("client_id", client.id(), "client_id_issued_at", this.clock.instant().getEpochSecond(),
				"client_name", client.name(), "redirect_uris",
				client.redirectUris().stream().map(URI::toString).toList(), "token_endpoint_auth_method", "none",
				"grant_types", List.of(EmulatedAuthorization.GRANT_TYPE), "response_types", List.of("code"));
	}

	private static Set<URI> redirectUris(@Nullable JsonNode node) {
		if (node == null || !node.isArray() || node.isEmpty()) {
			throw new OAuthErrorException(HttpStatus.BAD_REQUEST, "invalid_redirect_uri",
					"redirect_uris is required: a non-empty array of callback URIs");
		}
		if (node.size() > MAX_REDIRECT_URIS) {
			throw new OAuthErrorException(HttpStatus.BAD_REQUEST, "invalid_redirect_uri",
					"redirect_uris may hold at most " + MAX_REDIRECT_URIS + " URIs");
		}
		Set<URI> uris = new LinkedHashSet<>();
		for (JsonNode element : node) {
			if (!element.isString()) {
				throw new OAuthErrorException(HttpStatus.BAD_REQUEST, "invalid_redirect_uri",
						"each of redirect_uris must be a string");
			}
			uris.add(redirectUri(element.asString()));
		}
		return uris;
	}

	/**
	 * Checks one callback: absolute, no fragment, {@code https}, or {@code http} on a
	 * loopback host (RFC 8252 §7.3, §8.3).
	 */
	static URI redirectUri(String value) {
		URI uri;
		try {
			uri = new URI(value);
		}
		catch (URISyntaxException ex) {
			throw badRedirect(value, "it is not a URI");
		}
		if (!uri.isAbsolute() || uri.getHost() == null) {
			throw badRedirect(value, "it must be an absolute URI with a host");
		}
		if (uri.getRawFragment() != null) {
			throw badRedirect(value, "it must not have a fragment");
		}
		if (uri.getRawUserInfo() != null) {
			throw badRedirect(value, "it must not carry user information");
		}
		String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
		if ("https".equals(scheme)) {
			return uri;
		}
		if ("http".equals(scheme) && isLoopback(uri.getHost())) {
			return uri;
		}
		throw badRedirect(value, "it must use https, or http on a loopback host (localhost, 127.0.0.1, [::1])");
	}

	private static boolean isLoopback(String host) {
		if ("localhost".equalsIgnoreCase(host)) {
			return true;
		}
		String literal = (host.startsWith("[") && host.endsWith("]")) ? host.substring(1, host.length() - 1) : host;
		// only IP literals: never resolve a name here
		if (!literal.matches("[0-9.]+") && !literal.contains(":")) {
			return false;
		}
		try {
			return InetAddress.getByName(literal).isLoopbackAddress();
		}
		catch (UnknownHostException ex) {
			return false;
		}
	}

	private static OAuthErrorException badRedirect(String value, String why) {
		String shown = (value.length() <= 200) ? value : value.substring(0, 200) + "…";
		return new OAuthErrorException(HttpStatus.BAD_REQUEST, "invalid_redirect_uri",
				"redirect_uris: " + shown + " is refused: " + why);
	}

	private static @Nullable String text(JsonNode metadata, String field) {
		JsonNode node = metadata.get(field);
		if (node == null || node.isNull()) {
			return null;
		}
		if (!node.isString()) {
			throw metadataError(field + " must be a string");
		}
		return node.asString();
	}

	private static List<String> strings(JsonNode metadata, String field) {
		JsonNode node = metadata.get(field);
		List<String> values = new ArrayList<>();
		if (node == null || node.isNull()) {
			return values;
		}
		if (!node.isArray()) {
			throw metadataError(field + " must be an array of strings");
		}
		for (JsonNode element : node) {
			if (!element.isString()) {
				throw metadataError(field + " must be an array of strings");
			}
			values.add(element.asString());
		}
		return values;
	}

	private static OAuthErrorException metadataError(String description) {
		return new OAuthErrorException(HttpStatus.BAD_REQUEST, "invalid_client_metadata", description);
	}

	private String randomId() {
		byte[] bytes = new byte[16];
		this.random.nextBytes(bytes);
		return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
	}

}
