package dev.countersign.server.cli;

/**
 * A failure of a command-line command, with a message written for the person at the
 * terminal (one sentence naming what was wrong and what to do). Never carries a token.
 */
class CliException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	CliException(String message) {
		super(message);
	}

	CliException(String message, Throwable cause) {
		super(message, cause);
	}

}
