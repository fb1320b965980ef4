package dev.countersign.ciba.internal;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.StringJoiner;

import org.jspecify.annotations.Nullable;

/**
 * Sends form posts and GETs with the JDK's {@link HttpClient}, and nothing more: it
 * follows no redirect and retries nothing. (The JDK client, unlike
 * {@code HttpURLConnection}, does not silently re-send a POST.) Failures are sorted into
 * "never sent" and "answer lost", see {@link TransportException#requestSent()}.
 * Thread-safe.
 */
public final class FormHttpClient {

	private final HttpClient http;

	private final Duration readTimeout;

	private FormHttpClient(Duration connectTimeout, Duration readTimeout) {
		this.http = HttpClient.newBuilder()
			.connectTimeout(connectTimeout)
			.followRedirects(HttpClient.Redirect.NEVER)
			.version(HttpClient.Version.HTTP_1_1)
			.build();
		this.readTimeout = readTimeout;
	}

	/**
	 * Create a client.
	 * @param connectTimeout the time allowed to open a connection
	 * @param readTimeout the time allowed for the answer once the request is under way
	 * @return the client
	 */
	public static FormHttpClient create(Duration connectTimeout, Duration readTimeout) {
		Objects.requireNonNull(connectTimeout, "connectTimeout must not be null");
		Objects.requireNonNull(readTimeout, "readTimeout must not be null");
		return new FormHttpClient(connectTimeout, readTimeout);
	}

	/**
	 * POST an {@code application/x-www-form-urlencoded} body.
	 * @param uri where to post
	 * @param form the parameters, sent in iteration order
	 * @param authorization an {@code Authorization} header value, or {@code null}
	 * @return the answer, whatever its status
	 * @throws TransportException when no answer arrived
	 */
	public HttpAnswer postForm(URI uri, Map<String, String> form, @Nullable String authorization)
			throws TransportException {
		HttpRequest.Builder request = HttpRequest.newBuilder(uri)
			.timeout(this.readTimeout)
			.header("Content-Type", "application/x-www-form-urlencoded")
			.header("Accept", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(encode(form), StandardCharsets.UTF_8));
		if (authorization != null) {
			request.header("Authorization", authorization);
		}
		return send(request.build());
	}

	/**
	 * GET a JSON document.
	 * @param uri what to get
	 * @return the answer, whatever its status
	 * @throws TransportException when no answer arrived
	 */
	public HttpAnswer get(URI uri) throws TransportException {
		return send(HttpRequest.newBuilder(uri)
			.timeout(this.readTimeout)
			.header("Accept", "application/json")
			.GET()
			.build());
	}

	private HttpAnswer send(HttpRequest request) throws TransportException {
		try {
			HttpResponse<String> response = this.http.send(request, HttpResponse.BodyHandlers.ofString());
			String body = (response.body() != null) ? response.body() : "";
			return new HttpAnswer(response.statusCode(), body,
					response.headers().firstValue("Retry-After").orElse(null));
		}
		catch (ConnectException | HttpConnectTimeoutException ex) {
			// No connection, so not a byte of the request left this machine.
			throw new TransportException("could not connect to " + origin(request.uri()), false, ex);
		}
		catch (IOException ex) {
			// Read time-out, reset, truncated answer: the request may have been
			// processed.
			throw new TransportException("no answer from " + origin(request.uri()), true, ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new TransportException("interrupted while waiting for " + origin(request.uri()), true, ex);
		}
	}

	/**
	 * Encode a form body in iteration order.
	 * @param form the parameters
	 * @return {@code k=v&k=v}, UTF-8 percent-encoded
	 */
	public static String encode(Map<String, String> form) {
		StringJoiner body = new StringJoiner("&");
		form.forEach((name, value) -> body.add(urlEncode(name) + "=" + urlEncode(value)));
		return body.toString();
	}

	/**
	 * Encode a value for a form body or for HTTP Basic credentials (RFC 6749 §2.3.1).
	 * @param value the value
	 * @return the encoded value
	 */
	public static String urlEncode(String value) {
		return URLEncoder.encode(value, StandardCharsets.UTF_8);
	}

	private static String origin(URI uri) {
		// Never the query: it could carry a secret.
		return uri.getScheme() + "://" + uri.getRawAuthority() + ((uri.getRawPath() != null) ? uri.getRawPath() : "");
	}

}
