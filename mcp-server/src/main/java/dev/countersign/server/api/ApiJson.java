package dev.countersign.server.api;

import java.util.Set;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Strict reading of config API request bodies: a JSON object whose fields are all known.
 * Errors name the field; the body itself is never echoed (it may hold anything).
 */
final class ApiJson {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private ApiJson() {
	}

	/**
	 * Reads a body that must be a JSON object with only the given fields.
	 * @param body the body, or null when none was sent
	 * @param allowed the fields the request may carry
	 * @return the object
	 * @throws ApiException naming the problem
	 */
	static JsonNode object(@Nullable String body, Set<String> allowed) {
		if (body == null || body.isBlank()) {
			throw ApiException.badField("body", "a JSON object is required");
		}
		JsonNode tree;
		try {
			tree = JSON.readTree(body);
		}
		catch (JacksonException ex) {
			String where = (ex.getLocation() != null)
					? " (line " + ex.getLocation().getLineNr() + ", column " + ex.getLocation().getColumnNr() + ")"
					: "";
			throw ApiException.badField("body", "it is not valid JSON" + where);
		}
		if (tree == null || !tree.isObject()) {
			throw ApiException.badField("body", "it must be a JSON object");
		}
		for (String name : tree.propertyNames()) {
			if (!allowed.contains(name)) {
				throw ApiException.badField(name, "unknown field; allowed are " + allowed);
			}
		}
		return tree;
	}

	/**
	 * A text field.
	 * @param object the object
	 * @param field the field
	 * @param required whether it must be present
	 * @param maxLength its longest allowed length
	 * @return the text, or null when absent and not required
	 */
	static @Nullable String text(JsonNode object, String field, boolean required, int maxLength) {
		JsonNode node = object.get(field);
		if (node == null || node.isNull()) {
			if (required) {
				throw ApiException.badField(field, "it is required");
			}
			return null;
		}
		if (!node.isString()) {
			throw ApiException.badField(field, "it must be a string");
		}
		String text = node.asString().strip();
		if (text.length() > maxLength) {
			throw ApiException.badField(field, "it must be at most " + maxLength + " characters");
		}
		return text;
	}

}
