package dev.countersign.policy.rule;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import dev.countersign.policy.tool.Risk;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Rules as JSON, the closed grammar of DESIGN §6:
 *
 * <pre>{@code
 * {"id": "big-deals", "description": "Large deals need a look",
 *  "tools": ["deal_*"], "connections": ["deals"], "agents": ["claude-*"], "risk": ["MEDIUM", "HIGH"],
 *  "when": [{"arg": "amount", "op": "gt", "value": 50000}],
 *  "effect": "review_now"}
 * }</pre>
 *
 * Only {@code effect} is required (and {@code id}, unless the caller supplies one). Lists
 * that are present hold at least one entry. {@code recipients_outside} takes no
 * {@code arg} and an optional boolean {@code value} (true when left out). Unknown fields,
 * operators, effects and risks, and values of the wrong type, are refused with an
 * {@link InvalidRuleException} naming the field with its path
 * ({@code rules[0].when[1].op}). No expression language: values are compared, never
 * evaluated.
 */
public final class RuleJson {

	/** The most rules in one list. */
	public static final int MAX_RULES = RuleSet.MAX_RULES;

	private static final Set<String> RULE_FIELDS = Set.of("id", "description", "tools", "connections", "agents", "risk",
			"when", "effect");

	private static final Set<String> CONDITION_FIELDS = Set.of("arg", "op", "value");

	private RuleJson() {
	}

	/**
	 * Reads a list of rules, each with its id; paths are {@code rules[i]…}.
	 * @param json a JSON array of rules
	 * @return the rules, in order
	 * @throws InvalidRuleException naming the first field that is wrong
	 */
	public static List<Rule> readRules(JsonNode json) {
		if (json == null || !json.isArray()) {
			throw new InvalidRuleException("rules", "must be an array of rules");
		}
		if (json.size() > MAX_RULES) {
			throw new InvalidRuleException("rules",
					"must hold at most " + MAX_RULES + " rules, but held " + json.size());
		}
		List<Rule> rules = new ArrayList<>();
		for (int i = 0; i < json.size(); i++) {
			rules.add(readRule(json.get(i), "rules[" + i + "]", null));
		}
		return rules;
	}

	/**
	 * Reads one rule.
	 * @param json a JSON object
	 * @param path where the rule sits, for error fields ({@code rules[2]}); empty for the
	 * root
	 * @param idIfAbsent the id to use when the rule has none (a newly posted rule), or
	 * {@code null} to require one
	 * @return the rule
	 * @throws InvalidRuleException naming the first field that is wrong
	 */
	public static Rule readRule(JsonNode json, String path, @Nullable String idIfAbsent) {
		if (json == null || !json.isObject()) {
			throw new InvalidRuleException(path.isEmpty() ? "rule" : path, "must be a JSON object");
		}
		requireKnown(json, RULE_FIELDS, path, "a rule field");
		String id = optionalString(json, "id", path);
		if (id == null) {
			if (idIfAbsent == null) {
				throw new InvalidRuleException(child(path, "id"), "is required");
			}
			id = idIfAbsent;
		}
		String description = optionalString(json, "description", path);
		List<String> tools = strings(json, "tools", path);
		List<String> connections = strings(json, "connections", path);
		List<String> agents = strings(json, "agents", path);
		List<Risk> risks = new ArrayList<>();
		List<String> riskNames = strings(json, "risk", path);
		for (int i = 0; i < riskNames.size(); i++) {
			String name = riskNames.get(i);
			if (!Set.of("LOW", "MEDIUM", "HIGH").contains(name)) {
				throw new InvalidRuleException(child(path, "risk[" + i + "]"),
						"must be LOW, MEDIUM or HIGH, but was \"" + Condition.shorten(name) + "\"");
			}
			risks.add(Risk.valueOf(name));
		}
		List<Condition> when = new ArrayList<>();
		JsonNode conditions = json.get("when");
		if (conditions != null) {
			String whenPath = child(path, "when");
			if (!conditions.isArray() || conditions.isEmpty()) {
				throw new InvalidRuleException(whenPath, "must be a non-empty array of conditions, or left out");
			}
			if (conditions.size() > Rule.MAX_CONDITIONS) {
				throw new InvalidRuleException(whenPath,
						"must hold at most " + Rule.MAX_CONDITIONS + " conditions, but held " + conditions.size());
			}
			for (int i = 0; i < conditions.size(); i++) {
				when.add(readCondition(conditions.get(i), whenPath + "[" + i + "]"));
			}
		}
		String effectName = optionalString(json, "effect", path);
		if (effectName == null) {
			throw new InvalidRuleException(child(path, "effect"), "is required: auto, batch, review_now or deny");
		}
		Effect effect = Effect.fromWireName(effectName)
			.orElseThrow(() -> new InvalidRuleException(child(path, "effect"),
					"must be auto, batch, review_now or deny, but was \"" + Condition.shorten(effectName) + "\""));
		try {
			return new Rule(id, description, tools, connections, agents, risks, when, effect);
		}
		catch (InvalidRuleException ex) {
			throw ex.within(path);
		}
	}

	/**
	 * Writes a list of rules.
	 * @param rules the rules
	 * @return a JSON array
	 */
	public static ArrayNode writeRules(List<Rule> rules) {
		ArrayNode array = JsonNodeFactory.instance.arrayNode();
		rules.forEach((rule) -> array.add(writeRule(rule)));
		return array;
	}

	/**
	 * Writes one rule; empty lists and a missing description are left out.
	 * @param rule the rule
	 * @return a JSON object that {@link #readRule(JsonNode, String, String)} reads back
	 * to an equal rule
	 */
	public static ObjectNode writeRule(Rule rule) {
		ObjectNode json = JsonNodeFactory.instance.objectNode();
		json.put("id", rule.id());
		if (rule.description() != null) {
			json.put("description", rule.description());
		}
		putStrings(json, "tools", rule.tools());
		putStrings(json, "connections", rule.connections());
		putStrings(json, "agents", rule.agents());
		putStrings(json, "risk", rule.risks().stream().map(Risk::name).toList());
		if (!rule.when().isEmpty()) {
			ArrayNode when = json.putArray("when");
			for (Condition condition : rule.when()) {
				ObjectNode node = when.addObject();
				if (condition.arg() != null) {
					node.put("arg", condition.arg());
				}
				node.put("op", condition.op().wireName());
				node.set("value", valueNode(condition.value()));
			}
		}
		json.put("effect", rule.effect().wireName());
		return json;
	}

	private static Condition readCondition(JsonNode json, String path) {
		if (json == null || !json.isObject()) {
			throw new InvalidRuleException(path, "must be an object {arg, op, value}");
		}
		requireKnown(json, CONDITION_FIELDS, path, "a condition field");
		String arg = optionalString(json, "arg", path);
		String opName = optionalString(json, "op", path);
		if (opName == null) {
			throw new InvalidRuleException(child(path, "op"), "is required");
		}
		Op op = Op.fromWireName(opName)
			.orElseThrow(() -> new InvalidRuleException(child(path, "op"),
					"must be one of eq, ne, gt, ge, lt, le, in, not_in, matches_glob, recipients_outside, but was \""
							+ Condition.shorten(opName) + "\""));
		JsonNode valueNode = json.get("value");
		Object value;
		if (valueNode == null && op == Op.RECIPIENTS_OUTSIDE) {
			value = Boolean.TRUE;
		}
		else if (valueNode == null || valueNode.isNull()) {
			throw new InvalidRuleException(child(path, "value"), "is required for " + op.wireName());
		}
		else {
			value = value(valueNode, child(path, "value"));
		}
		try {
			return new Condition(arg, op, value);
		}
		catch (InvalidRuleException ex) {
			throw ex.within(path);
		}
	}

	private static Object value(JsonNode node, String path) {
		if (node.isString()) {
			return node.stringValue();
		}
		if (node.isBoolean()) {
			return node.booleanValue();
		}
		if (node.isIntegralNumber()) {
			if (!node.canConvertToLong()) {
				throw new InvalidRuleException(path, "must be a number that fits in 64 bits");
			}
			return node.longValue();
		}
		if (node.isNumber()) {
			return node.doubleValue();
		}
		if (node.isArray()) {
			List<Object> values = new ArrayList<>();
			for (int i = 0; i < node.size(); i++) {
				JsonNode element = node.get(i);
				if (element.isArray() || element.isObject() || element.isNull()) {
					throw new InvalidRuleException(path + "[" + i + "]", "must be a string, a number or a boolean");
				}
				values.add(value(element, path + "[" + i + "]"));
			}
			return values;
		}
		throw new InvalidRuleException(path, "must be a string, a number, a boolean or a list of them");
	}

	private static JsonNode valueNode(Object value) {
		JsonNodeFactory nodes = JsonNodeFactory.instance;
		if (value instanceof List<?> list) {
			ArrayNode array = nodes.arrayNode();
			list.forEach((element) -> array.add(valueNode(element)));
			return array;
		}
		if (value instanceof String text) {
			return nodes.stringNode(text);
		}
		if (value instanceof Boolean bool) {
			return nodes.booleanNode(bool);
		}
		if (value instanceof Long number) {
			return nodes.numberNode(number);
		}
		return nodes.numberNode(((Number) value).doubleValue());
	}

	private static List<String> strings(JsonNode json, String field, String path) {
		JsonNode node = json.get(field);
		if (node == null) {
			return List.of();
		}
		String fieldPath = child(path, field);
		if (!node.isArray() || node.isEmpty()) {
			throw new InvalidRuleException(fieldPath, "must be a non-empty array of strings, or left out");
		}
		if (node.size() > Rule.MAX_GLOBS) {
			throw new InvalidRuleException(fieldPath,
					"must hold at most " + Rule.MAX_GLOBS + " entries, but held " + node.size());
		}
		List<String> values = new ArrayList<>();
		for (int i = 0; i < node.size(); i++) {
			if (!node.get(i).isString()) {
				throw new InvalidRuleException(fieldPath + "[" + i + "]", "must be a string");
			}
			values.add(node.get(i).stringValue());
		}
		return values;
	}

	private static @Nullable String optionalString(JsonNode json, String field, String path) {
		JsonNode node = json.get(field);
		if (node == null) {
			return null;
		}
		if (!node.isString()) {
			throw new InvalidRuleException(child(path, field), "must be a string");
		}
		return node.stringValue();
	}

	private static void putStrings(ObjectNode json, String field, List<String> values) {
		if (!values.isEmpty()) {
			ArrayNode array = json.putArray(field);
			values.forEach(array::add);
		}
	}

	private static void requireKnown(JsonNode json, Set<String> known, String path, String what) {
		for (String name : json.propertyNames()) {
			if (!known.contains(name)) {
				throw new InvalidRuleException(child(path, name),
						"is not " + what + "; known fields are " + new TreeSet<>(known));
			}
		}
	}

	private static String child(String path, String field) {
		return path.isEmpty() ? field : path + "." + field;
	}

}
