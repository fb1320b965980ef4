package dev.countersign.server.api;

import java.util.Set;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

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
		ObjectNode tree = tree(body);
		for (String name : tree.propertyNames()) {
			if (!allowed.contains(name)) {
				throw ApiException.badField(name, "unknown field; allowed are " + allowed);
			}
		}
		return tree;
	}

	/**
	 * Reads a body that must be a JSON object; its fields are checked by the caller.
	 * @param body the body, or null when none was sent
	 * @return the object
	 * @throws ApiException naming the problem
	 */
	static ObjectNode tree(@Nullable String body) {
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
		if (!(tree instanceof ObjectNode object)) {
			throw ApiException.badField("body", "it must be a JSON object");
		}
		return object;
	}

	/**
	 * A JSON value as a plain Java tree (maps, lists, strings, numbers, booleans, null).
	 * @param node the value
	 * @return the tree
	 */
	static @Nullable Object plain(JsonNode node) {
		return JSON.treeToValue(node, Object.class);
	}

	/**
	 * Writes a plain Java tree as a JSON node.
	 * @param value the tree
	 * @return the node
	 */
	static JsonNode node(@Nullable Object value) {
		return JSON.valueToTree(value);
	}

	/**
	 * Reads JSON text the server wrote itself.
	 * @param text the JSON
	 * @return the node
	 */
	static JsonNode parse(String text) {
		return JSON.readTree(text);
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
