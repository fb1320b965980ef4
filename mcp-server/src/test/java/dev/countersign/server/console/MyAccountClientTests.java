package dev.countersign.server.console;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

import com.github.tomakehurst.wiremock.WireMockServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import org.springframework.web.reactive.function.client.WebClient;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link MyAccountClient} against WireMock standing in for Auth0: the exact refresh-token
 * form (multi-resource refresh token for the My Account audience), the exact connect and
 * complete bodies, the list and delete calls with the bearer token, and Auth0's error
 * bodies kept as typed failures that carry no token.
 */
class MyAccountClientTests {

	private static final WireMockServer auth0 = new WireMockServer(options().dynamicPort());

	private static final String REFRESH_TOKEN = "v1.Mrefresh-token-canary";

	private static final String MY_ACCOUNT_TOKEN = "eyJmy-account-token-canary";

	private MyAccountClient client;

	@BeforeAll
	static void start() {
		auth0.start();
	}

	@AfterAll
	static void stop() {
		auth0.stop();
	}

	@BeforeEach
	void reset() {
		auth0.resetAll();
		String base = "http://127.0.0.1:" + auth0.port();
		this.client = new MyAccountClient(WebClient.create(), URI.create(base + "/oauth/token"), base + "/me/v1/",
				base + "/me/", "console-app", "console-s3cret");
	}

	@Test
	void accessTokenThenRefreshTokenGrantForTheMyAccountAudienceAndScopes() {
		String base = "http://127.0.0.1:" + auth0.port();
		auth0.stubFor(post("/oauth/token")
			.withRequestBody(equalTo("grant_type=refresh_token&refresh_token=v1.Mrefresh-token-canary&audience="
					+ encode(base + "/me/") + "&scope=create%3Ame%3Aconnected_accounts+read%3Ame%3Aconnected_accounts"
					+ "+delete%3Ame%3Aconnected_accounts&client_id=console-app&client_secret=console-s3cret"))
			.willReturn(okJson("""
					{"access_token":"%s","expires_in":600,"scope":"%s","token_type":"Bearer"}"""
				.formatted(MY_ACCOUNT_TOKEN, MyAccountClient.SCOPES))));

		StepVerifier.create(this.client.accessToken(REFRESH_TOKEN)).expectNext(MY_ACCOUNT_TOKEN).verifyComplete();
	}

	@Test
	void accessTokenWhenRefusedThenTypedErrorWithTheCodeAndNoToken() {
		auth0.stubFor(post("/oauth/token").willReturn(aResponse().withStatus(403)
			.withHeader("Content-Type", "application/json")
			.withBody("{\"error\":\"invalid_grant\",\"error_description\":\"Unknown or invalid refresh token.\"}")));

		StepVerifier.create(this.client.accessToken(REFRESH_TOKEN)).expectErrorSatisfies((ex) -> {
			assertThat(ex).isInstanceOf(MyAccountClient.MyAccountException.class);
			MyAccountClient.MyAccountException refused = (MyAccountClient.MyAccountException) ex;
			assertThat(refused.status()).isEqualTo(403);
			assertThat(refused.code()).isEqualTo("invalid_grant");
			assertThat(refused.getMessage()).doesNotContain(REFRESH_TOKEN);
		}).verify();
	}

	@Test
	void connectThenTheDocumentedBodyWithPkceAndTheAnswerRead() {
		auth0.stubFor(post("/me/v1/connected-accounts/connect")
			.withHeader("Authorization", equalTo("Bearer " + MY_ACCOUNT_TOKEN))
			.withRequestBody(equalToJson("""
					{"connection":"google-oauth2","redirect_uri":"https://cs.example/console/connections/callback",
					 "state":"st4te","code_challenge":"E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
					 "code_challenge_method":"S256"}"""))
			.willReturn(aResponse().withStatus(201).withHeader("Content-Type", "application/json").withBody("""
					{"connect_uri":"https://tenant.example/connect","auth_session":"sess-1",
					 "connect_params":{"ticket":"tick-1"},"expires_in":300}""")));

		StepVerifier.create(this.client.connect(MY_ACCOUNT_TOKEN, "google-oauth2",
				"https://cs.example/console/connections/callback", "st4te",
				"E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"))
			.assertNext((start) -> {
				assertThat(start.connectUri()).isEqualTo("https://tenant.example/connect");
				assertThat(start.authSession()).isEqualTo("sess-1");
				assertThat(start.ticket()).isEqualTo("tick-1");
				assertThat(start.expiresIn()).isEqualTo(300);
			})
			.verifyComplete();
	}

	@Test
	void completeListAndDeleteThenTheDocumentedCalls() {
		auth0.stubFor(post("/me/v1/connected-accounts/complete").withRequestBody(equalToJson("""
				{"auth_session":"sess-1","connect_code":"code-1",
				 "redirect_uri":"https://cs.example/console/connections/callback","code_verifier":"verifier-1"}"""))
			.willReturn(aResponse().withStatus(201).withHeader("Content-Type", "application/json").withBody("""
					{"id":"cac_1","connection":"google-oauth2","access_type":"offline",
					 "created_at":"2026-11-23T10:00:00Z","scopes":["openid"]}""")));
		auth0.stubFor(get("/me/v1/connected-accounts/accounts")
			.withHeader("Authorization", equalTo("Bearer " + MY_ACCOUNT_TOKEN))
			.willReturn(okJson("""
					{"accounts":[{"id":"cac_1","connection":"google-oauth2","access_type":"offline",
					 "created_at":"2026-11-23T10:00:00Z","scopes":["openid"]}]}""")));
		auth0.stubFor(delete("/me/v1/connected-accounts/accounts/cac_1").willReturn(aResponse().withStatus(204)));

		StepVerifier
			.create(this.client.complete(MY_ACCOUNT_TOKEN, "sess-1", "code-1",
					"https://cs.example/console/connections/callback", "verifier-1"))
			.expectNext(
					new MyAccountClient.Account("cac_1", "google-oauth2", List.of("openid"), "2026-11-23T10:00:00Z"))
			.verifyComplete();
		StepVerifier.create(this.client.list(MY_ACCOUNT_TOKEN))
			.expectNext(List
				.of(new MyAccountClient.Account("cac_1", "google-oauth2", List.of("openid"), "2026-11-23T10:00:00Z")))
			.verifyComplete();
		StepVerifier.create(this.client.delete(MY_ACCOUNT_TOKEN, "cac_1")).verifyComplete();
		auth0.verify(deleteRequestedFor(urlPathEqualTo("/me/v1/connected-accounts/accounts/cac_1"))
			.withHeader("Authorization", equalTo("Bearer " + MY_ACCOUNT_TOKEN)));
	}

	@Test
	void deleteWhenUnknownThenProblemTitleAsTheCode() {
		auth0.stubFor(delete("/me/v1/connected-accounts/accounts/nope").willReturn(aResponse().withStatus(404)
			.withHeader("Content-Type", "application/problem+json")
			.withBody("{\"type\":\"about:blank\",\"status\":404,\"title\":\"Not Found\",\"detail\":\"gone\"}")));

		StepVerifier.create(this.client.delete(MY_ACCOUNT_TOKEN, "nope")).expectErrorSatisfies((ex) -> {
			MyAccountClient.MyAccountException refused = (MyAccountClient.MyAccountException) ex;
			assertThat(refused.status()).isEqualTo(404);
			assertThat(refused.code()).isEqualTo("Not Found");
			assertThat(refused.getMessage()).doesNotContain(MY_ACCOUNT_TOKEN);
		}).verify();
	}

	private static String encode(String value) {
		return URLEncoder.encode(value, StandardCharsets.UTF_8);
	}

}
