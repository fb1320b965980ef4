package dev.countersign.server.provider;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import tools.jackson.databind.JsonNode;

/**
 * Copies values from a provider's JSON into a tool result, omitting what is absent: a
 * missing field or a JSON {@code null} puts nothing, so a result never holds a null.
 */
public final class ProviderJson {

	private ProviderJson() {
	}

	/**
	 * Puts a string value when the node holds one.
	 * @param result the result map
	 * @param key the result's key
	 * @param node the provider's value, possibly missing
	 */
	public static void putString(Map<String, Object> result, String key, JsonNode node) {
		if (node.isString()) {
			result.put(key, node.stringValue());
		}
	}

	/**
	 * Puts a boolean value when the node holds one.
	 * @param result the result map
	 * @param key the result's key
	 * @param node the provider's value, possibly missing
	 */
	public static void putBoolean(Map<String, Object> result, String key, JsonNode node) {
		if (node.isBoolean()) {
			result.put(key, node.booleanValue());
		}
	}

	/**
	 * Puts a list when it has at least one element.
	 * @param result the result map
	 * @param key the result's key
	 * @param values the values
	 */
	public static void putList(Map<String, Object> result, String key, List<String> values) {
		if (!values.isEmpty()) {
			result.put(key, List.copyOf(values));
		}
	}

	/**
	 * The string values of one field of each element of an array.
	 * @param array the provider's array, possibly missing
	 * @param field the field of each element; an element that is itself a string counts
	 * as its own value
	 * @return the values, in order, without the missing ones
	 */
	public static List<String> strings(JsonNode array, String field) {
		List<String> values = new ArrayList<>();
		for (JsonNode element : array.values()) {
			JsonNode value = element.isString() ? element : element.path(field);
			if (value.isString()) {
				values.add(value.stringValue());
			}
		}
		return values;
	}

}
