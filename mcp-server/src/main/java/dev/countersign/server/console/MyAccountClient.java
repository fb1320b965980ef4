package dev.countersign.server.console;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.reactive.function.BodyInserters;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * Auth0's My Account API for connected accounts (DESIGN §12), and the token it needs.
 *
 * <ul>
 * <li>{@link #accessToken(String)}: a My Account access token for the user, from the
 * user's console refresh token (Auth0's multi-resource refresh token:
 * {@code grant_type=refresh_token} with {@code audience=https://TENANT/me/} and the
 * connected-accounts scopes), authenticated as the console client the refresh token was
 * issued to.</li>
 * <li>{@link #list}, {@link #connect}, {@link #complete}, {@link #delete}:
 * {@code GET /me/v1/connected-accounts/accounts},
 * {@code POST /me/v1/connected-accounts/connect}, {@code POST …/complete}, {@code DELETE
 * …/accounts/{id}}.</li>
 * </ul>
 * A non-2xx answer is a {@link MyAccountException} with the status and the error code;
 * tokens never appear in one, nor in a log line. Thread-safe.
 */
final class MyAccountClient {

	/** The scopes asked for the My Account token. */
	static final String SCOPES = "create:me:connected_accounts read:me:connected_accounts delete:me:connected_accounts";

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final WebClient http;

	private final URI tokenEndpoint;

	private final String baseUrl;

	private final String audience;

	private final String clientId;

	private final String clientSecret;

	/**
	 * Creates the client.
	 * @param http the WebClient to use
	 * @param tokenEndpoint the tenant's token endpoint
	 * @param baseUrl the My Account API base, {@code https://TENANT/me/v1}
	 * @param audience the My Account API audience, {@code https://TENANT/me/}
	 * @param clientId the console client
	 * @param clientSecret its secret
	 */
	MyAccountClient(WebClient http, URI tokenEndpoint, String baseUrl, String audience, String clientId,
			String clientSecret) {
		this.http = http;
		this.tokenEndpoint = tokenEndpoint;
		this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
		this.audience = audience;
		this.clientId = clientId;
		this.clientSecret = clientSecret;
	}

	/**
	 * A My Account access token for the user of a refresh token.
	 * @param refreshToken the user's console refresh token
	 * @return the access token
	 */
	Mono<String> accessToken(String refreshToken) {
		MultiValueMap<String, String> form = new LinkedMultiValueMap<>();
		form.add("grant_type", "refresh_token");
		form.add("refresh_token", refreshToken);
		form.add("audience", this.audience);
		form.add("scope", SCOPES);
		form.add("client_id", this.clientId);
		form.add("client_secret", this.clientSecret);
		return this.http.post()
			.uri(this.tokenEndpoint)
			.contentType(MediaType.APPLICATION_FORM_URLENCODED)
			.accept(MediaType.APPLICATION_JSON)
			.body(BodyInserters.fromFormData(form))
			.exchangeToMono((response) -> json(response, "token"))
			.timeout(TIMEOUT)
			.map((body) -> {
				JsonNode token = body.get("access_token");
				if (token == null || !token.isString() || token.asString().isEmpty()) {
					throw new MyAccountException(502, "invalid_response", "the token answer had no access_token");
				}
				return token.asString();
			});
	}

	/**
	 * The user's connected accounts.
	 * @param token a My Account token
	 * @return the accounts
	 */
	Mono<List<Account>> list(String token) {
		return this.http.get()
			.uri(this.baseUrl + "/connected-accounts/accounts")
			.headers((headers) -> headers.setBearerAuth(token))
			.accept(MediaType.APPLICATION_JSON)
			.exchangeToMono((response) -> json(response, "list"))
			.timeout(TIMEOUT)
			.map((body) -> {
				List<Account> accounts = new ArrayList<>();
				JsonNode array = body.path("accounts");
				for (JsonNode account : array) {
					accounts.add(Account.of(account));
				}
				return accounts;
			});
	}

	/**
	 * Starts connecting an account.
	 * @param token a My Account token
	 * @param connection the connection, e.g. {@code google-oauth2}
	 * @param redirectUri where the provider's consent returns
	 * @param state the state to get back
	 * @param codeChallenge the PKCE S256 challenge
	 * @return where to send the user, and the session to complete
	 */
	Mono<ConnectStart> connect(String token, String connection, String redirectUri, String state,
			String codeChallenge) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("connection", connection);
		body.put("redirect_uri", redirectUri);
		body.put("state", state);
		body.put("code_challenge", codeChallenge);
		body.put("code_challenge_method", "S256");
		return this.http.post()
			.uri(this.baseUrl + "/connected-accounts/connect")
			.headers((headers) -> headers.setBearerAuth(token))
			.contentType(MediaType.APPLICATION_JSON)
			.accept(MediaType.APPLICATION_JSON)
			.bodyValue(body)
			.exchangeToMono((response) -> json(response, "connect"))
			.timeout(TIMEOUT)
			.map((answer) -> {
				String uri = answer.path("connect_uri").asString("");
				String session = answer.path("auth_session").asString("");
				String ticket = answer.path("connect_params").path("ticket").asString("");
				if (uri.isEmpty() || session.isEmpty() || ticket.isEmpty()) {
					throw new MyAccountException(502, "invalid_response",
							"the connect answer lacked connect_uri, auth_session or connect_params.ticket");
				}
				return new ConnectStart(uri, session, ticket, answer.path("expires_in").asLong(300));
			});
	}

	/**
	 * Completes connecting an account.
	 * @param token a My Account token
	 * @param authSession the session {@link #connect} answered
	 * @param connectCode the code the consent returned
	 * @param redirectUri the redirect URI of {@link #connect}
	 * @param codeVerifier the PKCE verifier
	 * @return the connected account
	 */
	Mono<Account> complete(String token, String authSession, String connectCode, String redirectUri,
			String codeVerifier) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("auth_session", authSession);
		body.put("connect_code", connectCode);
		body.put("redirect_uri", redirectUri);
		body.put("code_verifier", codeVerifier);
		return this.http.post()
			.uri(this.baseUrl + "/connected-accounts/complete")
			.headers((headers) -> headers.setBearerAuth(token))
			.contentType(MediaType.APPLICATION_JSON)
			.accept(MediaType.APPLICATION_JSON)
			.bodyValue(body)
			.exchangeToMono((response) -> json(response, "complete"))
			.timeout(TIMEOUT)
			.map(Account::of);
	}

	/**
	 * Removes a connected account.
	 * @param token a My Account token
	 * @param id the account's id
	 * @return completes when removed
	 */
	Mono<Void> delete(String token, String id) {
		return this.http.delete()
			.uri(this.baseUrl + "/connected-accounts/accounts/{id}", id)
			.headers((headers) -> headers.setBearerAuth(token))
			.exchangeToMono((response) -> response.statusCode().is2xxSuccessful() ? response.releaseBody()
					: json(response, "delete").then())
			.timeout(TIMEOUT);
	}

	private static Mono<JsonNode> json(ClientResponse response, String what) {
		HttpStatusCode status = response.statusCode();
		return response.bodyToMono(String.class).defaultIfEmpty("").map((text) -> {
			JsonNode body;
			try {
				body = text.isEmpty() ? JSON.createObjectNode() : JSON.readTree(text);
			}
			catch (RuntimeException ex) {
				throw new MyAccountException(status.value(), "invalid_response",
						"the " + what + " answer was not JSON (HTTP " + status.value() + ")");
			}
			if (!status.is2xxSuccessful()) {
				// OAuth errors carry error; the My Account API answers problem+json
				// (title)
				String code = body.path("error").asString(body.path("title").asString("http_" + status.value()));
				throw new MyAccountException(status.value(), code,
						"the " + what + " request was refused with HTTP " + status.value() + " (" + code + ")");
			}
			return body;
		});
	}

	/**
	 * A connected account.
	 *
	 * @param id its id
	 * @param connection its connection
	 * @param scopes the scopes the user granted
	 * @param createdAt when it was connected, as sent, or null
	 */
	record Account(String id, String connection, List<String> scopes, @Nullable String createdAt) {

		static Account of(JsonNode json) {
			String id = json.path("id").asString("");
			String connection = json.path("connection").asString("");
			if (id.isEmpty() || connection.isEmpty()) {
				throw new MyAccountException(502, "invalid_response", "an account lacked its id or connection");
			}
			List<String> scopes = new ArrayList<>();
			json.path("scopes").forEach((scope) -> scopes.add(scope.asString()));
			JsonNode created = json.get("created_at");
			return new Account(id, connection, List.copyOf(scopes),
					(created != null && created.isString()) ? created.asString() : null);
		}

	}

	/**
	 * What {@code /connect} answered.
	 *
	 * @param connectUri where to send the user (with the ticket)
	 * @param authSession the session to complete
	 * @param ticket the ticket for the connect URI
	 * @param expiresIn seconds until the ticket expires
	 */
	record ConnectStart(String connectUri, String authSession, String ticket, long expiresIn) {

		@Override
		public String toString() {
			return "ConnectStart[connectUri=" + this.connectUri + ", expiresIn=" + this.expiresIn + "]";
		}

	}

	/** A refused or unreadable My Account answer. */
	static final class MyAccountException extends RuntimeException {

		private static final long serialVersionUID = 1L;

		private final int status;

		private final String code;

		MyAccountException(int status, String code, String message) {
			super(message);
			this.status = status;
			this.code = code;
		}

		int status() {
			return this.status;
		}

		String code() {
			return this.code;
		}

	}

}
