package dev.countersign.examples.sandbox;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import com.nimbusds.jwt.JWTClaimsSet;
import org.junit.jupiter.api.Test;

import org.springframework.http.MediaType;
import org.springframework.test.json.JsonCompareMode;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.reactive.function.BodyInserters;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The emulated CIBA answers as Auth0 does: each error body of {@code /bc-authorize} and
 * of polling, and once approved one token response, redeemed once only.
 */
class EmulatedCibaTests {

	static final String DETAILS = "[ {\"type\": \"" + EmulatedCiba.DETAILS_TYPE
			+ "\",  \"properties\": {\"a1\": \"email_send to 2 recipients\"}, \"batch_digest\": \"9f2c\"} ]";

	private final Emulations emulations = new Emulations();

	@Test
	void pollWhenPendingThenAuthorizationPending() {
		String id = start(authorize("ada"));
		poll(id).expectStatus()
			.isBadRequest()
			.expectBody()
			.json("""
					{"error":"authorization_pending","error_description":"The end-user authorization is pending"}""",
					JsonCompareMode.STRICT);
	}

	@Test
	void pollWhenFasterThanIntervalThenSlowDownAndLaterPendingAgain() {
		String id = start(authorize("ada"));
		poll(id).expectStatus().isBadRequest();
		this.emulations.clock.advance(Duration.ofSeconds(2));
		poll(id).expectStatus()
			.isBadRequest()
			.expectBody()
			.jsonPath("$.error")
			.isEqualTo("slow_down")
			.jsonPath("$.error_description")
			.isNotEmpty();
		this.emulations.clock.advance(Duration.ofSeconds(5));
		poll(id).expectBody().jsonPath("$.error").isEqualTo("authorization_pending");
	}

	@Test
	void pollWhenDeniedThenAccessDenied() {
		String id = start(authorize("ada"));
		assertThat(this.emulations.cibaRequests.decide(id, false)).isPresent();
		poll(id).expectStatus()
			.isBadRequest()
			.expectBody()
			.jsonPath("$.error")
			.isEqualTo("access_denied")
			.jsonPath("$.error_description")
			.isNotEmpty();
	}

	@Test
	void pollWhenPastExpiryThenExpiredToken() {
		MultiValueMap<String, String> form = authorize("ada");
		form.set("requested_expiry", "60");
		String id = start(form);
		this.emulations.clock.advance(Duration.ofSeconds(60));
		poll(id).expectStatus().isBadRequest().expectBody().jsonPath("$.error").isEqualTo("expired_token");
		assertThat(this.emulations.cibaRequests.decide(id, true)).isEmpty();
	}

	@Test
	void pollWhenApprovedThenTokensOnceAndThenInvalidGrant() throws Exception {
		MultiValueMap<String, String> form = authorize("ada");
		form.set("authorization_details", DETAILS);
		String id = start(form);
		this.emulations.cibaRequests.decide(id, true);
		byte[] raw = poll(id).expectStatus().isOk().expectBody().returnResult().getResponseBodyContent();
		String body = new String(raw, StandardCharsets.UTF_8);
		// Echoed byte for byte, whitespace included, so its digest can be compared.
		assertThat(body).contains("\"authorization_details\":" + DETAILS);
		Map<?, ?> json = new tools.jackson.databind.json.JsonMapper().readValue(raw, Map.class);
		assertThat(json.get("token_type")).isEqualTo("Bearer");
		assertThat(json.get("scope")).isEqualTo("openid");
		assertThat(json.get("expires_in")).isEqualTo(86400);
		assertThat(json.get("id_token")).isNotNull();
		JWTClaimsSet claims = this.emulations.tenant.verify((String) json.get("access_token"), "https://api.example");
		assertThat(claims.getSubject()).isEqualTo("auth0|ada");
		assertThat(claims.getStringClaim("azp")).isEqualTo(Emulations.CIBA_CLIENT_ID);
		assertThat(claims.getAudience()).containsExactly("https://api.example");
		assertThat(claims.getIssueTime().toInstant()).isEqualTo(Emulations.START);
		assertThat(claims.getExpirationTime().toInstant()).isEqualTo(Emulations.START.plus(Duration.ofHours(24)));

		this.emulations.clock.advance(Duration.ofSeconds(10));
		poll(id).expectStatus().isBadRequest().expectBody().jsonPath("$.error").isEqualTo("invalid_grant");
		assertThat(this.emulations.cibaRequests.find(id))
			.hasValueSatisfying((request) -> assertThat(request.status()).isEqualTo(CibaRequests.Status.REDEEMED));
	}

	@Test
	void pollWhenUnknownOrOtherClientThenInvalidGrant() {
		poll("no-such-request").expectStatus()
			.isBadRequest()
			.expectBody()
			.jsonPath("$.error")
			.isEqualTo("invalid_grant");
		String id = start(authorize("ada"));
		MultiValueMap<String, String> form = new LinkedMultiValueMap<>();
		form.add("grant_type", EmulatedCiba.GRANT_TYPE);
		form.add("auth_req_id", id);
		form.add("client_id", Emulations.CLIENT_ID);
		form.add("client_secret", Emulations.CLIENT_SECRET);
		post(EmulatedTokenEndpoint.PATH, form).expectStatus()
			.isForbidden()
			.expectBody()
			.jsonPath("$.error")
			.isEqualTo("unauthorized_client");
	}

	@Test
	void authorizeThenAuthReqIdExpiresInAndInterval() {
		MultiValueMap<String, String> form = authorize("ada");
		form.set("requested_expiry", "120");
		form.set("binding_message", "Countersign: 5 actions - 3 email, 2 calendar #7K2Q");
		post(EmulatedCiba.BC_AUTHORIZE_PATH, form).expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.auth_req_id")
			.isNotEmpty()
			.jsonPath("$.expires_in")
			.isEqualTo(120)
			.jsonPath("$.interval")
			.isEqualTo(5);
		assertThat(this.emulations.cibaRequests.pending("ada")).singleElement().satisfies((request) -> {
			assertThat(request.code()).isEqualTo("7K2Q");
			assertThat(request.client()).isEqualTo(Emulations.CIBA_CLIENT_ID);
			assertThat(request.expiresAt()).isEqualTo(Emulations.START.plusSeconds(120));
		});
	}

	@Test
	void authorizeWhenBadBindingMessageThenInvalidBindingMessage() {
		for (String message : new String[] { "<script>alert(1)</script>", "x".repeat(65), "Café #1" }) {
			MultiValueMap<String, String> form = authorize("ada");
			form.set("binding_message", message);
			post(EmulatedCiba.BC_AUTHORIZE_PATH, form).expectStatus()
				.isBadRequest()
				.expectBody()
				.jsonPath("$.error")
				.isEqualTo("invalid_binding_message");
		}
	}

	@Test
	void authorizeWhenNoGuardianThenInvalidRequest() {
		post(EmulatedCiba.BC_AUTHORIZE_PATH, authorize("noguardian")).expectStatus()
			.isBadRequest()
			.expectBody()
			.json("""
					{"error":"invalid_request","error_description":"User does not have a Guardian enrollment"}""",
					JsonCompareMode.STRICT);
	}

	@Test
	void authorizeWhenSixthInAMinuteThenTooManyRequests() {
		for (int i = 0; i < CibaRequests.MAX_PER_MINUTE; i++) {
			post(EmulatedCiba.BC_AUTHORIZE_PATH, authorize("ada")).expectStatus().isOk();
			this.emulations.clock.advance(Duration.ofSeconds(1));
		}
		post(EmulatedCiba.BC_AUTHORIZE_PATH, authorize("ada")).expectStatus()
			.isEqualTo(429)
			.expectBody()
			.jsonPath("$.error")
			.isEqualTo("too_many_requests");
		post(EmulatedCiba.BC_AUTHORIZE_PATH, authorize("bob")).expectStatus().isOk();
		this.emulations.clock.advance(Duration.ofSeconds(56));
		post(EmulatedCiba.BC_AUTHORIZE_PATH, authorize("ada")).expectStatus().isOk();
	}

	@Test
	void authorizeWhenWrongSecretThenAccessDenied() {
		MultiValueMap<String, String> form = authorize("ada");
		form.set("client_secret", "wrong");
		post(EmulatedCiba.BC_AUTHORIZE_PATH, form).expectStatus()
			.isUnauthorized()
			.expectBody()
			.jsonPath("$.error")
			.isEqualTo("access_denied");
		form.set("client_id", Emulations.CLIENT_ID);
		form.set("client_secret", Emulations.CLIENT_SECRET);
		post(EmulatedCiba.BC_AUTHORIZE_PATH, form).expectStatus()
			.isForbidden()
			.expectBody()
			.jsonPath("$.error")
			.isEqualTo("unauthorized_client");
	}

	@Test
	void authorizeWhenClientSecretBasicThenSucceeds() {
		MultiValueMap<String, String> form = authorize("ada");
		form.remove("client_id");
		form.remove("client_secret");
		this.emulations.client.post()
			.uri(EmulatedCiba.BC_AUTHORIZE_PATH)
			.headers((headers) -> headers.setBasicAuth(Emulations.CIBA_CLIENT_ID, Emulations.CIBA_CLIENT_SECRET))
			.contentType(MediaType.APPLICATION_FORM_URLENCODED)
			.body(BodyInserters.fromFormData(form))
			.exchange()
			.expectStatus()
			.isOk();
	}

	@Test
	void authorizeWhenBadParametersThenInvalidRequest() {
		Map<String, String> bad = Map.of("scope", "profile", "login_hint",
				"{\"format\":\"iss_sub\",\"iss\":\"https://other.example/\",\"sub\":\"auth0|ada\"}", "requested_expiry",
				"301", "authorization_details", "[{\"type\":\"other\"}]");
		bad.forEach((name, value) -> {
			MultiValueMap<String, String> form = authorize("ada");
			form.set(name, value);
			post(EmulatedCiba.BC_AUTHORIZE_PATH, form).expectStatus()
				.isBadRequest()
				.expectBody()
				.jsonPath("$.error")
				.isEqualTo("invalid_request");
		});
		for (String details : new String[] { "[]", DETAILS.replace("[ ", "[ {\"type\":\"x\"}, "), "{}",
				DETAILS + " trailing", "[{\"type\":\"" + EmulatedCiba.DETAILS_TYPE + "\",\"type\":\"other\"}]" }) {
			MultiValueMap<String, String> form = authorize("ada");
			form.set("authorization_details", details);
			post(EmulatedCiba.BC_AUTHORIZE_PATH, form).expectStatus().isBadRequest();
		}
		for (String required : new String[] { "audience", "binding_message", "login_hint", "scope" }) {
			MultiValueMap<String, String> form = authorize("ada");
			form.remove(required);
			post(EmulatedCiba.BC_AUTHORIZE_PATH, form).expectStatus()
				.isBadRequest()
				.expectBody()
				.jsonPath("$.error_description")
				.isEqualTo("Missing required parameter: " + required);
		}
	}

	static MultiValueMap<String, String> authorize(String user) {
		MultiValueMap<String, String> form = new LinkedMultiValueMap<>();
		form.add("client_id", Emulations.CIBA_CLIENT_ID);
		form.add("client_secret", Emulations.CIBA_CLIENT_SECRET);
		form.add("scope", "openid");
		form.add("audience", "https://api.example");
		form.add("login_hint",
				"{\"format\":\"iss_sub\",\"iss\":\"" + Emulations.ISSUER + "\",\"sub\":\"auth0|" + user + "\"}");
		form.add("binding_message", "Countersign: 2 actions #AB12");
		return form;
	}

	private String start(MultiValueMap<String, String> form) {
		Map<?, ?> body = post(EmulatedCiba.BC_AUTHORIZE_PATH, form).expectStatus()
			.isOk()
			.expectBody(Map.class)
			.returnResult()
			.getResponseBody();
		return (String) body.get("auth_req_id");
	}

	private WebTestClient.ResponseSpec poll(String authReqId) {
		MultiValueMap<String, String> form = new LinkedMultiValueMap<>();
		form.add("grant_type", EmulatedCiba.GRANT_TYPE);
		form.add("auth_req_id", authReqId);
		form.add("client_id", Emulations.CIBA_CLIENT_ID);
		form.add("client_secret", Emulations.CIBA_CLIENT_SECRET);
		return post(EmulatedTokenEndpoint.PATH, form);
	}

	private WebTestClient.ResponseSpec post(String path, MultiValueMap<String, String> form) {
		return this.emulations.client.post()
			.uri(path)
			.contentType(MediaType.APPLICATION_FORM_URLENCODED)
			.body(BodyInserters.fromFormData(form))
			.exchange();
	}

}
