package dev.countersign.server.auth;

import java.util.Random;

import org.junit.jupiter.api.Test;

import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.security.web.server.firewall.ServerExchangeRejectedException;
import org.springframework.security.web.server.firewall.StrictServerWebExchangeFirewall;
import org.springframework.web.server.ServerWebExchange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class HeaderCharactersTests {

	@Test
	void everyCharacterIsJudgedAsSpringSecuritysPatternsJudgeIt() {
		for (int codePoint = 0; codePoint <= Character.MAX_CODE_POINT; codePoint++) {
			String text = "a" + Character.toString(codePoint) + "b";
			assertThat(HeaderCharacters.isName(text)).as("U+%04X in a name", codePoint)
				.isEqualTo(StrictServerWebExchangeFirewall.ALLOWED_HEADER_NAMES.test(text));
			assertThat(HeaderCharacters.isValue(text)).as("U+%04X in a value", codePoint)
				.isEqualTo(StrictServerWebExchangeFirewall.ALLOWED_HEADER_VALUES.test(text));
		}
	}

	@Test
	void mixedTextAndLoneSurrogatesAreJudgedAsSpringSecuritysPatternsJudgeThem() {
		Random random = new Random(14);
		char[] alphabet = { 'a', ' ', '\t', '\n', '\u0000', '\u007f', '\u0085', '\u00e9', '\u0378', '\ud83d', '\ude00',
				'\udbff', '\uffff' };
		for (int i = 0; i < 50_000; i++) {
			char[] text = new char[random.nextInt(6)];
			for (int j = 0; j < text.length; j++) {
				text[j] = alphabet[random.nextInt(alphabet.length)];
			}
			String value = new String(text);
			assertThat(HeaderCharacters.isName(value))
				.isEqualTo(StrictServerWebExchangeFirewall.ALLOWED_HEADER_NAMES.test(value));
			assertThat(HeaderCharacters.isValue(value))
				.isEqualTo(StrictServerWebExchangeFirewall.ALLOWED_HEADER_VALUES.test(value));
		}
		assertThat(HeaderCharacters.isName(null)).isTrue();
		assertThat(HeaderCharacters.isValue(null)).isTrue();
	}

	@Test
	void firewallRejectsAControlCharacterInAHeaderWhenItIsRead() {
		ServerWebExchange exchange = HeaderCharacters.firewall()
			.getFirewalledExchange(
					MockServerWebExchange.from(MockServerHttpRequest.post("/mcp").header("X-Request-Id", "abc\u0007")))
			.block();
		assertThat(exchange).isNotNull();
		assertThatExceptionOfType(ServerExchangeRejectedException.class)
			.isThrownBy(() -> exchange.getRequest().getHeaders().getFirst("X-Request-Id"))
			.withMessageContaining("X-Request-Id");
		ServerWebExchange tab = HeaderCharacters.firewall()
			.getFirewalledExchange(
					MockServerWebExchange.from(MockServerHttpRequest.post("/mcp").header("X-Note", "a\tb")))
			.block();
		assertThat(tab.getRequest().getHeaders().getFirst("X-Note")).isEqualTo("a\tb");
	}

}
