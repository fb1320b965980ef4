package dev.countersign.policy.calibration;

import java.util.Locale;

/**
 * Where a suggestion stands. The wire name is lower case. A decided suggestion (accepted
 * or dismissed) stays decided: no new suggestion is made for the same agent and tool.
 */
public enum SuggestionStatus {

	/** Waiting for the user. */
	OPEN,

	/** The user accepted it (after approving the loosening). */
	ACCEPTED,

	/** The user dismissed it. */
	DISMISSED;

	/**
	 * The wire name.
	 * @return for example {@code open}
	 */
	public String wireName() {
		return name().toLowerCase(Locale.ROOT);
	}

}
