package dev.countersign.examples.sandbox;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.test.json.JsonCompareMode;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.reactive.function.BodyInserters;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The emulated Token Vault exchange answers as Auth0 does: each error body, and a
 * provider token for a linked connection.
 */
class EmulatedTokenVaultTests {

	private final Emulations emulations = new Emulations();

	@Test
	void exchangeWhenAdaAndGoogleThenProviderTokenThatTheProviderAccepts() {
		exchange(form("ada", "google-oauth2")).expectStatus()
			.isOk()
			.expectHeader()
			.cacheControl(CacheControl.noStore())
			.expectBody()
			.jsonPath("$.expires_in")
			.isEqualTo(3600)
			.jsonPath("$.token_type")
			.isEqualTo("Bearer")
			.jsonPath("$.issued_token_type")
			.isEqualTo(EmulatedTokenVault.REQUESTED_TOKEN_TYPE)
			.jsonPath("$.scope")
			.isEqualTo(EmulatedTokenVault.SCOPES.get("google-oauth2"));
		String token = accessToken(form("ada", "google-oauth2"));
		assertThat(this.emulations.tokens.check(token, "google-oauth2")).hasValueSatisfying((grant) -> {
			assertThat(grant.user()).isEqualTo("ada");
			assertThat(grant.connection()).isEqualTo("google-oauth2");
		});
		assertThat(this.emulations.tokens.check(token, "github")).isEmpty();
		assertThat(this.emulations.tokens.exchangeCount("ada", "google-oauth2")).isEqualTo(2);
		assertThat(this.emulations.tokens.exchangeCount("ada", "github")).isZero();
	}

	@Test
	void exchangeWhenClientSecretBasicThenSucceeds() {
		MultiValueMap<String, String> form = form("ada", "github");
		form.remove("client_id");
		form.remove("client_secret");
		String basic = Base64.getEncoder()
			.encodeToString((Emulations.CLIENT_ID + ":" + Emulations.CLIENT_SECRET).getBytes(StandardCharsets.UTF_8));
		post(form, (request) -> request.header("Authorization", "Basic " + basic)).expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.access_token")
			.value((String token) -> assertThat(token).startsWith("gho_"));
		assertThat(this.emulations.tokens.exchangeCount("ada", "github")).isEqualTo(1);
	}

	@Test
	void exchangeWhenAnyOtherUserThenBothConnectionsLinked() {
		exchange(form("bob", "github")).expectStatus().isOk();
		exchange(form("bob", "google-oauth2")).expectStatus().isOk();
	}

	@Test
	void exchangeWhenGraceThenFederatedConnectionRefreshTokenNotFound() {
		exchange(form("grace", "google-oauth2")).expectStatus().isUnauthorized().expectBody().json("""
				{"error":"federated_connection_refresh_token_not_found",
				 "error_description":"Federated connection Refresh Token not found."}""", JsonCompareMode.STRICT);
		assertThat(this.emulations.tokens.exchangeCount("grace", "google-oauth2")).isZero();
	}

	@Test
	void exchangeWhenWrongClientSecretThenAccessDenied() {
		MultiValueMap<String, String> form = form("ada", "google-oauth2");
		form.set("client_secret", "guess");
		exchange(form).expectStatus().isUnauthorized().expectBody().json("""
				{"error":"access_denied","error_description":"Unauthorized"}""", JsonCompareMode.STRICT);
		assertThat(this.emulations.tokens.exchangeCount("ada", "google-oauth2")).isZero();
	}

	@Test
	void exchangeWhenUnknownOrMissingClientThenAccessDenied() {
		MultiValueMap<String, String> unknown = form("ada", "google-oauth2");
		unknown.set("client_id", "someone-else");
		exchange(unknown).expectStatus().isUnauthorized().expectBody().jsonPath("$.error").isEqualTo("access_denied");
		MultiValueMap<String, String> missing = form("ada", "google-oauth2");
		missing.remove("client_id");
		missing.remove("client_secret");
		exchange(missing).expectStatus().isUnauthorized().expectBody().jsonPath("$.error").isEqualTo("access_denied");
	}

	@Test
	void exchangeWhenSubjectTokenExpiredThenInvalidGrant() {
		MultiValueMap<String, String> form = form("ada", "google-oauth2");
		this.emulations.clock.advance(Duration.ofHours(24));
		exchange(form).expectStatus().isForbidden().expectBody().json("""
				{"error":"invalid_grant","error_description":"Invalid token: expired"}""", JsonCompareMode.STRICT);
	}

	@Test
	void exchangeWhenSubjectTokenSignedByAnotherKeyThenInvalidGrant() {
		EmulatedTenant impostor = new EmulatedTenant(Emulations.ISSUER, Emulations.AUDIENCE, Duration.ofHours(1),
				this.emulations.clock);
		MultiValueMap<String, String> form = form("ada", "google-oauth2");
		form.set("subject_token", impostor.accessToken("ada", "agent", "openid"));
		exchange(form).expectStatus()
			.isForbidden()
			.expectBody()
			.json("""
					{"error":"invalid_grant","error_description":"Invalid token: bad signature"}""",
					JsonCompareMode.STRICT);
	}

	@Test
	void exchangeWhenSubjectTokenForAnotherAudienceThenInvalidGrant() {
		EmulatedTokenEndpoint endpoint = new EmulatedTokenEndpoint(
				Map.of(Emulations.CLIENT_ID, Emulations.CLIENT_SECRET),
				Map.of(EmulatedTokenVault.GRANT_TYPE, new EmulatedTokenVault(this.emulations.tenant,
						"https://other.example/api", this.emulations.tokens)),
				this.emulations.faults.tokenEndpoint());
		WebTestClient.bindToRouterFunction(endpoint.routes())
			.build()
			.post()
			.uri(EmulatedTokenEndpoint.PATH)
			.contentType(MediaType.APPLICATION_FORM_URLENCODED)
			.body(BodyInserters.fromFormData(form("ada", "google-oauth2")))
			.exchange()
			.expectStatus()
			.isForbidden()
			.expectBody()
			.jsonPath("$.error")
			.isEqualTo("invalid_grant")
			.jsonPath("$.error_description")
			.isEqualTo("Invalid token: unexpected audience");
	}

	@Test
	void exchangeWhenSubjectTokenIsGarbageThenInvalidGrant() {
		MultiValueMap<String, String> form = form("ada", "google-oauth2");
		form.set("subject_token", "not-a-jwt");
		exchange(form).expectStatus().isForbidden().expectBody().jsonPath("$.error").isEqualTo("invalid_grant");
	}

	@Test
	void exchangeWhenGrantTypeUnsupportedThenUnsupportedGrantType() {
		MultiValueMap<String, String> form = form("ada", "google-oauth2");
		form.set("grant_type", "password");
		exchange(form).expectStatus()
			.isBadRequest()
			.expectBody()
			.json("""
					{"error":"unsupported_grant_type","error_description":"Unsupported grant type: password"}""",
					JsonCompareMode.STRICT);
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("invalidRequests")
	void exchangeWhenRequestMalformedThenInvalidRequest(String description,
			Consumer<MultiValueMap<String, String>> change, String expectedDescription) {
		MultiValueMap<String, String> form = form("ada", "google-oauth2");
		change.accept(form);
		exchange(form).expectStatus()
			.isBadRequest()
			.expectBody()
			.jsonPath("$.error")
			.isEqualTo("invalid_request")
			.jsonPath("$.error_description")
			.isEqualTo(expectedDescription);
		assertThat(this.emulations.tokens.exchangeCount("ada", "google-oauth2")).isZero();
	}

	static Stream<Arguments> invalidRequests() {
		return Stream.of(Arguments.of("no grant_type", remove("grant_type"), "Missing required parameter: grant_type"),
				Arguments.of("no subject_token", remove("subject_token"), "Missing required parameter: subject_token"),
				Arguments.of("no subject_token_type", remove("subject_token_type"),
						"Missing required parameter: subject_token_type"),
				Arguments.of("no requested_token_type", remove("requested_token_type"),
						"Missing required parameter: requested_token_type"),
				Arguments.of("no connection", remove("connection"), "Missing required parameter: connection"),
				Arguments.of("unknown connection", set("connection", "salesforce"), "Unknown connection: salesforce"),
				Arguments.of("other requested_token_type",
						set("requested_token_type", EmulatedTokenVault.ACCESS_TOKEN_TYPE),
						"Unsupported requested_token_type: " + EmulatedTokenVault.ACCESS_TOKEN_TYPE),
				Arguments.of("unknown subject_token_type", set("subject_token_type", "urn:example:jwt"),
						"Unsupported subject_token_type: urn:example:jwt"),
				Arguments.of("unknown parameter", set("scope", "repo"), "Unknown parameter: scope"),
				Arguments.of("repeated parameter",
						(Consumer<MultiValueMap<String, String>>) (form) -> form.add("connection", "github"),
						"Parameter connection is included more than once"));
	}

	@Test
	void exchangeWhenNotFormEncodedThenInvalidRequest() {
		this.emulations.client.post()
			.uri(EmulatedTokenEndpoint.PATH)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"grant_type\":\"" + EmulatedTokenVault.GRANT_TYPE + "\"}")
			.exchange()
			.expectStatus()
			.isBadRequest()
			.expectBody()
			.jsonPath("$.error")
			.isEqualTo("invalid_request");
	}

	@Test
	void exchangeWhenFaultInjectedThenFailsThenRecovers() {
		this.emulations.faults.tokenEndpoint().failNext(1, 503);
		exchange(form("ada", "github")).expectStatus()
			.isEqualTo(503)
			.expectBody()
			.jsonPath("$.error")
			.isEqualTo("temporarily_unavailable");
		exchange(form("ada", "github")).expectStatus().isOk();
		assertThat(this.emulations.tokens.exchangeCount("ada", "github")).isEqualTo(1);
	}

	@Test
	void discoveryThenNamesTokenEndpointAndGrantType() {
		this.emulations.client.get()
			.uri("/auth0/.well-known/openid-configuration")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.token_endpoint")
			.isEqualTo(Emulations.ISSUER + "oauth/token")
			.jsonPath("$.grant_types_supported[0]")
			.isEqualTo(EmulatedTokenVault.GRANT_TYPE);
	}

	private MultiValueMap<String, String> form(String user, String connection) {
		MultiValueMap<String, String> form = new LinkedMultiValueMap<>();
		form.add("grant_type", EmulatedTokenVault.GRANT_TYPE);
		form.add("subject_token", this.emulations.tenant.accessToken(user, "claude-desktop", "openid"));
		form.add("subject_token_type", EmulatedTokenVault.ACCESS_TOKEN_TYPE);
		form.add("requested_token_type", EmulatedTokenVault.REQUESTED_TOKEN_TYPE);
		form.add("connection", connection);
		form.add("client_id", Emulations.CLIENT_ID);
		form.add("client_secret", Emulations.CLIENT_SECRET);
		return form;
	}

	@SuppressWarnings("unchecked")
	private String accessToken(MultiValueMap<String, String> form) {
		return exchange(form).expectStatus()
			.isOk()
			.expectBody(Map.class)
			.returnResult()
			.getResponseBody()
			.get("access_token")
			.toString();
	}

	private WebTestClient.ResponseSpec exchange(MultiValueMap<String, String> form) {
		return post(form, (request) -> {
		});
	}

	private WebTestClient.ResponseSpec post(MultiValueMap<String, String> form,
			Consumer<WebTestClient.RequestBodySpec> customizer) {
		WebTestClient.RequestBodySpec request = this.emulations.client.post()
			.uri(EmulatedTokenEndpoint.PATH)
			.contentType(MediaType.APPLICATION_FORM_URLENCODED);
		customizer.accept(request);
		return request.body(BodyInserters.fromFormData(form)).exchange();
	}

	private static Consumer<MultiValueMap<String, String>> remove(String name) {
		return (form) -> form.remove(name);
	}

	private static Consumer<MultiValueMap<String, String>> set(String name, String value) {
		return (form) -> form.set(name, value);
	}

}
