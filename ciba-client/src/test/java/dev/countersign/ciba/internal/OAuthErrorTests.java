package dev.countersign.ciba.internal;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class OAuthErrorTests {

	@Test
	void parseWhenErrorBodyThenCodeDescriptionAndInterval() {
		assertThat(OAuthError.parse("{\"error\":\"slow_down\",\"error_description\":\"Slow\",\"interval\":12}"))
			.hasValue(new OAuthError("slow_down", "Slow", 12L));
		assertThat(OAuthError.parse("{\"error\":\"access_denied\"}"))
			.hasValue(new OAuthError("access_denied", null, null));
	}

	@Test
	void parseWhenNoStringErrorThenEmpty() {
		assertThat(OAuthError.parse("{\"error\":42}")).isEmpty();
		assertThat(OAuthError.parse("{\"error\":\" \"}")).isEmpty();
		assertThat(OAuthError.parse("{\"message\":\"x\"}")).isEmpty();
		assertThat(OAuthError.parse("Bad Gateway")).isEmpty();
	}

	@Test
	void parseWhenIntervalNotPositiveThenIgnored() {
		assertThat(OAuthError.parse("{\"error\":\"slow_down\",\"interval\":0}").orElseThrow().interval()).isNull();
		assertThat(OAuthError.parse("{\"error\":\"slow_down\",\"interval\":\"10\"}").orElseThrow().interval()).isNull();
	}

}
