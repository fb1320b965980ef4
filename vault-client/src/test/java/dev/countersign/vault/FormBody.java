package dev.countersign.vault;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.matching.MatchResult;
import com.github.tomakehurst.wiremock.matching.ValueMatcher;

/**
 * WireMock matcher for an {@code application/x-www-form-urlencoded} body with exactly the
 * given parameters: each once, with its value, and nothing else.
 */
final class FormBody {

	private FormBody() {
	}

	static ValueMatcher<Request> exactly(Map<String, String> expected) {
		return exactlyMulti(asMultiMap(expected));
	}

	static ValueMatcher<Request> exactlyMulti(Map<String, List<String>> expected) {
		return (request) -> {
			String contentType = request.getHeader("Content-Type");
			boolean form = contentType != null && contentType.startsWith("application/x-www-form-urlencoded");
			return MatchResult.of(form && parse(request.getBodyAsString()).equals(expected));
		};
	}

	static Map<String, List<String>> parse(String body) {
		Map<String, List<String>> parameters = new LinkedHashMap<>();
		if (body.isEmpty()) {
			return parameters;
		}
		for (String pair : body.split("&")) {
			int equals = pair.indexOf('=');
			String name = decode((equals < 0) ? pair : pair.substring(0, equals));
			String value = (equals < 0) ? "" : decode(pair.substring(equals + 1));
			parameters.computeIfAbsent(name, (key) -> new ArrayList<>()).add(value);
		}
		return parameters;
	}

	private static Map<String, List<String>> asMultiMap(Map<String, String> expected) {
		Map<String, List<String>> result = new LinkedHashMap<>();
		expected.forEach((name, value) -> result.put(name, List.of(value)));
		return result;
	}

	private static String decode(String value) {
		return URLDecoder.decode(value, StandardCharsets.UTF_8);
	}

}
