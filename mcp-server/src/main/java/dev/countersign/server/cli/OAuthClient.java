package dev.countersign.server.cli;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The few OAuth requests of a public desktop client, over the JDK's {@link HttpClient}:
 * metadata discovery, the device authorization request (RFC 8628 §3.1), the device code
 * grant (§3.4) and the refresh token grant (RFC 6749 §6). The client is public: it sends
 * its {@code client_id} and never a secret. Error answers become {@link OAuthException}
 * with the spec's code. Thread-safe.
 */
final class OAuthClient {

	/** RFC 8628 §3.4. */
	static final String DEVICE_CODE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";

	/** How long one request may take. */
	static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(20);

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final HttpClient http;

	private final Duration timeout;

	OAuthClient(HttpClient http, Duration timeout) {
		this.http = http;
		this.timeout = timeout;
	}

	/**
	 * Finds the device authorization and token endpoints in the issuer's OpenID Connect
	 * discovery document, falling back to Auth0's paths ({@code oauth/device/code},
	 * {@code oauth/token}) for what it does not name.
	 * @param issuer the issuer, ending with {@code /}
	 * @return the endpoints
	 */
	Endpoints discover(URI issuer) {
		String base = issuer.toString().endsWith("/") ? issuer.toString() : issuer + "/";
		URI deviceEndpoint = URI.create(base + "oauth/device/code");
		URI tokenEndpoint = URI.create(base + "oauth/token");
		HttpResponse<String> response = send(
				HttpRequest.newBuilder(URI.create(base + ".well-known/openid-configuration"))
					.header("Accept", "application/json")
					.GET(),
				"the issuer's metadata");
		if (response.statusCode() == 200) {
			JsonNode metadata = parse(response, "the issuer's metadata");
			if (!base.equals(metadata.path("issuer").asString(base))) {
				throw new CliException("The metadata at " + base + " names another issuer ("
						+ metadata.path("issuer").asString() + "); check --issuer");
			}
			deviceEndpoint = uri(metadata, "device_authorization_endpoint", deviceEndpoint);
			tokenEndpoint = uri(metadata, "token_endpoint", tokenEndpoint);
		}
		return new Endpoints(deviceEndpoint, tokenEndpoint);
	}

	/**
	 * Reads a Countersign server's protected resource metadata (RFC 9728), first at the
	 * path-inserted address of the MCP endpoint, then at the root.
	 * @param mcpUrl the MCP endpoint, for example {@code http://127.0.0.1:8080/mcp}
	 * @return the resource and its first authorization server
	 */
	ProtectedResource protectedResource(URI mcpUrl) {
		String origin = mcpUrl.getScheme() + "://" + mcpUrl.getRawAuthority();
		String path = (mcpUrl.getRawPath() == null) ? "" : mcpUrl.getRawPath();
		for (String candidate : new String[] { origin + "/.well-known/oauth-protected-resource" + path,
				origin + "/.well-known/oauth-protected-resource" }) {
			HttpResponse<String> response = send(
					HttpRequest.newBuilder(URI.create(candidate)).header("Accept", "application/json").GET(),
					"the server's protected resource metadata");
			if (response.statusCode() == 200) {
				JsonNode metadata = parse(response, "the server's protected resource metadata");
				JsonNode servers = metadata.path("authorization_servers");
				String resource = metadata.path("resource").asString("");
				if (!servers.isArray() || servers.isEmpty() || resource.isEmpty()) {
					throw new CliException(candidate + " names no resource or authorization server; give --issuer and "
							+ "--audience");
				}
				return new ProtectedResource(resource, URI.create(servers.get(0).asString()));
			}
		}
		throw new CliException("No protected resource metadata found for " + mcpUrl + "; give --issuer and --audience");
	}

	/**
	 * Starts a device authorization (RFC 8628 §3.1).
	 * @param endpoint the device authorization endpoint
	 * @param clientId the public client
	 * @param audience the API the tokens are for (Auth0's {@code audience})
	 * @param scope the scopes asked
	 * @return the codes to show and poll with
	 */
	DeviceAuthorization startDeviceAuthorization(URI endpoint, String clientId, String audience, String scope) {
		Map<String, String> form = new LinkedHashMap<>();
		form.put("client_id", clientId);
		form.put("scope", scope);
		form.put("audience", audience);
		JsonNode body = post(endpoint, form, "the device authorization request");
		try {
			Duration interval = Duration.ofSeconds(body.path("interval").asLong(5));
			JsonNode complete = body.get("verification_uri_complete");
			return new DeviceAuthorization(required(body, "device_code"), required(body, "user_code"),
					URI.create(required(body, "verification_uri")),
					(complete != null && complete.isString()) ? URI.create(complete.asString()) : null,
					Duration.ofSeconds(body.path("expires_in").asLong(900)),
					interval.isNegative() || interval.isZero() ? Duration.ofSeconds(5) : interval);
		}
		catch (IllegalArgumentException ex) {
			throw new CliException("The device authorization answer is not usable: " + ex.getMessage());
		}
	}

	/**
	 * Polls the token endpoint with a device code (RFC 8628 §3.4).
	 * @param tokenEndpoint the token endpoint
	 * @param clientId the public client
	 * @param deviceCode the device code
	 * @return the tokens
	 * @throws OAuthException with {@code authorization_pending}, {@code slow_down},
	 * {@code expired_token}, {@code access_denied} or another code
	 */
	TokenResponse redeemDeviceCode(URI tokenEndpoint, String clientId, String deviceCode) {
		Map<String, String> form = new LinkedHashMap<>();
		form.put("grant_type", DEVICE_CODE_GRANT);
		form.put("device_code", deviceCode);
		form.put("client_id", clientId);
		return tokens(post(tokenEndpoint, form, "the token request"));
	}

	/**
	 * Redeems a refresh token (RFC 6749 §6).
	 * @param tokenEndpoint the token endpoint
	 * @param clientId the public client it was issued to
	 * @param refreshToken the refresh token
	 * @return the tokens, with a new refresh token when the server rotates them
	 * @throws OAuthException with the server's code, {@code invalid_grant} when the
	 * refresh token is no longer valid
	 */
	TokenResponse refresh(URI tokenEndpoint, String clientId, String refreshToken) {
		Map<String, String> form = new LinkedHashMap<>();
		form.put("grant_type", "refresh_token");
		form.put("client_id", clientId);
		form.put("refresh_token", refreshToken);
		return tokens(post(tokenEndpoint, form, "the token refresh"));
	}

	private static TokenResponse tokens(JsonNode body) {
		try {
			JsonNode refresh = body.get("refresh_token");
			JsonNode scope = body.get("scope");
			return new TokenResponse(required(body, "access_token"),
					Duration.ofSeconds(body.path("expires_in").asLong(3600)),
					(refresh != null && refresh.isString()) ? refresh.asString() : null,
					(scope != null && scope.isString()) ? scope.asString() : null);
		}
		catch (IllegalArgumentException ex) {
			throw new CliException("The token answer is not usable: " + ex.getMessage());
		}
	}

	private JsonNode post(URI endpoint, Map<String, String> form, String what) {
		String body = form.entrySet()
			.stream()
			.map((entry) -> URLEncoder.encode(entry.getKey(), StandardCharsets.UTF_8) + "="
					+ URLEncoder.encode(entry.getValue(), StandardCharsets.UTF_8))
			.collect(Collectors.joining("&"));
		HttpResponse<String> response = send(HttpRequest.newBuilder(endpoint)
			.header("Content-Type", "application/x-www-form-urlencoded")
			.header("Accept", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(body)), what);
		JsonNode json = parse(response, what);
		if (response.statusCode() / 100 != 2) {
			JsonNode error = json.get("error");
			if (error == null || !error.isString()) {
				throw new CliException(
						endpoint + " answered " + what + " with HTTP " + response.statusCode() + " and no OAuth error");
			}
			throw new OAuthException(response.statusCode(), error.asString(),
					json.path("error_description").asString(""));
		}
		return json;
	}

	private HttpResponse<String> send(HttpRequest.Builder request, String what) {
		try {
			return this.http.send(request.timeout(this.timeout).build(),
					HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
		}
		catch (IOException ex) {
			throw new CliException("Could not reach " + what + " (" + ex.getClass().getSimpleName()
					+ ((ex.getMessage() != null) ? ": " + ex.getMessage() : "") + ")", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new CliException("Interrupted while waiting for " + what, ex);
		}
	}

	private static JsonNode parse(HttpResponse<String> response, String what) {
		try {
			JsonNode json = JSON.readTree(response.body());
			if (json == null || !json.isObject()) {
				throw new CliException(what + " answered HTTP " + response.statusCode() + " without a JSON object");
			}
			return json;
		}
		catch (JacksonException ex) {
			throw new CliException(what + " answered HTTP " + response.statusCode() + " without JSON");
		}
	}

	private static String required(JsonNode body, String field) {
		JsonNode value = body.get(field);
		if (value == null || !value.isString() || value.asString().isEmpty()) {
			throw new IllegalArgumentException(field + " is missing");
		}
		return value.asString();
	}

	private static URI uri(JsonNode metadata, String field, URI fallback) {
		JsonNode value = metadata.get(field);
		return (value != null && value.isString()) ? URI.create(value.asString()) : fallback;
	}

	/**
	 * Where a public client gets and redeems its codes.
	 *
	 * @param deviceAuthorization the device authorization endpoint
	 * @param token the token endpoint
	 */
	record Endpoints(URI deviceAuthorization, URI token) {

	}

	/**
	 * What a Countersign server says about itself (RFC 9728).
	 *
	 * @param resource the resource identifier, which is the API audience
	 * @param authorizationServer the issuer of its tokens
	 */
	record ProtectedResource(String resource, URI authorizationServer) {

	}

	/**
	 * A device authorization answer (RFC 8628 §3.2).
	 *
	 * @param deviceCode the code the client polls with; never shown
	 * @param userCode the code the user types
	 * @param verificationUri where the user types it
	 * @param verificationUriComplete the same with the code filled in, or null
	 * @param expiresIn how long the codes live
	 * @param interval how long to wait between polls
	 */
	record DeviceAuthorization(String deviceCode, String userCode, URI verificationUri,
			@Nullable URI verificationUriComplete, Duration expiresIn, Duration interval) {

		@Override
		public String toString() {
			return "DeviceAuthorization[deviceCode=[redacted], userCode=" + this.userCode + ", verificationUri="
					+ this.verificationUri + "]";
		}

	}

	/**
	 * A token answer.
	 *
	 * @param accessToken the access token
	 * @param expiresIn its lifetime
	 * @param refreshToken a (new) refresh token, or null
	 * @param scope the scopes granted, or null
	 */
	record TokenResponse(String accessToken, Duration expiresIn, @Nullable String refreshToken,
			@Nullable String scope) {

		@Override
		public String toString() {
			return "TokenResponse[accessToken=[redacted], expiresIn=" + this.expiresIn + ", refreshToken="
					+ ((this.refreshToken != null) ? "[redacted]" : "none") + ", scope=" + this.scope + "]";
		}

	}

}
