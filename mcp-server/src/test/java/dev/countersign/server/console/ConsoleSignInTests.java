package dev.countersign.server.console;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Mono;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseCookie;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.util.UriComponentsBuilder;

import dev.countersign.policy.account.InMemoryRefreshTokenStore;
import dev.countersign.policy.account.RefreshTokenCipher;
import dev.countersign.policy.account.RefreshTokenStore;
import dev.countersign.policy.account.StoredRefreshToken;
import dev.countersign.server.audit.ApprovalAudit;
import dev.countersign.server.auth.Callers;
import dev.countersign.server.web.HttpProperties;
import dev.countersign.server.web.PublicUrls;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The console sign-in against a WireMock tenant that answers like Auth0 (discovery, JWKS,
 * the authorization code grant): what is sent, what is validated, what is stored, and
 * that the refresh token, the code and the client secret never leave.
 */
@ExtendWith(OutputCaptureExtension.class)
class ConsoleSignInTests {

	private static final WireMockServer tenant = new WireMockServer(options().dynamicPort());

	private static final RSAKey KEY = key();

	private static final String AUDIENCE = "https://countersign.example/mcp";

	private static final String CLIENT = "console-app";

	private static final String SECRET = "console-s3cret-canary";

	private static final String USER = "auth0|ada";

	private static final String REFRESH_TOKEN = "v1.MRrt-canary-7f3e";

	private static final String CODE = "code-canary-91ab";

	private static final URI REDIRECT = URI.create("https://countersign.example/console/callback");

	private static String issuer;

	private final RefreshTokenCipher cipher = RefreshTokenCipher.of("k1",
			"0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8));

	private final List<StoredRefreshToken> saved = new CopyOnWriteArrayList<>();

	private final InMemoryRefreshTokenStore memory = new InMemoryRefreshTokenStore();

	private final RefreshTokenStore store = new RefreshTokenStore() {

		@Override
		public Mono<Void> save(StoredRefreshToken token) {
			ConsoleSignInTests.this.saved.add(token);
			return ConsoleSignInTests.this.memory.save(token);
		}

		@Override
		public Mono<StoredRefreshToken> find(String user) {
			return ConsoleSignInTests.this.memory.find(user);
		}

		@Override
		public Mono<Boolean> delete(String user) {
			return ConsoleSignInTests.this.memory.delete(user);
		}

	};

	private WebTestClient client;

	@BeforeAll
	static void startTenant() {
		tenant.start();
		issuer = "http://localhost:" + tenant.port() + "/";
	}

	@AfterAll
	static void stopTenant() {
		tenant.stop();
	}

	@BeforeEach
	void setUp() {
		tenant.resetAll();
		tenant.stubFor(get(urlEqualTo("/.well-known/openid-configuration")).willReturn(aResponse()
			.withHeader("Content-Type", "application/json")
			.withBody("{\"issuer\":\"" + issuer + "\",\"authorization_endpoint\":\"" + issuer
					+ "authorize\",\"token_endpoint\":\"" + issuer + "oauth/token\",\"jwks_uri\":\"" + issuer
					+ ".well-known/jwks.json\",\"response_types_supported\":[\"code\"],"
					+ "\"subject_types_supported\":[\"public\"],\"id_token_signing_alg_values_supported\":[\"RS256\"]}")));
		tenant.stubFor(get(urlEqualTo("/.well-known/jwks.json"))
			.willReturn(aResponse().withHeader("Content-Type", "application/json")
				.withBody(new JWKSet(KEY.toPublicJWK()).toString())));
		NimbusReactiveJwtDecoder decoder = NimbusReactiveJwtDecoder.withJwkSetUri(issuer + ".well-known/jwks.json")
			.build();
		decoder.setJwtValidator(JwtValidators.createDefaultWithIssuer(issuer));
		ConsoleSignIn signIn = new ConsoleSignIn(
				new ConsoleSignIn.Settings(issuer, AUDIENCE, URI.create(issuer + ".well-known/jwks.json"),
						List.of("RS256"), Duration.ofSeconds(30), CLIENT, SECRET, REDIRECT),
				decoder, new Callers(List.of(CLIENT), "countersign-ciba"), this.cipher, this.store,
				ApprovalAudit.none(), new PublicUrls(new HttpProperties(null, null)), Clock.systemUTC());
		this.client = WebTestClient.bindToRouterFunction(signIn.routes()).build();
	}

	@Test
	void loginThenRedirectsToTheTenantWithPkceS256StateNonceAudienceAndOfflineAccess() {
		Login login = login();

		assertThat(login.location().toString()).startsWith(issuer + "authorize?");
		assertThat(login.query("response_type")).isEqualTo("code");
		assertThat(login.query("client_id")).isEqualTo(CLIENT);
		assertThat(login.query("redirect_uri")).isEqualTo(REDIRECT.toString());
		assertThat(login.query("scope").split(" ")).containsExactlyInAnyOrder("openid", "offline_access",
				"countersign:manage");
		assertThat(login.query("audience")).isEqualTo(AUDIENCE);
		assertThat(login.query("code_challenge_method")).isEqualTo("S256");
		assertThat(login.query("code_challenge")).hasSize(43);
		assertThat(login.query("state")).isNotBlank().isEqualTo(login.cookie().getValue());
		assertThat(login.query("nonce")).isNotBlank();
		assertThat(login.cookie().isHttpOnly()).isTrue();
	}

	@Test
	void callbackWhenTokensValidThenTheRefreshTokenIsStoredSealedAndNothingLeaks(CapturedOutput output) {
		Login login = login();
		tokenEndpointAnswers(tokens(login.query("nonce"), (access) -> {
		}, true));

		String page = callback(login, true).expectStatus()
			.isOk()
			.expectBody(String.class)
			.returnResult()
			.getResponseBody();

		assertThat(page).contains("Sign-in stored").contains(USER).contains("DELETE /api/v1/console/refresh-token");
		assertThat(this.saved).singleElement().satisfies((sealed) -> {
			assertThat(sealed.user()).isEqualTo(USER);
			assertThat(sealed.ciphertext()).doesNotContain(REFRESH_TOKEN);
			assertThat(this.cipher.open(sealed)).isEqualTo(REFRESH_TOKEN);
		});
		// RFC 7636 §4.5: the verifier sent matches the challenge of the redirect
		String body = tenant.findAll(postRequestedFor(urlEqualTo("/oauth/token"))).get(0).getBodyAsString();
		Map<String, List<String>> form = UriComponentsBuilder.fromUriString("/?" + body).build().getQueryParams();
		String verifier = java.net.URLDecoder.decode(form.get("code_verifier").get(0), StandardCharsets.UTF_8);
		assertThat(s256(verifier)).isEqualTo(login.query("code_challenge"));
		assertThat(form.get("grant_type")).containsExactly("authorization_code");
		assertThat(form.get("code")).containsExactly(CODE);
		tenant.verify(postRequestedFor(urlEqualTo("/oauth/token")).withRequestBody(containing("client_secret=")));
		assertThat(page).doesNotContain(REFRESH_TOKEN).doesNotContain(CODE).doesNotContain(SECRET);
		assertThat(output.getAll()).doesNotContain(REFRESH_TOKEN).doesNotContain(CODE).doesNotContain(SECRET);
	}

	@Test
	void callbackWhenNoRefreshTokenThenSaysOfflineAccessWasNotGrantedAndStoresNothing() {
		Login login = login();
		tokenEndpointAnswers(tokens(login.query("nonce"), (access) -> {
		}, false));

		String page = callback(login, true).expectStatus()
			.isForbidden()
			.expectBody(String.class)
			.returnResult()
			.getResponseBody();

		assertThat(page).contains("offline_access").contains("not grant");
		assertThat(this.saved).isEmpty();
	}

	@Test
	void callbackWhenIdTokenNonceIsAnotherSignInsThenRefusedAndNothingStored() {
		Login login = login();
		tokenEndpointAnswers(tokens("another-nonce", (access) -> {
		}, true));

		String page = callback(login, true).expectStatus()
			.isEqualTo(HttpStatus.BAD_GATEWAY)
			.expectBody(String.class)
			.returnResult()
			.getResponseBody();

		assertThat(page).contains("ID token was refused");
		assertThat(this.saved).isEmpty();
	}

	@Test
	void callbackWhenAccessTokenIsForAnotherClientThenRefusedAndNothingStored() {
		Login login = login();
		tokenEndpointAnswers(tokens(login.query("nonce"), (access) -> access.claim("azp", "claude-desktop"), true));

		String page = callback(login, true).expectStatus()
			.isEqualTo(HttpStatus.BAD_GATEWAY)
			.expectBody(String.class)
			.returnResult()
			.getResponseBody();

		assertThat(page).contains("not issued to the console client");
		assertThat(this.saved).isEmpty();
	}

	@Test
	void callbackWhenTheStateCookieIsMissingThenRefusedAndTheStateIsSpent() {
		Login login = login();
		tokenEndpointAnswers(tokens(login.query("nonce"), (access) -> {
		}, true));

		callback(login, false).expectStatus()
			.isBadRequest()
			.expectBody(String.class)
			.value((page) -> assertThat(page).contains("not started in this browser"));
		callback(login, true).expectStatus()
			.isBadRequest()
			.expectBody(String.class)
			.value((page) -> assertThat(page).contains("unknown, was already used"));
		assertThat(this.saved).isEmpty();
		assertThat(tenant.findAll(postRequestedFor(urlEqualTo("/oauth/token")))).isEmpty();
	}

	@Test
	void callbackWhenTheUserDeniedThenSaysSoWithTheErrorCodeOnly() {
		Login login = login();

		String page = this.client.get()
			.uri(URI.create("/console/callback?error=access_denied&error_description=%3Cscript%3E&state="
					+ login.query("state")))
			.cookie(ConsoleSignIn.STATE_COOKIE, login.cookie().getValue())
			.exchange()
			.expectStatus()
			.isForbidden()
			.expectBody(String.class)
			.returnResult()
			.getResponseBody();

		assertThat(page).contains("(access_denied)").doesNotContain("<script>");
		assertThat(this.saved).isEmpty();
	}

	private Login login() {
		EntityExchangeResult<byte[]> result = this.client.get()
			.uri("/console/login")
			.exchange()
			.expectStatus()
			.isSeeOther()
			.expectBody()
			.returnResult();
		URI location = result.getResponseHeaders().getLocation();
		ResponseCookie cookie = result.getResponseCookies().getFirst(ConsoleSignIn.STATE_COOKIE);
		assertThat(cookie).isNotNull();
		return new Login(location, cookie);
	}

	private WebTestClient.ResponseSpec callback(Login login, boolean withCookie) {
		WebTestClient.RequestHeadersSpec<?> request = this.client.get()
			.uri(URI.create("/console/callback?code=" + CODE + "&state=" + login.query("state")));
		if (withCookie) {
			request = request.cookie(ConsoleSignIn.STATE_COOKIE, login.cookie().getValue());
		}
		return request.exchange();
	}

	private void tokenEndpointAnswers(String body) {
		tenant.stubFor(
				post(urlEqualTo("/oauth/token")).willReturn(aResponse().withHeader("Content-Type", "application/json")
					.withHeader(HttpHeaders.CACHE_CONTROL, "no-store")
					.withBody(body)));
	}

	private static String tokens(String nonce, Consumer<JWTClaimsSet.Builder> access, boolean withRefresh) {
		Instant now = Instant.now();
		JWTClaimsSet.Builder accessClaims = new JWTClaimsSet.Builder().issuer(issuer)
			.subject(USER)
			.audience(List.of(AUDIENCE, issuer + "userinfo"))
			.issueTime(Date.from(now))
			.expirationTime(Date.from(now.plusSeconds(600)))
			.claim("azp", CLIENT)
			.claim("scope", "openid offline_access countersign:manage");
		access.accept(accessClaims);
		JWTClaimsSet idClaims = new JWTClaimsSet.Builder().issuer(issuer)
			.subject(USER)
			.audience(CLIENT)
			.issueTime(Date.from(now))
			.expirationTime(Date.from(now.plusSeconds(600)))
			.claim("nonce", nonce)
			.build();
		return "{\"access_token\":\"" + sign(accessClaims.build()) + "\",\"id_token\":\"" + sign(idClaims) + "\","
				+ (withRefresh ? "\"refresh_token\":\"" + REFRESH_TOKEN + "\"," : "")
				+ "\"scope\":\"openid offline_access countersign:manage\",\"expires_in\":86400,\"token_type\":\"Bearer\"}";
	}

	private static String sign(JWTClaimsSet claims) {
		try {
			SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(KEY.getKeyID()).build(),
					claims);
			jwt.sign(new RSASSASigner(KEY));
			return jwt.serialize();
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static String s256(String verifier) {
		try {
			return Base64.getUrlEncoder()
				.withoutPadding()
				.encodeToString(
						MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
		}
		catch (java.security.NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static RSAKey key() {
		try {
			return new RSAKeyGenerator(2048).keyID("tenant-key").generate();
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private record Login(URI location, ResponseCookie cookie) {

		String query(String name) {
			String value = UriComponentsBuilder.fromUri(this.location).build().getQueryParams().getFirst(name);
			return (value != null) ? java.net.URLDecoder.decode(value, StandardCharsets.UTF_8) : null;
		}

	}

}
