package dev.countersign.server.tool;

/**
 * A tool argument is missing or wrong. The message names the field, so the model can
 * correct itself; it becomes an {@code isError} tool result.
 */
public class ToolArgumentException extends RuntimeException {

	private final String field;

	public ToolArgumentException(String field, String problem) {
		super("Invalid argument '" + field + "': " + problem);
		this.field = field;
	}

	public String field() {
		return this.field;
	}

}
