package dev.countersign.server.tool;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

/**
 * Typed access to a tool call's arguments. The SDK has already checked them against the
 * input schema; these accessors still check what they read and name the field when
 * something is off, so a handler never trusts a shape it did not see.
 */
public final class Arguments {

	private final Map<String, Object> values;

	public Arguments(@Nullable Map<String, Object> values) {
		this.values = (values != null) ? values : Map.of();
	}

	/**
	 * Whether the argument was given (with any value but null).
	 * @param name the argument name
	 * @return true when it is present
	 */
	public boolean has(String name) {
		return this.values.get(name) != null;
	}

	/**
	 * The arguments as sent, for policy's rules to look at.
	 * @return an unmodifiable view
	 */
	public Map<String, Object> values() {
		return Collections.unmodifiableMap(this.values);
	}

	public String requireString(String name) {
		return optionalString(name).orElseThrow(() -> new ToolArgumentException(name, "it is required"));
	}

	public Optional<String> optionalString(String name) {
		Object value = this.values.get(name);
		if (value == null) {
			return Optional.empty();
		}
		if (!(value instanceof String text)) {
			throw new ToolArgumentException(name, "it must be a string");
		}
		if (text.isBlank()) {
			throw new ToolArgumentException(name, "it must not be blank");
		}
		return Optional.of(text);
	}

	public Optional<Long> optionalLong(String name) {
		Object value = this.values.get(name);
		if (value == null) {
			return Optional.empty();
		}
		if (value instanceof Number number && number.doubleValue() == Math.rint(number.doubleValue())) {
			return Optional.of(number.longValue());
		}
		throw new ToolArgumentException(name, "it must be a whole number");
	}

	public Optional<Double> optionalDouble(String name) {
		Object value = this.values.get(name);
		if (value == null) {
			return Optional.empty();
		}
		if (value instanceof Number number && Double.isFinite(number.doubleValue())) {
			return Optional.of(number.doubleValue());
		}
		throw new ToolArgumentException(name, "it must be a number");
	}

	public int optionalInt(String name, int defaultValue, int min, int max) {
		long value = optionalLong(name).orElse((long) defaultValue);
		if (value < min || value > max) {
			throw new ToolArgumentException(name, "it must be between " + min + " and " + max + ", but was " + value);
		}
		return (int) value;
	}

	public List<String> optionalStrings(String name) {
		Object value = this.values.get(name);
		if (value == null) {
			return List.of();
		}
		if (!(value instanceof List<?> list) || !list.stream().allMatch(String.class::isInstance)) {
			throw new ToolArgumentException(name, "it must be a list of strings");
		}
		return list.stream().map(String.class::cast).toList();
	}

}
