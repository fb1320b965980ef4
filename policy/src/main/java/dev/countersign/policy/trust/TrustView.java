package dev.countersign.policy.trust;

import java.time.Instant;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * One agent's trust as a user sees it at one moment (the config API's {@code GET
 * /api/v1/agents/{agent}}).
 *
 * @param agent the agent id
 * @param score the decayed score at {@code at}
 * @param earnedLevel the level the score earns
 * @param effectiveLevel the level policy uses: min(ceiling, pinned or earned), L0 when
 * revoked
 * @param ceiling the user's ceiling for the agent
 * @param pinned the pinned level, or {@code null}
 * @param revoked whether the agent is revoked
 * @param at when this view was taken
 */
public record TrustView(String agent, double score, TrustLevel earnedLevel, TrustLevel effectiveLevel,
		TrustLevel ceiling, @Nullable TrustLevel pinned, boolean revoked, Instant at) {

	public TrustView {
		Objects.requireNonNull(agent, "agent must not be null");
		Objects.requireNonNull(earnedLevel, "earnedLevel must not be null");
		Objects.requireNonNull(effectiveLevel, "effectiveLevel must not be null");
		Objects.requireNonNull(ceiling, "ceiling must not be null");
		Objects.requireNonNull(at, "at must not be null");
	}

	/**
	 * The view of a record at a moment.
	 * @param trust the stored record
	 * @param now the moment
	 * @param figures the trust figures
	 * @return the view
	 */
	public static TrustView of(AgentTrust trust, Instant now, TrustFigures figures) {
		return new TrustView(trust.agent(), trust.scoreAt(now, figures), trust.earnedLevel(now, figures),
				trust.effectiveLevel(now, figures), trust.ceiling(), trust.pinned(), trust.revoked(), now);
	}

}
