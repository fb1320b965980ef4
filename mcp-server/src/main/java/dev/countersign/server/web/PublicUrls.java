package dev.countersign.server.web;

import java.net.URI;

import org.springframework.http.server.reactive.ServerHttpRequest;

/**
 * The base URL clients use to reach Countersign: the configured
 * {@code countersign.http.public-url}, else the scheme and authority of the request.
 */
public final class PublicUrls {

	private final HttpProperties properties;

	public PublicUrls(HttpProperties properties) {
		this.properties = properties;
	}

	/**
	 * The base URL without a trailing slash, for example {@code http://127.0.0.1:8080}.
	 * @param request the request being answered
	 * @return the base URL
	 */
	public String base(ServerHttpRequest request) {
		URI configured = this.properties.publicUrl();
		if (configured != null) {
			String url = configured.toString();
			return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
		}
		URI uri = request.getURI();
		return uri.getScheme() + "://" + uri.getRawAuthority();
	}

}
