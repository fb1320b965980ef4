package dev.countersign.policy.rule;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import dev.countersign.policy.tool.Risk;
import dev.countersign.policy.tool.ToolDescriptor;
import org.jspecify.annotations.Nullable;

/**
 * One user rule (DESIGN §6): which calls it matches, and its {@link Effect}.
 *
 * <p>
 * A rule matches a call when every part it sets matches: the tool name matches one of
 * {@code tools}, the tool's connection one of {@code connections}, the agent one of
 * {@code agents} (globs, case-sensitive), the effective risk is one of {@code risks}, and
 * every {@link Condition} of {@code when} holds. An empty list is left out of the JSON
 * and matches anything. A rule with {@code risks} never matches a read (reads carry no
 * risk).
 *
 * <pre>{@code
 * Rule rule = Rule.builder("big-deals", Effect.REVIEW_NOW)
 *     .tools("deal_create", "deal_update")
 *     .when(Condition.of("amount", Op.GT, 50000))
 *     .build();
 * }</pre>
 *
 * @param id the rule id, 1 to 64 letters, digits, {@code _ . -}
 * @param description what the rule is for, at most {@value #MAX_DESCRIPTION} characters,
 * or {@code null}
 * @param tools tool name globs; empty for any tool
 * @param connections connection globs; empty for any connection
 * @param agents agent id globs; empty for any agent
 * @param risks the risks it applies to (LOW, MEDIUM, HIGH); empty for any
 * @param when conditions on the arguments, all of which must hold; empty for none
 * @param effect what a match does
 */
public record Rule(String id, @Nullable String description, List<String> tools, List<String> connections,
		List<String> agents, List<Risk> risks, List<Condition> when, Effect effect) {

	/** The longest description. */
	public static final int MAX_DESCRIPTION = 500;

	/** The most globs in each of {@code tools}, {@code connections}, {@code agents}. */
	public static final int MAX_GLOBS = 50;

	/** The most conditions in {@code when}. */
	public static final int MAX_CONDITIONS = 20;

	private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

	private static final Pattern NAME_GLOB = Pattern.compile("[A-Za-z0-9_.:@|*?-]{1,200}");

	public Rule {
		if (id == null || !ID.matcher(id).matches()) {
			throw new InvalidRuleException("id", "must be 1 to 64 letters, digits, _ . or - (starting with a "
					+ "letter or digit), but was " + ((id != null) ? "\"" + Condition.shorten(id) + "\"" : "missing"));
		}
		if (description != null
				&& (description.length() > MAX_DESCRIPTION || description.chars().anyMatch(Character::isISOControl))) {
			throw new InvalidRuleException("description",
					"must be at most " + MAX_DESCRIPTION + " characters without control characters");
		}
		tools = globs("tools", tools);
		connections = globs("connections", connections);
		agents = globs("agents", agents);
		risks = risks(risks);
		if (when == null) {
			throw new InvalidRuleException("when", "must not be null");
		}
		if (when.size() > MAX_CONDITIONS) {
			throw new InvalidRuleException("when",
					"must hold at most " + MAX_CONDITIONS + " conditions, but held " + when.size());
		}
		for (int i = 0; i < when.size(); i++) {
			if (when.get(i) == null) {
				throw new InvalidRuleException("when[" + i + "]", "must not be null");
			}
		}
		when = List.copyOf(when);
		if (effect == null) {
			throw new InvalidRuleException("effect", "is required");
		}
	}

	/**
	 * Starts a rule.
	 * @param id the rule id
	 * @param effect what a match does
	 * @return a builder
	 */
	public static Builder builder(String id, Effect effect) {
		return new Builder(id, effect);
	}

	/**
	 * Whether the rule matches a call.
	 * @param tool the tool called
	 * @param risk the call's effective risk ({@link Risk#NONE} for a read)
	 * @param agent the agent calling
	 * @param arguments the call's normalised arguments
	 * @param ownDomains the user's own email domains, lower case (for
	 * {@code recipients_outside})
	 * @return true when every part of the rule matches
	 */
	public boolean matches(ToolDescriptor tool, Risk risk, String agent,
			Map<String, ? extends @Nullable Object> arguments, Set<String> ownDomains) {
		return anyGlob(this.tools, tool.name()) && anyGlob(this.connections, tool.connection())
				&& anyGlob(this.agents, agent) && (this.risks.isEmpty() || this.risks.contains(risk))
				&& this.when.stream().allMatch((condition) -> condition.matches(arguments, ownDomains));
	}

	/**
	 * Whether this rule surely matches every call the other matches (and maybe more),
	 * judged from the rules' text alone: each of this rule's name and risk lists is
	 * empty, holds {@code *}, or covers every entry of the other's (non-empty) list (the
	 * same glob, or a plain name one of its globs matches), and this rule's conditions
	 * are a subset of the other's. False means "not sure", never "surely not".
	 * @param other the other rule
	 * @return true when this rule's matches surely include the other's
	 */
	public boolean covers(Rule other) {
		return coversGlobs(this.tools, other.tools) && coversGlobs(this.connections, other.connections)
				&& coversGlobs(this.agents, other.agents)
				&& (this.risks.isEmpty() || (!other.risks.isEmpty() && this.risks.containsAll(other.risks)))
				&& new HashSet<>(other.when).containsAll(this.when);
	}

	/**
	 * Whether this rule matches the same calls as another, judged from the text: both
	 * cover each other.
	 * @param other the other rule
	 * @return true when both match surely the same calls
	 */
	public boolean sameScope(Rule other) {
		return covers(other) && other.covers(this);
	}

	/**
	 * What the rule checks, for decision reasons: its conditions, or else its scope.
	 * @return for example {@code amount gt 50000} or
	 * {@code tools github_merge_pull_request}
	 */
	public String describe() {
		List<String> parts = new ArrayList<>();
		if (!this.when.isEmpty()) {
			this.when.forEach((condition) -> parts.add(condition.describe()));
			return String.join(" and ", parts);
		}
		if (!this.tools.isEmpty()) {
			parts.add("tools " + String.join(", ", this.tools));
		}
		if (!this.connections.isEmpty()) {
			parts.add("connections " + String.join(", ", this.connections));
		}
		if (!this.agents.isEmpty()) {
			parts.add("agents " + String.join(", ", this.agents));
		}
		if (!this.risks.isEmpty()) {
			parts.add("risk " + String.join(", ", this.risks.stream().map(Risk::name).toList()));
		}
		return parts.isEmpty() ? "every call" : String.join("; ", parts);
	}

	/**
	 * This rule with another id (the config API's {@code PUT /rules/{id}} keeps the
	 * path's id).
	 * @param newId the id
	 * @return the changed copy
	 */
	public Rule withId(String newId) {
		return new Rule(newId, this.description, this.tools, this.connections, this.agents, this.risks, this.when,
				this.effect);
	}

	private static boolean anyGlob(List<String> globs, String name) {
		return globs.isEmpty() || globs.stream().anyMatch((glob) -> Glob.matches(glob, name, false));
	}

	private static boolean coversGlobs(List<String> mine, List<String> theirs) {
		if (mine.isEmpty() || mine.contains("*")) {
			return true;
		}
		// each of theirs must be one of mine, or a plain name one of my globs matches
		return !theirs.isEmpty() && theirs.stream()
			.allMatch((entry) -> mine.contains(entry) || (entry.indexOf('*') < 0 && entry.indexOf('?') < 0
					&& mine.stream().anyMatch((glob) -> Glob.matches(glob, entry, false))));
	}

	private static List<String> globs(String field, @Nullable List<String> globs) {
		if (globs == null) {
			throw new InvalidRuleException(field, "must not be null");
		}
		if (globs.size() > MAX_GLOBS) {
			throw new InvalidRuleException(field,
					"must hold at most " + MAX_GLOBS + " names, but held " + globs.size());
		}
		for (int i = 0; i < globs.size(); i++) {
			String glob = globs.get(i);
			if (glob == null || !NAME_GLOB.matcher(glob).matches()) {
				throw new InvalidRuleException(field + "[" + i + "]",
						"must be a name or glob of letters, digits, _ . : @ | - and the wildcards * ?, but was "
								+ ((glob != null) ? "\"" + Condition.shorten(glob) + "\"" : "null"));
			}
		}
		return List.copyOf(globs);
	}

	private static List<Risk> risks(@Nullable List<Risk> risks) {
		if (risks == null) {
			throw new InvalidRuleException("risk", "must not be null");
		}
		EnumSet<Risk> set = EnumSet.noneOf(Risk.class);
		for (int i = 0; i < risks.size(); i++) {
			Risk risk = risks.get(i);
			if (risk == null || risk == Risk.NONE) {
				throw new InvalidRuleException("risk[" + i + "]", "must be LOW, MEDIUM or HIGH");
			}
			set.add(risk);
		}
		return List.copyOf(set);
	}

	/**
	 * Builds a {@link Rule}; lists left unset match anything.
	 */
	public static final class Builder {

		private final String id;

		private final Effect effect;

		private @Nullable String description;

		private List<String> tools = List.of();

		private List<String> connections = List.of();

		private List<String> agents = List.of();

		private List<Risk> risks = List.of();

		private final List<Condition> when = new ArrayList<>();

		private Builder(String id, Effect effect) {
			this.id = id;
			this.effect = effect;
		}

		/**
		 * Sets the description.
		 * @param text what the rule is for
		 * @return this builder
		 */
		public Builder description(@Nullable String text) {
			this.description = text;
			return this;
		}

		/**
		 * Sets the tool globs.
		 * @param globs tool name globs
		 * @return this builder
		 */
		public Builder tools(String... globs) {
			this.tools = Arrays.asList(globs);
			return this;
		}

		/**
		 * Sets the connection globs.
		 * @param globs connection globs
		 * @return this builder
		 */
		public Builder connections(String... globs) {
			this.connections = Arrays.asList(globs);
			return this;
		}

		/**
		 * Sets the agent globs.
		 * @param globs agent id globs
		 * @return this builder
		 */
		public Builder agents(String... globs) {
			this.agents = Arrays.asList(globs);
			return this;
		}

		/**
		 * Sets the risks.
		 * @param values the risks
		 * @return this builder
		 */
		public Builder risks(Risk... values) {
			this.risks = Arrays.asList(values);
			return this;
		}

		/**
		 * Adds conditions.
		 * @param conditions conditions that must all hold
		 * @return this builder
		 */
		public Builder when(Condition... conditions) {
			this.when.addAll(Arrays.asList(conditions));
			return this;
		}

		/**
		 * Builds the rule.
		 * @return the validated rule
		 * @throws InvalidRuleException naming the field that is wrong
		 */
		public Rule build() {
			return new Rule(this.id, this.description, this.tools, this.connections, this.agents, this.risks, this.when,
					this.effect);
		}

	}

}
