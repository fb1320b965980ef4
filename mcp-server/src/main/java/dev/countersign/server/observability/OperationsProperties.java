package dev.countersign.server.observability;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Spring binding for {@code countersign.operations.*}.
 *
 * @param drainTimeout how long shutdown waits for approved writes already executing;
 * default 25 s ({@code DEFAULT_DRAIN_TIMEOUT})
 * @param pendingRefresh how old the {@code countersign.actions.pending} count may get
 * before a scrape starts a new one; default 15 s ({@code DEFAULT_PENDING_REFRESH})
 */
@ConfigurationProperties("countersign.operations")
public record OperationsProperties(@Nullable Duration drainTimeout, @Nullable Duration pendingRefresh) {

	/**
	 * The default drain timeout: 25 s, inside Spring's default 30 s per shutdown phase
	 * and Kubernetes' default 30 s grace period.
	 */
	public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(25);

	/** The default refresh period of the pending actions gauge: 15 s. */
	public static final Duration DEFAULT_PENDING_REFRESH = Duration.ofSeconds(15);

	public OperationsProperties {
		if (drainTimeout != null && (drainTimeout.isNegative() || drainTimeout.isZero())) {
			throw new IllegalArgumentException(
					"countersign.operations.drain-timeout must be positive, but was " + drainTimeout);
		}
		if (pendingRefresh != null && (pendingRefresh.isNegative() || pendingRefresh.isZero())) {
			throw new IllegalArgumentException(
					"countersign.operations.pending-refresh must be positive, but was " + pendingRefresh);
		}
	}

	/**
	 * The drain timeout in force.
	 * @return the setting, or the default
	 */
	public Duration effectiveDrainTimeout() {
		return (this.drainTimeout != null) ? this.drainTimeout : DEFAULT_DRAIN_TIMEOUT;
	}

	/**
	 * The pending gauge's refresh period in force.
	 * @return the setting, or the default
	 */
	public Duration effectivePendingRefresh() {
		return (this.pendingRefresh != null) ? this.pendingRefresh : DEFAULT_PENDING_REFRESH;
	}

}
