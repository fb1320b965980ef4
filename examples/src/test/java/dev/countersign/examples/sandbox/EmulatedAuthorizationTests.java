package dev.countersign.examples.sandbox;

import java.net.URI;
import java.util.List;
import java.util.Map;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.reactive.function.BodyInserters;
import org.springframework.web.util.UriComponentsBuilder;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The emulated console sign-in: the consent page, the {@code authorization_code} grant
 * with PKCE, and refresh tokens as Token Vault subjects, strict like Auth0.
 */
class EmulatedAuthorizationTests {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final String VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";

	private static final String SCOPE = "openid offline_access countersign:manage";

	private final Emulations emulations = new Emulations();

	@Test
	void authorizeWhenValidThenConsentPageWithAdaSelectedAndAllow() {
		String page = this.emulations.client.get()
			.uri(URI.create(authorizeUri(VERIFIER, SCOPE)))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(String.class)
			.returnResult()
			.getResponseBody();

		assertThat(page).contains("<option value=\"ada\" selected>ada</option>")
			.contains("<option value=\"grace\">grace</option>")
			.contains("value=\"allow\">Allow</button>");
	}

	@Test
	void authorizeWhenRedirectUriNotRegisteredThenRefusedWithoutRedirect() {
		String uri = authorizeUri(VERIFIER, SCOPE).replace("console/callback", "evil");
		this.emulations.client.get()
			.uri(URI.create(uri))
			.exchange()
			.expectStatus()
			.isBadRequest()
			.expectHeader()
			.doesNotExist("Location");
	}

	@Test
	void authorizeWhenPkcePlainThenRefused() {
		String uri = authorizeUri(VERIFIER, SCOPE).replace("code_challenge_method=S256", "code_challenge_method=plain");
		this.emulations.client.get().uri(URI.create(uri)).exchange().expectStatus().isBadRequest();
	}

	@Test
	void allowThenCodeRedeemsForConsoleTokensWithNonceAndRefreshToken() throws Exception {
		JsonNode tokens = redeem(code("ada", VERIFIER, SCOPE), VERIFIER, Emulations.CONSOLE_CLIENT_ID,
				Emulations.CONSOLE_CLIENT_SECRET)
			.expectStatus()
			.isOk()
			.expectBody(JsonNode.class)
			.returnResult()
			.getResponseBody();

		JWTClaimsSet access = SignedJWT.parse(tokens.get("access_token").asString()).getJWTClaimsSet();
		assertThat(access.getSubject()).isEqualTo("auth0|ada");
		assertThat(access.getAudience()).contains(Emulations.AUDIENCE);
		assertThat(access.getStringClaim("azp")).isEqualTo(Emulations.CONSOLE_CLIENT_ID);
		assertThat(access.getStringClaim("scope")).contains("countersign:manage");
		JWTClaimsSet id = SignedJWT.parse(tokens.get("id_token").asString()).getJWTClaimsSet();
		assertThat(id.getAudience()).containsExactly(Emulations.CONSOLE_CLIENT_ID);
		assertThat(id.getStringClaim("nonce")).isEqualTo("n-1");
		assertThat(tokens.get("refresh_token").asString()).startsWith("v1.");
		assertThat(tokens.get("token_type").asString()).isEqualTo("Bearer");
		assertThat(this.emulations.refreshTokens.issuedTokens())
			.containsExactly(tokens.get("refresh_token").asString());
	}

	@Test
	void allowWhenNoOfflineAccessThenNoRefreshToken() {
		String scope = "openid countersign:manage";
		JsonNode tokens = redeem(code("ada", VERIFIER, scope), VERIFIER, Emulations.CONSOLE_CLIENT_ID,
				Emulations.CONSOLE_CLIENT_SECRET)
			.expectStatus()
			.isOk()
			.expectBody(JsonNode.class)
			.returnResult()
			.getResponseBody();

		assertThat(tokens.has("refresh_token")).isFalse();
		assertThat(this.emulations.refreshTokens.issuedTokens()).isEmpty();
	}

	@Test
	void tokenWhenVerifierDoesNotMatchThenInvalidGrantAndTheCodeIsBurnt() {
		String code = code("ada", VERIFIER, SCOPE);

		redeem(code, "x".repeat(43), Emulations.CONSOLE_CLIENT_ID, Emulations.CONSOLE_CLIENT_SECRET).expectStatus()
			.isForbidden()
			.expectBody()
			.jsonPath("$.error")
			.isEqualTo("invalid_grant")
			.jsonPath("$.error_description")
			.isEqualTo("Failed to verify code verifier");
		redeem(code, VERIFIER, Emulations.CONSOLE_CLIENT_ID, Emulations.CONSOLE_CLIENT_SECRET).expectStatus()
			.isForbidden();
	}

	@Test
	void tokenWhenCodeRedeemedTwiceThenSecondIsInvalidGrant() {
		String code = code("ada", VERIFIER, SCOPE);
		redeem(code, VERIFIER, Emulations.CONSOLE_CLIENT_ID, Emulations.CONSOLE_CLIENT_SECRET).expectStatus().isOk();

		redeem(code, VERIFIER, Emulations.CONSOLE_CLIENT_ID, Emulations.CONSOLE_CLIENT_SECRET).expectStatus()
			.isForbidden()
			.expectBody()
			.jsonPath("$.error")
			.isEqualTo("invalid_grant");
	}

	@Test
	void tokenWhenAnotherClientRedeemsTheCodeThenInvalidGrant() {
		redeem(code("ada", VERIFIER, SCOPE), VERIFIER, Emulations.CLIENT_ID, Emulations.CLIENT_SECRET).expectStatus()
			.isForbidden()
			.expectBody()
			.jsonPath("$.error")
			.isEqualTo("invalid_grant");
	}

	@Test
	void tokenWhenConsoleSecretWrongThenAccessDenied() {
		redeem(code("ada", VERIFIER, SCOPE), VERIFIER, Emulations.CONSOLE_CLIENT_ID, "wrong").expectStatus()
			.isUnauthorized();
	}

	@Test
	void denyThenRedirectsBackWithAccessDeniedAndState() {
		MultiValueMap<String, String> form = consentForm("ada", VERIFIER, SCOPE);
		form.set("decision", "deny");
		URI location = post(form);

		Map<String, List<String>> query = UriComponentsBuilder.fromUri(location).build().getQueryParams();
		assertThat(query.get("error")).containsExactly("access_denied");
		assertThat(query.get("state")).containsExactly("s-1");
		assertThat(query).doesNotContainKey("code");
	}

	@Test
	void vaultWhenRefreshTokenFromItsClientThenProviderTokenAndCounted() {
		String refreshToken = refreshToken("ada");

		vault(refreshToken, Emulations.CONSOLE_CLIENT_ID, Emulations.CONSOLE_CLIENT_SECRET).expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.access_token")
			.isNotEmpty();
		assertThat(this.emulations.refreshTokens.exchangeCount("ada")).isEqualTo(1);
		assertThat(this.emulations.tokens.exchangeCount("ada", "github")).isEqualTo(1);
	}

	@Test
	void vaultWhenRefreshTokenPresentedByAnotherClientThenInvalidGrant() {
		vault(refreshToken("ada"), Emulations.CLIENT_ID, Emulations.CLIENT_SECRET).expectStatus()
			.isForbidden()
			.expectBody()
			.jsonPath("$.error")
			.isEqualTo("invalid_grant");
		assertThat(this.emulations.refreshTokens.exchangeCount("ada")).isZero();
	}

	@Test
	void vaultWhenRefreshTokenUnknownOrRevokedThenInvalidGrant() {
		String refreshToken = refreshToken("ada");
		this.emulations.refreshTokens.revoke(refreshToken);

		for (String token : List.of(refreshToken, "v1.unknown")) {
			vault(token, Emulations.CONSOLE_CLIENT_ID, Emulations.CONSOLE_CLIENT_SECRET).expectStatus()
				.isForbidden()
				.expectBody()
				.json("""
						{"error":"invalid_grant","error_description":"Unknown or invalid refresh token."}""");
		}
	}

	private String refreshToken(String user) {
		return redeem(code(user, VERIFIER, SCOPE), VERIFIER, Emulations.CONSOLE_CLIENT_ID,
				Emulations.CONSOLE_CLIENT_SECRET)
			.expectBody(JsonNode.class)
			.returnResult()
			.getResponseBody()
			.get("refresh_token")
			.asString();
	}

	private WebTestClient.ResponseSpec vault(String refreshToken, String clientId, String secret) {
		MultiValueMap<String, String> form = new LinkedMultiValueMap<>();
		form.add("grant_type", EmulatedTokenVault.GRANT_TYPE);
		form.add("subject_token", refreshToken);
		form.add("subject_token_type", EmulatedTokenVault.REFRESH_TOKEN_TYPE);
		form.add("requested_token_type", EmulatedTokenVault.REQUESTED_TOKEN_TYPE);
		form.add("connection", "github");
		form.add("client_id", clientId);
		form.add("client_secret", secret);
		return token(form);
	}

	private WebTestClient.ResponseSpec redeem(String code, String verifier, String clientId, String secret) {
		MultiValueMap<String, String> form = new LinkedMultiValueMap<>();
		form.add("grant_type", "authorization_code");
		form.add("code", code);
		form.add("redirect_uri", Emulations.CONSOLE_REDIRECT_URI.toString());
		form.add("code_verifier", verifier);
		form.add("client_id", clientId);
		form.add("client_secret", secret);
		return token(form);
	}

	private WebTestClient.ResponseSpec token(MultiValueMap<String, String> form) {
		return this.emulations.client.post()
			.uri(EmulatedTokenEndpoint.PATH)
			.contentType(MediaType.APPLICATION_FORM_URLENCODED)
			.body(BodyInserters.fromFormData(form))
			.exchange();
	}

	private String code(String user, String verifier, String scope) {
		URI location = post(consentForm(user, verifier, scope));
		assertThat(location.toString()).startsWith(Emulations.CONSOLE_REDIRECT_URI.toString());
		Map<String, List<String>> query = UriComponentsBuilder.fromUri(location).build().getQueryParams();
		assertThat(query.get("state")).containsExactly("s-1");
		return query.get("code").get(0);
	}

	private URI post(MultiValueMap<String, String> form) {
		return this.emulations.client.post()
			.uri(EmulatedAuthorization.PATH)
			.contentType(MediaType.APPLICATION_FORM_URLENCODED)
			.body(BodyInserters.fromFormData(form))
			.exchange()
			.expectStatus()
			.isEqualTo(HttpStatus.FOUND)
			.returnResult(Void.class)
			.getResponseHeaders()
			.getLocation();
	}

	private static MultiValueMap<String, String> consentForm(String user, String verifier, String scope) {
		MultiValueMap<String, String> form = new LinkedMultiValueMap<>();
		form.add("response_type", "code");
		form.add("client_id", Emulations.CONSOLE_CLIENT_ID);
		form.add("redirect_uri", Emulations.CONSOLE_REDIRECT_URI.toString());
		form.add("scope", scope);
		form.add("state", "s-1");
		form.add("nonce", "n-1");
		form.add("code_challenge", EmulatedAuthorization.s256(verifier));
		form.add("code_challenge_method", "S256");
		form.add("user", user);
		form.add("decision", "allow");
		return form;
	}

	private static String authorizeUri(String verifier, String scope) {
		return UriComponentsBuilder.fromPath(EmulatedAuthorization.PATH)
			.queryParam("response_type", "code")
			.queryParam("client_id", Emulations.CONSOLE_CLIENT_ID)
			.queryParam("redirect_uri", Emulations.CONSOLE_REDIRECT_URI.toString())
			.queryParam("scope", scope)
			.queryParam("state", "s-1")
			.queryParam("nonce", "n-1")
			.queryParam("code_challenge", EmulatedAuthorization.s256(verifier))
			.queryParam("code_challenge_method", "S256")
			.queryParam("audience", Emulations.AUDIENCE)
			.encode()
			.build()
			.toUriString();
	}

}
