package dev.countersign.server.limit;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;

import dev.countersign.server.auth.InvalidConfigurationException;

/**
 * Spring binding for {@code countersign.limits.*}: how often one agent may call tools for
 * one user (DESIGN §9). Every setting is optional.
 *
 * @param enabled whether tool calls are rate limited at all; default true
 * @param callsPerSecond the sustained rate of tool calls per (user, agent), governance
 * tools apart; default 20
 * @param burst how many tool calls per (user, agent) may come at once before the rate
 * applies; default 40
 * @param governanceCallsPerSecond the sustained rate of {@code action_status},
 * {@code list_pending_actions} and {@code cancel_action} calls per (user, agent), a
 * budget of their own; at least {@code calls-per-second}; default 100
 * @param governanceBurst how many governance calls may come at once; at least
 * {@code burst}; default 200
 */
@ConfigurationProperties("countersign.limits")
public record LimitProperties(@Nullable Boolean enabled, @Nullable Double callsPerSecond, @Nullable Integer burst,
		@Nullable Double governanceCallsPerSecond, @Nullable Integer governanceBurst) {

	/** By default an agent may make 20 tool calls a second for a user. */
	public static final double DEFAULT_CALLS_PER_SECOND = 20;

	/** By default an agent may make 40 tool calls at once. */
	public static final int DEFAULT_BURST = 40;

	/**
	 * By default the governance tools allow 100 calls a second: an agent that polls each
	 * of its 50 allowed pending actions once a second uses half of it.
	 */
	public static final double DEFAULT_GOVERNANCE_CALLS_PER_SECOND = 100;

	/** By default 200 governance calls may come at once. */
	public static final int DEFAULT_GOVERNANCE_BURST = 200;

	/**
	 * Whether limits apply.
	 * @return the setting, default true
	 */
	public boolean effectiveEnabled() {
		return this.enabled == null || this.enabled;
	}

	/**
	 * The tool budget.
	 * @return the rate and burst
	 * @throws InvalidConfigurationException naming the setting when the rate is not
	 * positive or the burst below 1
	 */
	public Budget tools() {
		double rate = rate("countersign.limits.calls-per-second", this.callsPerSecond, DEFAULT_CALLS_PER_SECOND);
		int size = burst("countersign.limits.burst", this.burst, DEFAULT_BURST);
		return new Budget(rate, size);
	}

	/**
	 * The governance budget, never smaller than the tool budget.
	 * @return the rate and burst
	 * @throws InvalidConfigurationException naming the setting when the rate is not
	 * positive, the burst below 1, or either below the tool budget's
	 */
	public Budget governance() {
		Budget tools = tools();
		double rate = rate("countersign.limits.governance-calls-per-second", this.governanceCallsPerSecond,
				DEFAULT_GOVERNANCE_CALLS_PER_SECOND);
		int size = burst("countersign.limits.governance-burst", this.governanceBurst, DEFAULT_GOVERNANCE_BURST);
		if (rate < tools.callsPerSecond()) {
			throw new InvalidConfigurationException("countersign.limits.governance-calls-per-second",
					"must be at least countersign.limits.calls-per-second (" + Budget.format(tools.callsPerSecond())
							+ "), so that polling action_status is never limited sooner than other calls, but was "
							+ Budget.format(rate));
		}
		if (size < tools.burst()) {
			throw new InvalidConfigurationException("countersign.limits.governance-burst",
					"must be at least countersign.limits.burst (" + tools.burst() + "), but was " + size);
		}
		return new Budget(rate, size);
	}

	private static double rate(String setting, @Nullable Double value, double fallback) {
		double rate = (value != null) ? value : fallback;
		if (!(rate > 0) || Double.isInfinite(rate)) {
			throw new InvalidConfigurationException(setting, "must be a positive number of calls, but was " + rate);
		}
		return rate;
	}

	private static int burst(String setting, @Nullable Integer value, int fallback) {
		int burst = (value != null) ? value : fallback;
		if (burst < 1) {
			throw new InvalidConfigurationException(setting, "must be at least 1, but was " + burst);
		}
		return burst;
	}

	/**
	 * A rate with its burst.
	 *
	 * @param callsPerSecond the sustained rate
	 * @param burst the most calls at once
	 */
	public record Budget(double callsPerSecond, int burst) {

		/**
		 * A rate for people: {@code 20}, or {@code 0.5}.
		 * @param rate the rate
		 * @return the rate without a needless fraction
		 */
		static String format(double rate) {
			return (rate == Math.rint(rate) && rate < Long.MAX_VALUE) ? Long.toString((long) rate)
					: Double.toString(rate);
		}

		@Override
		public String toString() {
			return format(this.callsPerSecond) + "/s, burst " + this.burst;
		}

	}

}
