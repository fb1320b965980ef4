package dev.countersign.ciba.internal;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class JsonTests {

	@Test
	void quoteWhenSpecialCharactersThenEscaped() {
		assertThat(Json.quote("auth0|ada")).isEqualTo("\"auth0|ada\"");
		assertThat(Json.quote("a\"b\\c\nd\u0001/é")).isEqualTo("\"a\\\"b\\\\c\\nd\\u0001/é\"");
	}

	@Test
	void quoteWhenParsedBackThenSameString() {
		String value = "we\"ird\\ \t sub|<>&=/ ü 🚀";

		assertThat(Json.parseObject("{\"v\":" + Json.quote(value) + "}").orElseThrow().get("v")).isEqualTo(value);
	}

	@Test
	void rawMemberWhenPresentThenExactTextOfTheValue() {
		String doc = "{ \"a\" : \"x}\\\"]\" , \"details\" :  [ {\"k\": \"v ]}\"}, 1.50e2, null ] ,\"z\":true}";

		assertThat(Json.rawMember(doc, "details")).hasValue("[ {\"k\": \"v ]}\"}, 1.50e2, null ]");
		assertThat(Json.rawMember(doc, "a")).hasValue("\"x}\\\"]\"");
		assertThat(Json.rawMember(doc, "z")).hasValue("true");
	}

	@Test
	void rawMemberWhenAbsentOrNotAnObjectThenEmpty() {
		assertThat(Json.rawMember("{\"a\":1}", "details")).isEmpty();
		assertThat(Json.rawMember("{}", "details")).isEmpty();
		assertThat(Json.rawMember("[1]", "details")).isEmpty();
		assertThat(Json.rawMember("{\"nested\":{\"details\":[1]}}", "details")).isEmpty();
	}

	@Test
	void rawMemberWhenNameEscapedThenStillFound() {
		assertThat(Json.rawMember("{\"det\\u0061ils\":[2]}", "details")).hasValue("[2]");
	}

	@Test
	void parseObjectWhenNotAnObjectThenEmpty() {
		assertThat(Json.parseObject("<html>")).isEmpty();
		assertThat(Json.parseObject("[1,2]")).isEmpty();
		assertThat(Json.parseObject("")).isEmpty();
	}

}
