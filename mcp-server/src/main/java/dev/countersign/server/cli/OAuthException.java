package dev.countersign.server.cli;

/**
 * An OAuth error answer (RFC 6749 §5.2) of the authorization server, with its
 * {@code error} code, so callers decide on the code and never on the message.
 */
final class OAuthException extends CliException {

	private static final long serialVersionUID = 1L;

	private final int status;

	private final String error;

	OAuthException(int status, String error, String description) {
		super(description.isEmpty() ? error : error + ": " + description);
		this.status = status;
		this.error = error;
	}

	int status() {
		return this.status;
	}

	/**
	 * The spec's error code, such as {@code authorization_pending} or
	 * {@code invalid_grant}.
	 * @return the code
	 */
	String error() {
		return this.error;
	}

}
