package dev.countersign.server.approval;

/**
 * There is no subject token for a batch's exchanges: for {@code refresh-token}, the user
 * has not signed in to the console, or the stored sign-in cannot be read. The message is
 * one sentence telling the user what to do; it never holds a token.
 */
public class SubjectUnavailableException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	/**
	 * Creates the exception.
	 * @param message what the user must do, in one sentence
	 */
	public SubjectUnavailableException(String message) {
		super(message);
	}

}
