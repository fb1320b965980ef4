package dev.countersign.policy.action;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.AbstractList;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import org.erdtman.jcs.JsonCanonicalizer;
import org.erdtman.jcs.NumberToJSON;
import org.jspecify.annotations.Nullable;

/**
 * Frozen JSON trees and their RFC 8785 (JCS) canonical form.
 *
 * <p>
 * A JSON tree is made of {@code Map<String, ?>} (object), {@code List<?>} (array),
 * {@link String}, {@link Boolean}, {@link Number} and {@code null}. Countersign keeps an
 * action's arguments, preconditions and result as such trees rather than as Jackson
 * nodes: they are deeply immutable, compare with {@code equals}, and keep this module
 * free of a JSON binding.
 *
 * <p>
 * {@link #freeze(Map)} makes the immutable copy and normalises it so that what is stored
 * is exactly what is digested and later executed:
 * <ul>
 * <li>integers become {@link Long}; an integer outside ±2<sup>53</sup> is refused, since
 * JCS (an IEEE 754 double) cannot represent it exactly — send such ids as strings;</li>
 * <li>other numbers become {@link Double}; NaN and infinities are refused;</li>
 * <li>strings holding a lone UTF-16 surrogate are refused (they have no UTF-8 form, so
 * two different strings could otherwise share a digest);</li>
 * <li>trees deeper than {@value #MAX_DEPTH} levels are refused.</li>
 * </ul>
 * A refused tree throws {@link IllegalArgumentException} naming the JSON path.
 *
 * <pre>{@code
 * Map<String, Object> args = CanonicalJson.freeze(Map.of("to", List.of("ada@example.com")));
 * String hex = CanonicalJson.sha256Hex(args);
 * }</pre>
 */
public final class CanonicalJson {

	/** The deepest nesting accepted, counting the root object as 1. */
	public static final int MAX_DEPTH = 32;

	private static final long MAX_EXACT_INTEGER = 1L << 53;

	private CanonicalJson() {
	}

	/**
	 * Returns a deeply immutable, normalised copy of a JSON object. Key order is kept (it
	 * does not matter to the canonical form). A tree this method returned is returned as
	 * is.
	 * @param object the JSON object
	 * @return the frozen object; {@code null} values are kept as JSON {@code null}
	 * @throws IllegalArgumentException if the tree holds anything but JSON values
	 */
	@SuppressWarnings("unchecked")
	public static Map<String, @Nullable Object> freeze(Map<String, ?> object) {
		Objects.requireNonNull(object, "object must not be null");
		return (Map<String, @Nullable Object>) freezeValue(object, "$", 1);
	}

	/**
	 * The RFC 8785 canonical form of a JSON tree: object members sorted by their UTF-16
	 * code units, no whitespace, numbers as ECMAScript writes them.
	 * @param tree a JSON tree (frozen or not)
	 * @return the canonical JSON in UTF-8
	 * @throws IllegalArgumentException if the tree holds anything but JSON values
	 */
	public static byte[] canonicalize(@Nullable Object tree) {
		StringBuilder json = new StringBuilder();
		write(freezeValue(tree, "$", 1), json);
		try {
			return new JsonCanonicalizer(json.toString()).getEncodedUTF8();
		}
		catch (IOException ex) {
			throw new IllegalStateException("Could not canonicalise JSON that Countersign wrote itself", ex);
		}
	}

	/**
	 * The lowercase hex SHA-256 of the canonical form of a JSON tree.
	 * @param tree a JSON tree
	 * @return 64 lowercase hex digits
	 * @throws IllegalArgumentException if the tree holds anything but JSON values
	 */
	public static String sha256Hex(@Nullable Object tree) {
		return HexFormat.of().formatHex(sha256(canonicalize(tree)));
	}

	static byte[] sha256(byte[] bytes) {
		try {
			return MessageDigest.getInstance("SHA-256").digest(bytes);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is not available", ex);
		}
	}

	private static @Nullable Object freezeValue(@Nullable Object value, String path, int depth) {
		if (value == null || value instanceof Boolean || value instanceof FrozenObject
				|| value instanceof FrozenArray) {
			return value;
		}
		if (depth > MAX_DEPTH) {
			throw new IllegalArgumentException(
					"JSON must not nest deeper than " + MAX_DEPTH + " levels, but " + path + " does");
		}
		if (value instanceof String string) {
			requireWellFormed(string, path);
			return string;
		}
		if (value instanceof Number number) {
			return normalise(number, path);
		}
		if (value instanceof Map<?, ?> map) {
			Map<String, @Nullable Object> copy = new LinkedHashMap<>();
			for (Map.Entry<?, ?> entry : map.entrySet()) {
				if (!(entry.getKey() instanceof String key)) {
					throw new IllegalArgumentException(
							"JSON object keys must be strings, but " + path + " has " + describe(entry.getKey()));
				}
				String child = path + "." + key;
				requireWellFormed(key, child);
				copy.put(key, freezeValue(entry.getValue(), child, depth + 1));
			}
			return new FrozenObject(copy);
		}
		if (value instanceof List<?> list) {
			List<@Nullable Object> copy = new ArrayList<>(list.size());
			for (int i = 0; i < list.size(); i++) {
				copy.add(freezeValue(list.get(i), path + "[" + i + "]", depth + 1));
			}
			return new FrozenArray(copy);
		}
		throw new IllegalArgumentException("JSON values are objects, arrays, strings, numbers, booleans and null, but "
				+ path + " is " + describe(value));
	}

	private static Number normalise(Number number, String path) {
		if (number instanceof Long || number instanceof Integer || number instanceof Short || number instanceof Byte) {
			return exactInteger(BigInteger.valueOf(number.longValue()), path);
		}
		if (number instanceof BigInteger integer) {
			return exactInteger(integer, path);
		}
		if (number instanceof BigDecimal decimal) {
			if (decimal.signum() == 0 || decimal.stripTrailingZeros().scale() <= 0) {
				if (decimal.precision() - decimal.scale() > 16) {
					// more than 16 integer digits: beyond 2^53 (and never expanded into a
					// huge BigInteger)
					throw outOfRange(path, decimal);
				}
				return exactInteger(decimal.toBigIntegerExact(), path);
			}
			return finite(decimal.doubleValue(), path);
		}
		if (number instanceof Double || number instanceof Float) {
			return finite(number.doubleValue(), path);
		}
		throw new IllegalArgumentException(
				"JSON numbers are integers or doubles, but " + path + " is " + describe(number));
	}

	private static Long exactInteger(BigInteger integer, String path) {
		if (integer.abs().compareTo(BigInteger.valueOf(MAX_EXACT_INTEGER)) > 0) {
			throw outOfRange(path, integer);
		}
		return integer.longValue();
	}

	private static IllegalArgumentException outOfRange(String path, Number integer) {
		return new IllegalArgumentException(path + " must be between -2^53 and 2^53 to be exact in JSON"
				+ " (RFC 8785); send it as a string, but was " + integer);
	}

	private static Double finite(double value, String path) {
		if (!Double.isFinite(value)) {
			throw new IllegalArgumentException(path + " must be a finite number, but was " + value);
		}
		return value;
	}

	private static void requireWellFormed(String string, String path) {
		for (int i = 0; i < string.length(); i++) {
			char c = string.charAt(i);
			if (Character.isHighSurrogate(c) && i + 1 < string.length()
					&& Character.isLowSurrogate(string.charAt(i + 1))) {
				i++;
			}
			else if (Character.isSurrogate(c)) {
				throw new IllegalArgumentException(
						path + " must be well-formed Unicode, but has a lone surrogate at index " + i);
			}
		}
	}

	private static String describe(@Nullable Object value) {
		return (value != null) ? "a " + value.getClass().getSimpleName() : "null";
	}

	private static void write(@Nullable Object value, StringBuilder json) {
		if (value == null) {
			json.append("null");
		}
		else if (value instanceof String string) {
			writeString(string, json);
		}
		else if (value instanceof Long number) {
			json.append(number.longValue());
		}
		else if (value instanceof Double number) {
			try {
				json.append(NumberToJSON.serializeNumber(number));
			}
			catch (IOException ex) {
				throw new IllegalArgumentException("Could not write number " + number, ex);
			}
		}
		else if (value instanceof Boolean bool) {
			json.append(bool.booleanValue());
		}
		else if (value instanceof Map<?, ?> map) {
			json.append('{');
			boolean first = true;
			for (Map.Entry<?, ?> entry : map.entrySet()) {
				if (!first) {
					json.append(',');
				}
				first = false;
				writeString((String) entry.getKey(), json);
				json.append(':');
				write(entry.getValue(), json);
			}
			json.append('}');
		}
		else {
			json.append('[');
			boolean first = true;
			for (Object element : (List<?>) value) {
				if (!first) {
					json.append(',');
				}
				first = false;
				write(element, json);
			}
			json.append(']');
		}
	}

	private static void writeString(String string, StringBuilder json) {
		json.append('"');
		for (int i = 0; i < string.length(); i++) {
			char c = string.charAt(i);
			if (c == '"' || c == '\\') {
				json.append('\\').append(c);
			}
			else if (c < 0x20) {
				json.append(String.format("\\u%04x", (int) c));
			}
			else {
				json.append(c);
			}
		}
		json.append('"');
	}

	/** An immutable JSON object whose members are already frozen. */
	private static final class FrozenObject extends AbstractMap<String, @Nullable Object> {

		private final Map<String, @Nullable Object> members;

		FrozenObject(Map<String, @Nullable Object> members) {
			this.members = Collections.unmodifiableMap(members);
		}

		@Override
		public Set<Entry<String, @Nullable Object>> entrySet() {
			return this.members.entrySet();
		}

		@Override
		public @Nullable Object get(Object key) {
			return this.members.get(key);
		}

		@Override
		public boolean containsKey(Object key) {
			return this.members.containsKey(key);
		}

		@Override
		public int size() {
			return this.members.size();
		}

	}

	/** An immutable JSON array whose elements are already frozen. */
	private static final class FrozenArray extends AbstractList<@Nullable Object> {

		private final List<@Nullable Object> elements;

		FrozenArray(List<@Nullable Object> elements) {
			this.elements = Collections.unmodifiableList(elements);
		}

		@Override
		public @Nullable Object get(int index) {
			return this.elements.get(index);
		}

		@Override
		public int size() {
			return this.elements.size();
		}

	}

}
