package dev.countersign.server.tool;

/**
 * A tool call that cannot be answered for a reason the agent should hear in one sentence
 * (not found, not connected, not available). It becomes an {@code isError} tool result
 * with exactly this message, which therefore must never hold a token or a secret.
 */
public class ToolFailure extends RuntimeException {

	public ToolFailure(String message) {
		super(message);
	}

}
