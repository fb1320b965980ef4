package dev.countersign.policy.change;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * What a pending change does. The wire name is lower snake case.
 */
public enum ChangeKind {

	/** Replaces the routing settings; the document is the new routing JSON. */
	ROUTING,

	/** Adds a rule; the document is the rule JSON (and its position). */
	RULE_CREATE,

	/** Replaces a rule; the document is the new rule JSON. */
	RULE_REPLACE,

	/** Deletes a rule; the target is its id. */
	RULE_DELETE,

	/** Changes an agent's ceiling or pinned level; the document holds them. */
	AGENT_TRUST,

	/** Restores a revoked agent; the target is the agent. */
	AGENT_RESTORE,

	/** Accepts a calibration suggestion; the target is its id. */
	SUGGESTION_ACCEPT;

	/**
	 * The wire name.
	 * @return for example {@code rule_create}
	 */
	public String wireName() {
		return name().toLowerCase(Locale.ROOT);
	}

	/**
	 * Finds a kind by its wire name.
	 * @param wireName for example {@code routing}
	 * @return the kind, or empty
	 */
	public static Optional<ChangeKind> fromWireName(String wireName) {
		return Arrays.stream(values()).filter((kind) -> kind.wireName().equals(wireName)).findFirst();
	}

}
