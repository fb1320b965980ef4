package dev.countersign.policy.calibration;

import java.time.Instant;
import java.util.Objects;

import dev.countersign.policy.rule.Effect;
import dev.countersign.policy.rule.Rule;

/**
 * A calibration suggestion: "auto-approve {@code tool} for agent {@code agent}?".
 *
 * @param id the suggestion id, {@value #ID_PREFIX}…
 * @param user the user it is for
 * @param agent the agent
 * @param tool the write tool
 * @param counts the user's answers that led to it (kept up to date while open)
 * @param status where it stands
 * @param createdAt when it was opened
 * @param updatedAt when it last changed
 */
public record Suggestion(String id, String user, String agent, String tool, OutcomeCounts counts,
		SuggestionStatus status, Instant createdAt, Instant updatedAt) {

	/** The prefix of suggestion ids. */
	public static final String ID_PREFIX = "sug_";

	public Suggestion {
		Objects.requireNonNull(id, "id must not be null");
		Objects.requireNonNull(user, "user must not be null");
		Objects.requireNonNull(agent, "agent must not be null");
		Objects.requireNonNull(tool, "tool must not be null");
		Objects.requireNonNull(counts, "counts must not be null");
		Objects.requireNonNull(status, "status must not be null");
		Objects.requireNonNull(createdAt, "createdAt must not be null");
		Objects.requireNonNull(updatedAt, "updatedAt must not be null");
	}

	/**
	 * What the config API shows.
	 * @return for example {@code auto-approve email_create_draft for agent claude?}
	 */
	public String text() {
		return "auto-approve " + this.tool + " for agent " + this.agent + "? You approved " + this.counts.approved()
				+ " of " + (this.counts.approved() + this.counts.denied()) + " such writes.";
	}

	/**
	 * The rule accepting it adds: {@code {"tools":[tool], "agents":[agent],
	 * "effect":"auto"}}. Append it after the user's rules, so that their stricter rules
	 * (and the defaults) still win.
	 * @return the rule, with id {@code from-} and this suggestion's id
	 * @throws IllegalStateException when the agent id holds glob wildcards, so that the
	 * rule would match other agents too
	 */
	public Rule toRule() {
		if (this.agent.contains("*") || this.agent.contains("?")) {
			throw new IllegalStateException("agent " + this.agent + " holds a wildcard; no rule can name only it");
		}
		return Rule.builder("from-" + this.id, Effect.AUTO)
			.description("Accepted suggestion: auto-approve " + this.tool + " for agent " + this.agent)
			.tools(this.tool)
			.agents(this.agent)
			.build();
	}

	/**
	 * This suggestion with other counts.
	 * @param newCounts the counts
	 * @param at when
	 * @return the changed copy
	 */
	public Suggestion withCounts(OutcomeCounts newCounts, Instant at) {
		return new Suggestion(this.id, this.user, this.agent, this.tool, newCounts, this.status, this.createdAt, at);
	}

	/**
	 * This suggestion decided.
	 * @param newStatus {@code ACCEPTED} or {@code DISMISSED}
	 * @param at when
	 * @return the changed copy
	 */
	public Suggestion withStatus(SuggestionStatus newStatus, Instant at) {
		return new Suggestion(this.id, this.user, this.agent, this.tool, this.counts, newStatus, this.createdAt, at);
	}

}
