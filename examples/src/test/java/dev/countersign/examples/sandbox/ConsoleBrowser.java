package dev.countersign.examples.sandbox;

import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.springframework.web.util.HtmlUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A browser for the sandbox's pages, as a person would use them: follows redirects, keeps
 * cookies, and submits the hidden-field forms of the emulated tenant's consent pages.
 */
final class ConsoleBrowser {

	private static final Pattern HIDDEN = Pattern
		.compile("<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]*)\">");

	private final HttpClient http = HttpClient.newBuilder()
		.followRedirects(HttpClient.Redirect.NORMAL)
		.cookieHandler(new CookieManager())
		.build();

	/**
	 * Signs a user in to the console: {@code /console/login}, the tenant's consent page,
	 * the callback.
	 * @param sandbox the sandbox
	 * @param user the sandbox user
	 * @return the callback page
	 */
	String signIn(RunningSandbox sandbox, String user) {
		HttpResponse<String> consent = get(URI.create(sandbox.baseUrl() + "/console/login"));
		assertThat(consent.statusCode()).as(consent.body()).isEqualTo(200);
		Map<String, String> form = hidden(consent.body());
		form.put("user", user);
		form.put("decision", "allow");
		HttpResponse<String> callback = post(consent.uri().resolve("/auth0/authorize"), form);
		assertThat(callback.uri().getPath()).isEqualTo("/console/callback");
		assertThat(callback.statusCode()).as(callback.body()).isEqualTo(200);
		return callback.body();
	}

	/**
	 * Opens a page.
	 * @param uri the page
	 * @return the final response, redirects followed
	 */
	HttpResponse<String> get(URI uri) {
		return Phone.send(this.http, HttpRequest.newBuilder(uri).build());
	}

	/**
	 * Submits a form.
	 * @param uri where to
	 * @param form the fields
	 * @return the final response, redirects followed
	 */
	HttpResponse<String> post(URI uri, Map<String, String> form) {
		return Phone.send(this.http,
				HttpRequest.newBuilder(uri)
					.header("Content-Type", "application/x-www-form-urlencoded")
					.POST(HttpRequest.BodyPublishers.ofString(encode(form)))
					.build());
	}

	/**
	 * The hidden fields of a page's form.
	 * @param page the HTML
	 * @return the fields, in order
	 */
	static Map<String, String> hidden(String page) {
		Map<String, String> form = new LinkedHashMap<>();
		Matcher hidden = HIDDEN.matcher(page);
		while (hidden.find()) {
			form.put(HtmlUtils.htmlUnescape(hidden.group(1)), HtmlUtils.htmlUnescape(hidden.group(2)));
		}
		return form;
	}

	static String encode(Map<String, String> form) {
		return form.entrySet()
			.stream()
			.map((entry) -> URLEncoder.encode(entry.getKey(), StandardCharsets.UTF_8) + "="
					+ URLEncoder.encode(entry.getValue(), StandardCharsets.UTF_8))
			.collect(Collectors.joining("&"));
	}

}
