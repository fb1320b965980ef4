package dev.countersign.server.auth;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpHeaders;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;
import org.springframework.security.oauth2.server.resource.web.server.authentication.ServerBearerTokenAuthenticationConverter;
import org.springframework.security.web.server.authentication.ServerAuthenticationConverter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BearerTokenConverterTests {

	private final BearerTokenConverter converter = new BearerTokenConverter();

	@Test
	void bearerTokenIsTakenFromTheAuthorizationHeader() {
		assertThat(outcome(this.converter, "Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhZGEifQ.c2ln"))
			.isEqualTo("token eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhZGEifQ.c2ln");
		assertThat(outcome(this.converter, "bEaReR abc-._~+/==")).isEqualTo("token abc-._~+/==");
	}

	@Test
	void otherSchemesAndNoHeaderCarryNoBearerToken() {
		assertThat(outcome(this.converter, null)).isEqualTo("none");
		assertThat(outcome(this.converter, "Basic YWRhOnNlY3JldA==")).isEqualTo("none");
		assertThat(outcome(this.converter, "")).isEqualTo("none");
	}

	@Test
	void malformedBearerCredentialIsRefusedAsInvalidToken() {
		for (String malformed : List.of("Bearer", "Bearer ", "Bearer  abc", "Bearer abc def", "Bearer a=b", "Bearer ==",
				"Bearer abc\n", "Bearer\tabc", "Bearerabc", "Bearer ab\u00e9", "bearer@ abc")) {
			assertThat(outcome(this.converter, malformed)).as(malformed)
				.isEqualTo("invalid_token Bearer token is malformed");
		}
	}

	@Test
	void tokenInTheQueryStringIsNeverRead() {
		MockServerWebExchange exchange = MockServerWebExchange
			.from(MockServerHttpRequest.get("/mcp").queryParam("access_token", "abc"));
		assertThat(this.converter.convert(exchange).blockOptional(Duration.ofSeconds(1))).isEmpty();
	}

	@Test
	void decidesAsSpringSecuritysOwnConverterDoes() {
		ServerBearerTokenAuthenticationConverter spring = new ServerBearerTokenAuthenticationConverter();
		List<String> values = new ArrayList<>(List.of("Bearer a", "BEARER a", "bearer  a", "Bearer a==", "Bearer =a",
				"Bearer a= ", " Bearer a", "Bearer a\r\n", "Bearer \u212a", "Bearers a", "Bearer a\u0000"));
		Random random = new Random(14);
		String alphabet = "aZ09-._~+/= \t\n=\u00e9\u212aBearer";
		for (int i = 0; i < 20_000; i++) {
			StringBuilder value = new StringBuilder(random.nextBoolean() ? "Bearer " : "bearer");
			int length = random.nextInt(12);
			for (int j = 0; j < length; j++) {
				value.append(alphabet.charAt(random.nextInt(alphabet.length())));
			}
			values.add(value.toString());
		}
		for (String value : values) {
			assertThat(outcome(this.converter, value)).as(value).isEqualTo(outcome(spring, value));
		}
	}

	private static String outcome(ServerAuthenticationConverter converter, String authorization) {
		MockServerHttpRequest.BaseBuilder<?> request = MockServerHttpRequest.post("/mcp");
		if (authorization != null) {
			request.header(HttpHeaders.AUTHORIZATION, authorization);
		}
		Mono<Authentication> converted = converter.convert(MockServerWebExchange.from(request));
		try {
			Authentication authentication = converted.block(Duration.ofSeconds(1));
			return (authentication == null) ? "none"
					: "token " + ((BearerTokenAuthenticationToken) authentication).getToken();
		}
		catch (OAuth2AuthenticationException ex) {
			return ex.getError().getErrorCode() + " " + ex.getError().getDescription();
		}
	}

}
