package dev.countersign.examples.sandbox;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The part of Gmail's search syntax the sandbox understands: free text (over sender,
 * recipients, subject and body), quoted phrases, {@code from:}, {@code to:},
 * {@code subject:}, {@code newer_than:}/{@code older_than:} ({@code Nd}, {@code Nm},
 * {@code Ny}), {@code is:unread|read|starred|important}, {@code in:}/{@code label:},
 * {@code has:attachment}, and {@code -} to negate a term. Terms are ANDed. Case does not
 * matter. Immutable.
 */
final class GmailQuery {

	private static final Pattern TERM = Pattern.compile("(-?)(?:([a-z_]+):)?(\"[^\"]*\"|\\S+)",
			Pattern.CASE_INSENSITIVE);

	private static final Pattern AGE = Pattern.compile("(\\d{1,4})([dmy])");

	private final List<Predicate<MailMessage>> terms;

	private GmailQuery(List<Predicate<MailMessage>> terms) {
		this.terms = List.copyOf(terms);
	}

	/**
	 * Parses a query.
	 * @param q the query, empty for everything
	 * @param now the time {@code newer_than} counts back from
	 * @return the query
	 */
	static GmailQuery parse(String q, Instant now) {
		List<Predicate<MailMessage>> terms = new ArrayList<>();
		Matcher matcher = TERM.matcher(q.trim());
		while (matcher.find()) {
			boolean negated = !matcher.group(1).isEmpty();
			String operator = (matcher.group(2) != null) ? matcher.group(2).toLowerCase(Locale.ROOT) : null;
			String value = unquote(matcher.group(3)).toLowerCase(Locale.ROOT);
			if (value.isEmpty()) {
				continue;
			}
			Predicate<MailMessage> term = term(operator, value, now);
			terms.add(negated ? term.negate() : term);
		}
		return new GmailQuery(terms);
	}

	boolean matches(MailMessage message) {
		return this.terms.stream().allMatch((term) -> term.test(message));
	}

	private static Predicate<MailMessage> term(String operator, String value, Instant now) {
		if (operator == null) {
			return (message) -> message.searchable().contains(value);
		}
		switch (operator) {
			case "from":
				return (message) -> message.from().toLowerCase(Locale.ROOT).contains(value);
			case "to":
				return (message) -> message.to().toLowerCase(Locale.ROOT).contains(value);
			case "subject":
				return (message) -> message.subject().toLowerCase(Locale.ROOT).contains(value);
			case "newer_than":
			case "older_than":
				Matcher age = AGE.matcher(value);
				if (!age.matches()) {
					return (message) -> false;
				}
				Instant cutoff = now.minus(age(Integer.parseInt(age.group(1)), age.group(2)));
				return operator.equals("newer_than") ? (message) -> message.internalDate().isAfter(cutoff)
						: (message) -> message.internalDate().isBefore(cutoff);
			case "is":
				return is(value);
			case "in":
			case "label":
				if (value.equals("anywhere")) {
					return (message) -> true;
				}
				String label = value.toUpperCase(Locale.ROOT).replace('-', '_');
				return (message) -> message.labelIds().contains(label);
			case "has":
				return value.equals("attachment") ? MailMessage::hasAttachment : (message) -> false;
			default:
				// Gmail reads an unknown operator as words.
				String words = operator + ":" + value;
				return (message) -> message.searchable().contains(words);
		}
	}

	private static Predicate<MailMessage> is(String value) {
		switch (value) {
			case "unread":
				return (message) -> message.labelIds().contains("UNREAD");
			case "read":
				return (message) -> !message.labelIds().contains("UNREAD");
			case "starred":
				return (message) -> message.labelIds().contains("STARRED");
			case "important":
				return (message) -> message.labelIds().contains("IMPORTANT");
			default:
				return (message) -> false;
		}
	}

	private static Duration age(int count, String unit) {
		switch (unit) {
			case "d":
				return Duration.ofDays(count);
			case "m":
				return Duration.ofDays(30L * count);
			default:
				return Duration.ofDays(365L * count);
		}
	}

	private static String unquote(String value) {
		return (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\""))
				? value.substring(1, value.length() - 1) : value;
	}

}
