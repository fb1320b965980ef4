package dev.countersign.examples.sandbox;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.web.util.HtmlUtils;
import org.springframework.web.util.UriComponentsBuilder;

import dev.countersign.server.tool.ToolCatalog;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Standard MCP sign-in end to end (DESIGN §12), as MCP Inspector and {@code mcp-remote}
 * do it with no token pasted anywhere: from the protected resource metadata of
 * {@code /mcp} to the tenant's RFC 8414 metadata, dynamic client registration (RFC 7591),
 * {@code /authorize} with PKCE S256 and the consent page, the authorization code grant
 * for a public client, and a real MCP client calling {@code /mcp} with the token.
 * Negative cases: a wrong PKCE verifier (and the code is then spent), an unregistered
 * redirect URI, refused registrations, and a registered client asking for Token Vault.
 */
class SandboxMcpSignInIT {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final Pattern HIDDEN = Pattern
		.compile("<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]*)\">");

	private static final SecureRandom RANDOM = new SecureRandom();

	private static final String CALLBACK = "http://127.0.0.1:33418/oauth/callback";

	private static RunningSandbox sandbox;

	@BeforeAll
	static void start() {
		sandbox = RunningSandbox.start();
	}

	@AfterAll
	static void stop() {
		sandbox.close();
	}

	@Test
	void clientRegistersSignsInWithPkceAndCallsMcp() throws Exception {
		// 1. discovery, as an MCP client does it after a 401 from /mcp
		HttpResponse<String> unauthorized = send(HttpRequest.newBuilder(URI.create(sandbox.mcpUrl()))
			.header("Content-Type", "application/json")
			.header("Accept", "application/json, text/event-stream")
			.POST(HttpRequest.BodyPublishers.ofString("{}"))
			.build());
		assertThat(unauthorized.statusCode()).isEqualTo(401);
		assertThat(unauthorized.headers().firstValue("WWW-Authenticate").orElseThrow()).contains("resource_metadata=");
		JsonNode resource = json(sandbox.get("/.well-known/oauth-protected-resource/mcp"), 200);
		String issuer = resource.get("authorization_servers").get(0).asString();
		assertThat(issuer).isEqualTo(sandbox.baseUrl() + "/auth0/");
		JsonNode metadata = json(sandbox.get("/.well-known/oauth-authorization-server/auth0"), 200);
		assertThat(metadata.get("issuer").asString()).isEqualTo(issuer);
		assertThat(metadata.get("code_challenge_methods_supported").valueStream().map(JsonNode::asString))
			.containsExactly("S256");
		assertThat(json(sandbox.get("/auth0/.well-known/oauth-authorization-server"), 200)).isEqualTo(metadata);
		assertThat(json(sandbox.get("/auth0/.well-known/openid-configuration"), 200).get("registration_endpoint")
			.asString()).isEqualTo(metadata.get("registration_endpoint").asString());

		// 2. dynamic client registration
		JsonNode registered = json(register("""
				{"client_name":"Inspector <b>test</b>","redirect_uris":["%s"],
				 "token_endpoint_auth_method":"none","grant_types":["authorization_code","refresh_token"],
				 "response_types":["code"]}""".formatted(CALLBACK), metadata), 201);
		String clientId = registered.get("client_id").asString();
		assertThat(registered.get("token_endpoint_auth_method").asString()).isEqualTo("none");
		assertThat(registered.has("client_secret")).isFalse();

		// 3. authorize with PKCE, consent for a seeded user, redirected with a code
		String verifier = verifier();
		String code = authorize(metadata, clientId, CALLBACK, EmulatedAuthorization.s256(verifier), "ada");

		// 4. the authorization code grant, a public client: no secret, the verifier
		HttpResponse<String> token = tokenRequest(metadata,
				Map.of("grant_type", "authorization_code", "code", code, "redirect_uri", CALLBACK, "code_verifier",
						verifier, "client_id", clientId, "resource", sandbox.mcpUrl()));
		JsonNode tokens = json(token, 200);
		String accessToken = tokens.get("access_token").asString();
		JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(accessToken.split("\\.")[1]));
		assertThat(claims.get("azp").asString()).isEqualTo(clientId);
		assertThat(claims.get("sub").asString()).isEqualTo(SandboxUsers.subject("ada"));

		// 5. a real MCP client with that token
		try (SandboxAgent agent = SandboxAgent.connectWithToken(sandbox, accessToken)) {
			assertThat(agent.toolNames()).hasSize(22).contains("deal_list", "github_create_issue");
			JsonNode issues = agent.call("github_list_issues", Map.of("repo", ToolCatalog.EXAMPLE_REPO));
			assertThat(issues.get("issues").isArray()).isTrue();
		}
		// an agent token opens nothing on the config API
		HttpResponse<String> api = send(HttpRequest.newBuilder(URI.create(sandbox.baseUrl() + "/api/v1/routing"))
			.header("Authorization", "Bearer " + accessToken)
			.build());
		assertThat(api.statusCode()).isEqualTo(403);
	}

	@Test
	void wrongPkceVerifierThenRefusedAndTheCodeIsSpent() throws Exception {
		JsonNode metadata = json(sandbox.get("/.well-known/oauth-authorization-server/auth0"), 200);
		String clientId = json(register("{\"redirect_uris\":[\"" + CALLBACK + "\"]}", metadata), 201).get("client_id")
			.asString();
		String verifier = verifier();
		String code = authorize(metadata, clientId, CALLBACK, EmulatedAuthorization.s256(verifier), "grace");

		HttpResponse<String> wrong = tokenRequest(metadata, Map.of("grant_type", "authorization_code", "code", code,
				"redirect_uri", CALLBACK, "code_verifier", verifier(), "client_id", clientId));
		JsonNode error = json(wrong, 403);
		assertThat(error.get("error").asString()).isEqualTo("invalid_grant");
		assertThat(error.get("error_description").asString()).isEqualTo("Failed to verify code verifier");

		HttpResponse<String> retried = tokenRequest(metadata, Map.of("grant_type", "authorization_code", "code", code,
				"redirect_uri", CALLBACK, "code_verifier", verifier, "client_id", clientId));
		assertThat(json(retried, 403).get("error").asString()).isEqualTo("invalid_grant");
	}

	@Test
	void unregisteredRedirectUriThenConsentRefusedAndNoCode() throws Exception {
		JsonNode metadata = json(sandbox.get("/.well-known/oauth-authorization-server/auth0"), 200);
		String clientId = json(register("{\"redirect_uris\":[\"" + CALLBACK + "\"]}", metadata), 201).get("client_id")
			.asString();
		String other = "http://127.0.0.1:33419/steal";
		HttpResponse<String> page = send(
				HttpRequest.newBuilder(authorizeUri(metadata, clientId, other, EmulatedAuthorization.s256(verifier())))
					.build());
		assertThat(page.statusCode()).isEqualTo(400);
		assertThat(page.body()).contains("Callback URL mismatch").contains("not in the list of allowed callback URLs");
		assertThat(page.headers().firstValue("Location")).isEmpty();

		Map<String, String> form = new LinkedHashMap<>(Map.of("response_type", "code", "client_id", clientId,
				"redirect_uri", other, "state", "s1", "code_challenge", EmulatedAuthorization.s256(verifier()),
				"code_challenge_method", "S256", "user", "ada", "decision", "allow"));
		HttpResponse<String> posted = send(
				HttpRequest.newBuilder(URI.create(metadata.get("authorization_endpoint").asString()))
					.header("Content-Type", "application/x-www-form-urlencoded")
					.POST(HttpRequest.BodyPublishers.ofString(encode(form)))
					.build());
		assertThat(posted.statusCode()).isEqualTo(400);
		assertThat(posted.headers().firstValue("Location")).isEmpty();
	}

	@Test
	void registrationWhenMetadataIsUnsafeOrUnsupportedThenRefusedNamingIt() throws Exception {
		JsonNode metadata = json(sandbox.get("/.well-known/oauth-authorization-server/auth0"), 200);
		Map<String, String> refused = new LinkedHashMap<>();
		refused.put("{\"redirect_uris\":[\"http://evil.example/cb\"]}", "invalid_redirect_uri");
		refused.put("{\"redirect_uris\":[\"javascript:alert(1)\"]}", "invalid_redirect_uri");
		refused.put("{\"redirect_uris\":[\"https://app.example/cb#frag\"]}", "invalid_redirect_uri");
		refused.put("{\"redirect_uris\":[]}", "invalid_redirect_uri");
		refused.put("{\"client_name\":\"x\"}", "invalid_redirect_uri");
		refused.put(
				"{\"redirect_uris\":[\"https://app.example/cb\"],\"token_endpoint_auth_method\":\"client_secret_basic\"}",
				"invalid_client_metadata");
		refused.put("{\"redirect_uris\":[\"https://app.example/cb\"],\"grant_types\":[\"client_credentials\"]}",
				"invalid_client_metadata");
		refused.put("not json", "invalid_client_metadata");
		for (Map.Entry<String, String> entry : refused.entrySet()) {
			JsonNode error = json(register(entry.getKey(), metadata), 400);
			assertThat(error.get("error").asString()).as(entry.getKey()).isEqualTo(entry.getValue());
			assertThat(error.get("error_description").asString()).as(entry.getKey()).isNotBlank();
		}
		JsonNode evil = json(register("{\"redirect_uris\":[\"http://evil.example/cb\"]}", metadata), 400);
		assertThat(evil.get("error_description").asString()).contains("http://evil.example/cb")
			.contains("https, or http on a loopback host");
		// https anywhere and http on loopback are fine
		json(register("{\"redirect_uris\":[\"https://app.example/cb\",\"http://localhost:6274/oauth/callback\","
				+ "\"http://[::1]:8000/cb\"]}", metadata), 201);
	}

	@Test
	void registeredPublicClientWhenAskingForTokenVaultOrCibaThenRefused() throws Exception {
		JsonNode metadata = json(sandbox.get("/.well-known/oauth-authorization-server/auth0"), 200);
		String clientId = json(register("{\"redirect_uris\":[\"" + CALLBACK + "\"]}", metadata), 201).get("client_id")
			.asString();
		String agentToken = sandbox.agentToken("agent=" + clientId + "&user=ada");
		HttpResponse<String> vault = tokenRequest(metadata,
				Map.of("grant_type", EmulatedTokenVault.GRANT_TYPE, "subject_token", agentToken, "subject_token_type",
						EmulatedTokenVault.ACCESS_TOKEN_TYPE, "requested_token_type",
						EmulatedTokenVault.REQUESTED_TOKEN_TYPE, "connection", "github", "client_id", clientId));
		assertThat(json(vault, 403).get("error").asString()).isEqualTo("unauthorized_client");
		HttpResponse<String> ciba = send(HttpRequest.newBuilder(URI.create(issuerUrl(metadata) + "bc-authorize"))
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.ofString(encode(
					Map.of("client_id", clientId, "scope", "openid", "login_hint", "{}", "binding_message", "x"))))
			.build());
		assertThat(json(ciba, 403).get("error").asString()).isEqualTo("unauthorized_client");
	}

	private static String authorize(JsonNode metadata, String clientId, String redirectUri, String challenge,
			String user) throws Exception {
		HttpResponse<String> consent = send(
				HttpRequest.newBuilder(authorizeUri(metadata, clientId, redirectUri, challenge)).build());
		assertThat(consent.statusCode()).as(consent.body()).isEqualTo(200);
		assertThat(consent.body()).doesNotContain("<b>test</b>");
		Map<String, String> form = new LinkedHashMap<>();
		Matcher hidden = HIDDEN.matcher(consent.body());
		while (hidden.find()) {
			form.put(HtmlUtils.htmlUnescape(hidden.group(1)), HtmlUtils.htmlUnescape(hidden.group(2)));
		}
		assertThat(form).containsEntry("client_id", clientId).containsEntry("code_challenge", challenge);
		form.put("user", user);
		form.put("decision", "allow");
		HttpResponse<String> redirect = send(
				HttpRequest.newBuilder(URI.create(metadata.get("authorization_endpoint").asString()))
					.header("Content-Type", "application/x-www-form-urlencoded")
					.POST(HttpRequest.BodyPublishers.ofString(encode(form)))
					.build());
		assertThat(redirect.statusCode()).as(redirect.body()).isEqualTo(302);
		URI location = URI.create(redirect.headers().firstValue("Location").orElseThrow());
		assertThat(location.toString()).startsWith(redirectUri + "?");
		Map<String, List<String>> query = UriComponentsBuilder.fromUri(location).build().getQueryParams();
		assertThat(query.get("state")).containsExactly("st-" + clientId.length());
		return query.get("code").get(0);
	}

	private static URI authorizeUri(JsonNode metadata, String clientId, String redirectUri, String challenge) {
		return UriComponentsBuilder.fromUriString(metadata.get("authorization_endpoint").asString())
			.queryParam("response_type", "code")
			.queryParam("client_id", clientId)
			.queryParam("redirect_uri", redirectUri)
			.queryParam("scope", "openid profile email offline_access")
			.queryParam("state", "st-" + clientId.length())
			.queryParam("code_challenge", challenge)
			.queryParam("code_challenge_method", "S256")
			.queryParam("resource", sandbox.mcpUrl())
			.encode()
			.build()
			.toUri();
	}

	private static HttpResponse<String> register(String body, JsonNode metadata) {
		return send(HttpRequest.newBuilder(URI.create(metadata.get("registration_endpoint").asString()))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build());
	}

	private static HttpResponse<String> tokenRequest(JsonNode metadata, Map<String, String> form) {
		return send(HttpRequest.newBuilder(URI.create(metadata.get("token_endpoint").asString()))
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.ofString(encode(form)))
			.build());
	}

	private static String issuerUrl(JsonNode metadata) {
		return metadata.get("issuer").asString();
	}

	private static String verifier() {
		byte[] bytes = new byte[32];
		RANDOM.nextBytes(bytes);
		return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
	}

	private static JsonNode json(HttpResponse<String> response, int status) {
		assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
		return JSON.readTree(response.body());
	}

	private static HttpResponse<String> send(HttpRequest request) {
		return Phone.send(request);
	}

	private static String encode(Map<String, String> form) {
		return form.entrySet()
			.stream()
			.map((entry) -> URLEncoder.encode(entry.getKey(), StandardCharsets.UTF_8) + "="
					+ URLEncoder.encode(entry.getValue(), StandardCharsets.UTF_8))
			.collect(Collectors.joining("&"));
	}

}
