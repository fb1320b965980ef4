package dev.countersign.policy.routing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Routing settings as the config API's JSON ({@code GET|PUT /api/v1/routing}):
 *
 * <pre>{@code
 * {"auto_approve_at": 0.85, "review_below": 0.5,
 *  "own_domains": ["analytical.example"],
 *  "tool_overrides": {"email_send": {"auto_approve_at": 0.95, "review_below": 0.7}},
 *  "connection_overrides": {"github": {"auto_approve_at": 0.9, "review_below": 0.5}}}
 * }</pre>
 *
 * Every field is optional; one left out takes its default (a PUT replaces the whole
 * document). An override needs both thresholds. Unknown fields and wrong types are
 * refused with an {@link InvalidRoutingException} naming the field.
 */
public final class RoutingJson {

	private static final Set<String> FIELDS = Set.of("auto_approve_at", "review_below", "own_domains", "tool_overrides",
			"connection_overrides");

	private static final Set<String> OVERRIDE_FIELDS = Set.of("auto_approve_at", "review_below");

	private RoutingJson() {
	}

	/**
	 * Reads routing settings.
	 * @param json the document, a JSON object
	 * @return the validated settings
	 * @throws InvalidRoutingException naming the first field that is wrong
	 */
	public static RoutingSettings read(JsonNode json) {
		if (json == null || !json.isObject()) {
			throw new InvalidRoutingException("$", "must be a JSON object");
		}
		requireKnown(json, FIELDS, "");
		double autoApproveAt = number(json, "auto_approve_at", "", Thresholds.DEFAULT_AUTO_APPROVE_AT);
		double reviewBelow = number(json, "review_below", "", Thresholds.DEFAULT_REVIEW_BELOW);
		Thresholds global = new Thresholds(autoApproveAt, reviewBelow);
		List<String> domains = new ArrayList<>();
		JsonNode own = json.get("own_domains");
		if (own != null && !own.isNull()) {
			if (!own.isArray()) {
				throw new InvalidRoutingException("own_domains", "must be an array of domain names");
			}
			for (int i = 0; i < own.size(); i++) {
				if (!own.get(i).isString()) {
					throw new InvalidRoutingException("own_domains[" + i + "]", "must be a string");
				}
				domains.add(own.get(i).stringValue());
			}
		}
		return new RoutingSettings(global, domains, overrides(json, "tool_overrides"),
				overrides(json, "connection_overrides"));
	}

	/**
	 * Writes routing settings, every field present.
	 * @param settings the settings
	 * @return the JSON object
	 */
	public static ObjectNode write(RoutingSettings settings) {
		ObjectNode json = JsonNodeFactory.instance.objectNode();
		json.put("auto_approve_at", settings.autoApproveAt());
		json.put("review_below", settings.reviewBelow());
		settings.ownDomains().forEach(json.putArray("own_domains")::add);
		writeOverrides(json.putObject("tool_overrides"), settings.toolOverrides());
		writeOverrides(json.putObject("connection_overrides"), settings.connectionOverrides());
		return json;
	}

	private static void writeOverrides(ObjectNode json, Map<String, Thresholds> overrides) {
		overrides.forEach((key, thresholds) -> {
			ObjectNode override = json.putObject(key);
			override.put("auto_approve_at", thresholds.autoApproveAt());
			override.put("review_below", thresholds.reviewBelow());
		});
	}

	private static Map<String, Thresholds> overrides(JsonNode json, String field) {
		Map<String, Thresholds> overrides = new LinkedHashMap<>();
		JsonNode node = json.get(field);
		if (node == null || node.isNull()) {
			return overrides;
		}
		if (!node.isObject()) {
			throw new InvalidRoutingException(field, "must be an object of thresholds by name");
		}
		for (Map.Entry<String, JsonNode> entry : node.properties()) {
			String path = field + "." + entry.getKey();
			JsonNode override = entry.getValue();
			if (!override.isObject()) {
				throw new InvalidRoutingException(path, "must be an object with auto_approve_at and review_below");
			}
			requireKnown(override, OVERRIDE_FIELDS, path + ".");
			for (String required : OVERRIDE_FIELDS) {
				if (!override.hasNonNull(required)) {
					throw new InvalidRoutingException(path + "." + required, "is required");
				}
			}
			try {
				overrides.put(entry.getKey(), new Thresholds(number(override, "auto_approve_at", path + ".", 0),
						number(override, "review_below", path + ".", 0)));
			}
			catch (InvalidRoutingException ex) {
				throw (ex.field().startsWith(path)) ? ex : ex.within(path);
			}
		}
		return overrides;
	}

	private static double number(JsonNode json, String field, String prefix, double fallback) {
		JsonNode node = json.get(field);
		if (node == null || node.isNull()) {
			return fallback;
		}
		if (!node.isNumber()) {
			throw new InvalidRoutingException(prefix + field, "must be a number between 0 and 1");
		}
		return node.doubleValue();
	}

	private static void requireKnown(JsonNode json, Set<String> known, String prefix) {
		for (String name : json.propertyNames()) {
			if (!known.contains(name)) {
				throw new InvalidRoutingException(prefix + name,
						"is not a routing setting; known fields are " + new TreeSet<>(known));
			}
		}
	}

}
