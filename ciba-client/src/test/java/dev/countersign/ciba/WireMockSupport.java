package dev.countersign.ciba;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Exact form matching: a stub matches every expected parameter, and
 * {@link #assertForms(WireMockServer, String, Map)} checks that no request carried more.
 */
final class WireMockSupport {

	static final String CLIENT_ID = "countersign-ciba";

	static final String CLIENT_SECRET = "s3cr3t-canary-client-secret";

	private WireMockSupport() {
	}

	static MappingBuilder postForm(String path, Map<String, String> form) {
		MappingBuilder mapping = post(urlPathEqualTo(path)).withHeader("Content-Type",
				containing("application/x-www-form-urlencoded"));
		form.forEach((name, value) -> mapping.withFormParam(name, equalTo(value)));
		return mapping;
	}

	static void assertForms(WireMockServer server, String path, Map<String, String> expected) {
		List<LoggedRequest> requests = server.findAll(postRequestedFor(urlPathEqualTo(path)));
		assertThat(requests).isNotEmpty();
		for (LoggedRequest request : requests) {
			assertThat(form(request.getBodyAsString())).containsExactlyInAnyOrderEntriesOf(expected);
		}
	}

	static int requests(WireMockServer server, String path) {
		return server.countRequestsMatching(WireMock.postRequestedFor(urlPathEqualTo(path)).build()).getCount();
	}

	static Map<String, String> form(String body) {
		Map<String, String> form = new LinkedHashMap<>();
		for (String pair : body.split("&")) {
			int eq = pair.indexOf('=');
			String name = URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8);
			assertThat(form).as("parameter %s sent twice", name).doesNotContainKey(name);
			form.put(name, URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
		}
		return form;
	}

	static String json(String text) {
		return text.replace('\'', '"');
	}

}
