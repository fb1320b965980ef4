package dev.countersign.policy.action;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CanonicalJsonTests {

	@Test
	void canonicalizeWhenRfc8785SampleThenRfc8785Output() {
		// RFC 8785 §3.2.2 and §3.2.3: the sample input and its canonical form
		Map<String, Object> input = new LinkedHashMap<>();
		input.put("numbers", Arrays.asList(333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001));
		input.put("string", "\u20ac$\u000F\nA'B\"\\\\\"/");
		input.put("literals", Arrays.asList(null, true, false));
		assertThat(new String(CanonicalJson.canonicalize(input), StandardCharsets.UTF_8))
			.isEqualTo("{\"literals\":[null,true,false],\"numbers\":[333333333.3333333,1e+30,4.5,0.002,1e-27],"
					+ "\"string\":\"\u20ac$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}");
	}

	@Test
	void canonicalizeSortsKeysByUtf16CodeUnits() {
		// RFC 8785 §3.2.3 sorting example
		Map<String, Object> input = new LinkedHashMap<>();
		input.put("\u20ac", "Euro Sign");
		input.put("\r", "Carriage Return");
		input.put("\ufb33", "Hebrew Letter Dalet With Dagesh");
		input.put("1", "One");
		input.put("\ud83d\ude00", "Emoji: Grinning Face");
		input.put("\u0080", "Control");
		input.put("\u00f6", "Latin Small Letter O With Diaeresis");
		String canonical = new String(CanonicalJson.canonicalize(input), StandardCharsets.UTF_8);
		assertThat(canonical).isEqualTo("{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\u0080\":\"Control\","
				+ "\"\u00f6\":\"Latin Small Letter O With Diaeresis\",\"\u20ac\":\"Euro Sign\","
				+ "\"\ud83d\ude00\":\"Emoji: Grinning Face\",\"\ufb33\":\"Hebrew Letter Dalet With Dagesh\"}");
	}

	@Test
	void freezeWhenMutableInputThenDeepImmutableCopy() {
		List<Object> to = new ArrayList<>(List.of("ada@example.com"));
		Map<String, Object> nested = new HashMap<>(Map.of("to", to));
		Map<String, Object> input = new HashMap<>(Map.of("message", nested));
		Map<String, Object> frozen = CanonicalJson.freeze(input);
		to.add("mallory@example.com");
		nested.put("bcc", "mallory@example.com");
		assertThat(frozen).isEqualTo(Map.of("message", Map.of("to", List.of("ada@example.com"))));
		assertThatThrownBy(() -> frozen.put("x", 1)).isInstanceOf(UnsupportedOperationException.class);
		@SuppressWarnings("unchecked")
		List<Object> frozenTo = (List<Object>) ((Map<String, Object>) frozen.get("message")).get("to");
		assertThatThrownBy(() -> frozenTo.add("x")).isInstanceOf(UnsupportedOperationException.class);
		assertThat(CanonicalJson.freeze(frozen)).isSameAs(frozen);
	}

	@Test
	void freezeWhenNumbersThenLongsAndDoubles() {
		Map<String, Object> frozen = CanonicalJson.freeze(Map.of("int", 7, "long", 9_007_199_254_740_992L, "float",
				0.5f, "bigInt", BigInteger.TEN, "bigDec", new BigDecimal("12.50"), "intDec", new BigDecimal("1E+3")));
		assertThat(frozen).containsEntry("int", 7L)
			.containsEntry("long", 9_007_199_254_740_992L)
			.containsEntry("float", 0.5)
			.containsEntry("bigInt", 10L)
			.containsEntry("bigDec", 12.5)
			.containsEntry("intDec", 1000L);
	}

	@Test
	void freezeWhenIntegerBeyondTwoToThe53ThenRefusedNamingThePath() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> CanonicalJson.freeze(Map.of("issue", Map.of("id", 9_007_199_254_740_993L))))
			.withMessageContaining("$.issue.id")
			.withMessageContaining("send it as a string");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> CanonicalJson.freeze(Map.of("id", new BigDecimal("1E+1000000000"))));
	}

	@Test
	void freezeWhenNotFiniteThenRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> CanonicalJson.freeze(Map.of("x", Double.NaN)))
			.withMessage("$.x must be a finite number, but was NaN");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> CanonicalJson.freeze(Map.of("x", List.of(Double.POSITIVE_INFINITY))))
			.withMessageContaining("$.x[0]");
	}

	@Test
	void freezeWhenLoneSurrogateThenRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> CanonicalJson.freeze(Map.of("subject", "a\ud800")))
			.withMessageContaining("$.subject")
			.withMessageContaining("lone surrogate");
		assertThatIllegalArgumentException().isThrownBy(() -> CanonicalJson.freeze(Map.of("\udc00", "x")));
	}

	@Test
	void freezeWhenNotJsonThenRefusedNamingThePath() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> CanonicalJson.freeze(Map.of("when", List.of(new Object()))))
			.withMessageContaining("$.when[0] is a Object");
		assertThatIllegalArgumentException().isThrownBy(() -> CanonicalJson.freeze(Map.of("map", Map.of(1, "x"))))
			.withMessageContaining("keys must be strings");
	}

	@Test
	void freezeWhenTooDeepThenRefused() {
		Map<String, Object> deep = Map.of("leaf", true);
		for (int i = 0; i < CanonicalJson.MAX_DEPTH; i++) {
			deep = Map.of("n", deep);
		}
		Map<String, Object> tooDeep = deep;
		assertThatIllegalArgumentException().isThrownBy(() -> CanonicalJson.freeze(tooDeep))
			.withMessageContaining("must not nest deeper than " + CanonicalJson.MAX_DEPTH);
	}

	@Test
	void canonicalizeWhenControlCharactersAndNullsThenJcsEscapes() {
		Map<String, Object> input = new LinkedHashMap<>();
		input.put("b", "tab\tbell\u0007");
		input.put("a", null);
		assertThat(new String(CanonicalJson.canonicalize(input), StandardCharsets.UTF_8))
			.isEqualTo("{\"a\":null,\"b\":\"tab\\tbell\\u0007\"}");
	}

}
