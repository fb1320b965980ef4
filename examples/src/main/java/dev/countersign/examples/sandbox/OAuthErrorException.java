package dev.countersign.examples.sandbox;

import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpStatus;

/**
 * An OAuth error answer of the emulated tenant (RFC 6749 §5.2), with the status and the
 * {@code error}/{@code error_description} Auth0 answers.
 */
final class OAuthErrorException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	private final HttpStatus status;

	private final String error;

	OAuthErrorException(HttpStatus status, String error, String description) {
		super(description);
		this.status = status;
		this.error = error;
	}

	static OAuthErrorException invalidRequest(String description) {
		return new OAuthErrorException(HttpStatus.BAD_REQUEST, "invalid_request", description);
	}

	HttpStatus status() {
		return this.status;
	}

	String error() {
		return this.error;
	}

	Map<String, @Nullable Object> body() {
		return Json.object("error", this.error, "error_description", getMessage());
	}

}
