package dev.countersign.server.tool.github;

import java.util.regex.Pattern;

import dev.countersign.server.tool.ToolArgumentException;

/**
 * A GitHub repository, {@code owner/name}.
 *
 * @param owner the user or organisation
 * @param name the repository name
 */
public record Repository(String owner, String name) {

	private static final Pattern PART = Pattern.compile("[A-Za-z0-9_.-]{1,100}");

	/**
	 * Reads the {@code repo} argument.
	 * @param field the argument's name
	 * @param text its value
	 * @return the repository
	 * @throws ToolArgumentException naming the field when it is not {@code owner/name}
	 */
	public static Repository parse(String field, String text) {
		int slash = text.indexOf('/');
		if (slash < 0 || !PART.matcher(text.substring(0, slash)).matches()
				|| !PART.matcher(text.substring(slash + 1)).matches()) {
			throw new ToolArgumentException(field, "it must be owner/name, such as ada-lovelace/analytical-engine");
		}
		return new Repository(text.substring(0, slash), text.substring(slash + 1));
	}

	@Override
	public String toString() {
		return this.owner + "/" + this.name;
	}

}
