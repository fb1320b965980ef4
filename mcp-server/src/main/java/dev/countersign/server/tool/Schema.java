package dev.countersign.server.tool;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small builder for the JSON Schemas (2020-12 subset) of tool inputs and outputs, so
 * the catalog reads like the contract it is. Each call returns the same builder.
 *
 * <pre>{@code
 * Schema.object()
 *     .required("deal_id", Schema.string("The deal's id.").examples("D-1001"))
 *     .optional("limit", Schema.integer("How many to return.").range(1, 100));
 * }</pre>
 */
public final class Schema {

	private final Map<String, Object> node = new LinkedHashMap<>();

	private final Map<String, Object> properties = new LinkedHashMap<>();

	private final List<String> required = new ArrayList<>();

	private Schema(String type, String description) {
		this.node.put("type", type);
		if (!description.isEmpty()) {
			this.node.put("description", description);
		}
	}

	public static Schema string(String description) {
		return new Schema("string", description);
	}

	public static Schema integer(String description) {
		return new Schema("integer", description);
	}

	public static Schema number(String description) {
		return new Schema("number", description);
	}

	public static Schema bool(String description) {
		return new Schema("boolean", description);
	}

	public static Schema array(String description, Schema items) {
		Schema schema = new Schema("array", description);
		schema.node.put("items", items.toMap());
		return schema;
	}

	/**
	 * An object that accepts no properties other than those declared.
	 * @return the builder
	 */
	public static Schema object() {
		return object("");
	}

	/**
	 * An object that accepts no properties other than those declared.
	 * @param description what it is
	 * @return the builder
	 */
	public static Schema object(String description) {
		Schema schema = new Schema("object", description);
		schema.node.put("additionalProperties", false);
		return schema;
	}

	/**
	 * An object in a tool's output: clients must accept properties it does not list, so
	 * it stays open to additions.
	 * @param description what it is
	 * @return the builder
	 */
	public static Schema result(String description) {
		return new Schema("object", description);
	}

	public Schema required(String name, Schema property) {
		this.properties.put(name, property.toMap());
		this.required.add(name);
		return this;
	}

	public Schema optional(String name, Schema property) {
		this.properties.put(name, property.toMap());
		return this;
	}

	/**
	 * Copies the properties and required names of another object schema into this one.
	 * @param other an object schema
	 * @return this builder
	 */
	public Schema with(Schema other) {
		this.properties.putAll(other.properties);
		this.required.addAll(other.required);
		return this;
	}

	public Schema examples(Object... examples) {
		this.node.put("examples", Arrays.asList(examples));
		return this;
	}

	public Schema oneOf(List<String> values) {
		this.node.put("enum", List.copyOf(values));
		return this;
	}

	public Schema range(Number minimum, Number maximum) {
		this.node.put("minimum", minimum);
		this.node.put("maximum", maximum);
		return this;
	}

	public Schema minimum(Number minimum) {
		this.node.put("minimum", minimum);
		return this;
	}

	public Schema length(int min, int max) {
		this.node.put("minLength", min);
		this.node.put("maxLength", max);
		return this;
	}

	public Schema items(int min, int max) {
		this.node.put("minItems", min);
		this.node.put("maxItems", max);
		return this;
	}

	public Schema pattern(String regex) {
		this.node.put("pattern", regex);
		return this;
	}

	public Schema format(String format) {
		this.node.put("format", format);
		return this;
	}

	public Schema defaultValue(Object value) {
		this.node.put("default", value);
		return this;
	}

	/**
	 * Lets an object keep properties this schema does not declare (for provider data
	 * whose shape may grow).
	 * @return this builder
	 */
	public Schema open() {
		this.node.put("additionalProperties", true);
		return this;
	}

	/**
	 * The schema as plain maps and lists, ready to serialise.
	 * @return a new map
	 */
	public Map<String, Object> toMap() {
		Map<String, Object> map = new LinkedHashMap<>(this.node);
		if ("object".equals(this.node.get("type"))) {
			map.put("properties", new LinkedHashMap<>(this.properties));
			if (!this.required.isEmpty()) {
				map.put("required", List.copyOf(this.required));
			}
		}
		return map;
	}

}
