package dev.countersign.ciba;

import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class BindingMessageProfileTests {

	private static final BindingMessageProfile AUTH0 = BindingMessageProfile.AUTH0;

	static Stream<Arguments> sanitized() {
		return Stream.of(
				arguments("Countersign: 5 actions - 3 email, 2 calendar #7K2Q",
						"Countersign: 5 actions - 3 email, 2 calendar #7K2Q"),
				arguments("Countersign — 2 email (urgent)", "Countersign - 2 email urgent"),
				arguments("Café déjà vu à Zürich", "Cafe deja vu a Zurich"),
				arguments("Straße, Ørsted, Łódź, Æsir", "Strasse, Orsted, Lodz, AEsir"),
				arguments("Deploy 🚀 now 👍🏽", "Deploy now"), arguments("Family 👨‍👩‍👧 plan ❤️", "Family plan"),
				arguments("line\nbreak\ttab\r\nend", "line break tab end"),
				arguments("   many     spaces   ", "many spaces"), arguments("don't won’t", "dont wont"),
				arguments("Привет мир", ""), arguments("会議 3 件", "3"),
				arguments("100% [done] {ok} <b>x</b> a/b a&b", "100 done ok b x b a b a b"),
				arguments("ｆｕｌｌ　ｗｉｄｔｈ ①", "full width 1"), arguments("a+b_c.d,e:f#g", "a+b_c.d,e:f#g"),
				arguments("", ""), arguments("🚀🚀🚀", ""), arguments("x".repeat(100), "x".repeat(64)),
				arguments("word ".repeat(20), "word word word word word word word word word word word word word"));
	}

	@ParameterizedTest
	@MethodSource
	void sanitized(String input, String expected) {
		String message = AUTH0.sanitize(input);

		assertThat(message).isEqualTo(expected);
		assertThat(message.isEmpty() || AUTH0.accepts(message)).isTrue();
		assertThat(AUTH0.sanitize(message)).as("idempotent").isEqualTo(message);
	}

	static Stream<Arguments> composed() {
		return Stream.of(
				arguments("Countersign: 5 actions — 3 email, 2 calendar", "7K2Q",
						"Countersign: 5 actions - 3 email, 2 calendar #7K2Q"),
				arguments("Countersign: 2 email", "#7K2Q", "Countersign: 2 email #7K2Q"),
				arguments("🚀🚀", "7K2Q", "#7K2Q"), arguments("Countersign", "", "Countersign"),
				arguments("Countersign: 50 actions - 20 email, 10 calendar, 10 github, 10 deals", "7K2Q",
						"Countersign: 50 actions - 20 email, 10 calendar, 10 github #7K2Q"),
				arguments("Loosen routing für Ada 😀 — " + "long ".repeat(30), "Z9",
						"Loosen routing fur Ada - long long long long long long long #Z9"),
				arguments("s", "C".repeat(80), "#" + "C".repeat(63)));
	}

	@ParameterizedTest
	@MethodSource
	void composed(String summary, String code, String expected) {
		String message = AUTH0.compose(summary, code);

		assertThat(message).isEqualTo(expected);
		assertThat(AUTH0.accepts(message)).isTrue();
		assertThat(AUTH0.sanitize(message)).as("the client's own sanitising keeps it").isEqualTo(message);
	}

	@Test
	void composeWhenSummaryOverlongThenCodeAlwaysKeptAtTheEnd() {
		for (int length = 1; length < 200; length++) {
			String message = AUTH0.compose("é".repeat(length / 2) + " 🚀 " + "ab".repeat(length), "7K2Q");

			assertThat(message).endsWith(" #7K2Q").hasSizeLessThanOrEqualTo(64);
			assertThat(AUTH0.accepts(message)).isTrue();
		}
	}

	@Test
	void composeWhenProfileDisallowsHashThenCodeWithoutHash() {
		BindingMessageProfile plain = new BindingMessageProfile(20, "-");

		assertThat(plain.compose("Approve 3 things now please", "#7K2Q")).isEqualTo("Approve 3 thing 7K2Q");
	}

	@Test
	void sanitizeWhenCustomProfileThenItsPunctuationOnly() {
		BindingMessageProfile plain = new BindingMessageProfile(32, "");

		assertThat(plain.sanitize("Countersign: 5 actions — 3 email #7K2Q"))
			.isEqualTo("Countersign 5 actions 3 email 7K");
	}

	@Test
	void profileWhenMaxLengthNotPositiveThenRejected() {
		assertThatIllegalArgumentException().isThrownBy(() -> new BindingMessageProfile(0, "#"))
			.withMessage("maxLength must be positive, but was 0");
	}

	@Test
	void profileWhenPunctuationHoldsLettersOrNonAsciiThenRejected() {
		assertThatIllegalArgumentException().isThrownBy(() -> new BindingMessageProfile(10, "a#"));
		assertThatIllegalArgumentException().isThrownBy(() -> new BindingMessageProfile(10, "—"));
		assertThatIllegalArgumentException().isThrownBy(() -> new BindingMessageProfile(10, " "));
	}

	@Test
	void acceptsWhenDisallowedCharacterOrTooLongThenFalse() {
		assertThat(AUTH0.accepts("Countersign: 2 email #7K2Q")).isTrue();
		assertThat(AUTH0.accepts("Countersign (2)")).isFalse();
		assertThat(AUTH0.accepts("x".repeat(65))).isFalse();
		assertThat(AUTH0.accepts(" ")).isFalse();
	}

}
