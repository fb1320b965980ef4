package dev.countersign.examples.sandbox;

import org.springframework.http.HttpStatus;

/**
 * An error answer of an emulated provider API, rendered in that API's own error format.
 */
final class ProviderApiException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	private final HttpStatus status;

	private final String reason;

	/**
	 * Creates the error.
	 * @param status the HTTP status
	 * @param message the message the real API writes
	 * @param reason Google's {@code errors[].reason} ({@code notFound},
	 * {@code badRequest}, …); GitHub does not use it
	 */
	ProviderApiException(HttpStatus status, String message, String reason) {
		super(message);
		this.status = status;
		this.reason = reason;
	}

	static ProviderApiException badRequest(String message) {
		return new ProviderApiException(HttpStatus.BAD_REQUEST, message, "badRequest");
	}

	static ProviderApiException notFound(String message) {
		return new ProviderApiException(HttpStatus.NOT_FOUND, message, "notFound");
	}

	HttpStatus status() {
		return this.status;
	}

	String reason() {
		return this.reason;
	}

	@Override
	public String getMessage() {
		String message = super.getMessage();
		return (message != null) ? message : this.status.getReasonPhrase();
	}

}
