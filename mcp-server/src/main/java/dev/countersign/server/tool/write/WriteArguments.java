package dev.countersign.server.tool.write;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;

import dev.countersign.server.tool.Arguments;
import dev.countersign.server.tool.ToolArgumentException;

/**
 * Reads and normalises write arguments, naming the field when one is wrong: strings
 * trimmed, email addresses lower-cased and strictly parsed, date-times re-emitted as UTC
 * instants.
 */
final class WriteArguments {

	private final Arguments args;

	WriteArguments(Arguments args) {
		this.args = args;
	}

	/** A required string, trimmed, at most {@code max} characters. */
	String text(String name, int max) {
		return checked(name, this.args.requireString(name).strip(), max);
	}

	/** An optional string, trimmed, at most {@code max} characters. */
	Optional<String> optionalText(String name, int max) {
		return this.args.optionalString(name).map((text) -> checked(name, text.strip(), max));
	}

	/**
	 * An optional body kept verbatim (whitespace means something in Markdown and mail),
	 * at most {@code max} characters.
	 */
	Optional<String> optionalBody(String name, int max) {
		return this.args.optionalString(name).map((text) -> checked(name, text, max));
	}

	/** A single line: no control characters (a subject, a title). */
	String line(String name, int max) {
		String text = text(name, max);
		if (text.chars().anyMatch(Character::isISOControl)) {
			throw new ToolArgumentException(name, "it must be one line without control characters");
		}
		return text;
	}

	/** A list of distinct trimmed strings, at most {@code max} of them. */
	List<String> texts(String name, int max, int maxLength) {
		List<String> values = this.args.optionalStrings(name);
		if (values.size() > max) {
			throw new ToolArgumentException(name, "it must hold at most " + max + " items, but held " + values.size());
		}
		Set<String> distinct = new LinkedHashSet<>();
		for (String value : values) {
			String text = value.strip();
			if (text.isEmpty()) {
				throw new ToolArgumentException(name, "it must not hold a blank item");
			}
			distinct.add(checked(name, text, maxLength));
		}
		return List.copyOf(distinct);
	}

	/**
	 * Email addresses: each a bare address (no display name), strictly parsed,
	 * lower-cased; duplicates dropped.
	 */
	List<String> emails(String name, int min, int max) {
		List<String> values = this.args.optionalStrings(name);
		if (values.size() < min) {
			throw new ToolArgumentException(name, (min == 1) ? "it is required and must hold at least one address"
					: "it must hold at least " + min + " addresses");
		}
		if (values.size() > max) {
			throw new ToolArgumentException(name,
					"it must hold at most " + max + " addresses, but held " + values.size());
		}
		Set<String> emails = new LinkedHashSet<>();
		for (String value : values) {
			emails.add(email(name, value));
		}
		return new ArrayList<>(emails);
	}

	static String email(String name, String value) {
		String text = value.strip().toLowerCase(Locale.ROOT);
		try {
			InternetAddress address = new InternetAddress(text, true);
			if (address.getPersonal() != null || address.isGroup() || !text.equals(address.getAddress())
					|| !text.contains("@")) {
				throw new AddressException("not a bare address");
			}
			return text;
		}
		catch (AddressException ex) {
			throw new ToolArgumentException(name,
					"\"" + shorten(value) + "\" is not an email address such as grace.hopper@northwind.example");
		}
	}

	/** A required RFC 3339 date-time, as a UTC instant. */
	Instant instant(String name) {
		String text = this.args.requireString(name).strip();
		try {
			return OffsetDateTime.parse(text).toInstant();
		}
		catch (DateTimeParseException ex) {
			throw new ToolArgumentException(name,
					"it must be an RFC 3339 date-time such as 2026-12-01T15:00:00Z, but was " + shorten(text));
		}
	}

	/** The optional {@code confidence}, 0 to 1. */
	Optional<Double> confidence() {
		Optional<Double> confidence = this.args.optionalDouble("confidence");
		confidence.ifPresent((value) -> {
			if (value < 0.0 || value > 1.0) {
				throw new ToolArgumentException("confidence", "it must be between 0 and 1, but was " + value);
			}
		});
		return confidence;
	}

	Arguments raw() {
		return this.args;
	}

	private static String checked(String name, String text, int max) {
		if (text.isEmpty()) {
			throw new ToolArgumentException(name, "it must not be blank");
		}
		if (text.length() > max) {
			throw new ToolArgumentException(name,
					"it must be at most " + max + " characters, but was " + text.length());
		}
		return text;
	}

	private static String shorten(String text) {
		return (text.length() > 60) ? text.substring(0, 59) + "…" : text;
	}

}
