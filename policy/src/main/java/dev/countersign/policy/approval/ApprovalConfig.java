package dev.countersign.policy.approval;

import java.time.Duration;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * How the approval loop behaves (DESIGN §4). Every default is a {@code DEFAULT_*}
 * constant below.
 *
 * <pre>{@code
 * ApprovalConfig config = ApprovalConfig.defaults().withMaxBatchSize(20);
 * }</pre>
 *
 * @param pendingTtl how long an action may wait for approval ({@code approve_by} = frozen
 * + this)
 * @param maxPendingPerAgent the most live actions one agent may hold for one user
 * @param batchWindow how long a batch stays open after its oldest pending action
 * @param maxBatchSize the most actions in one batch, 1 to {@value #MAX_BATCH_SIZE}
 * @param executionWindow how long after approval the actions may start
 * @param lowConfidenceAt the confidence at or below which a write is flagged
 * low-confidence ({@code review_below}); a missing confidence counts as 0
 */
public record ApprovalConfig(Duration pendingTtl, int maxPendingPerAgent, Duration batchWindow, int maxBatchSize,
		Duration executionWindow, double lowConfidenceAt) {

	/** By default an action expires 15 minutes after it was frozen unless approved. */
	public static final Duration DEFAULT_PENDING_TTL = Duration.ofMinutes(15);

	/** By default an agent may hold 50 live actions per user. */
	public static final int DEFAULT_MAX_PENDING_PER_AGENT = 50;

	/** By default a batch closes 30 seconds after its oldest pending action. */
	public static final Duration DEFAULT_BATCH_WINDOW = Duration.ofSeconds(30);

	/** By default a batch holds at most 9 actions: what one phone screen lists. */
	public static final int DEFAULT_MAX_BATCH_SIZE = 9;

	/** The largest batch size that may be configured. */
	public static final int MAX_BATCH_SIZE = 50;

	/**
	 * By default approved actions must start within 120 seconds (never longer than the
	 * CIBA token lives).
	 */
	public static final Duration DEFAULT_EXECUTION_WINDOW = Duration.ofSeconds(120);

	/** By default a confidence at or below 0.50 is low ({@code review_below}). */
	public static final double DEFAULT_LOW_CONFIDENCE_AT = 0.50;

	public ApprovalConfig {
		requirePositive("pendingTtl", pendingTtl);
		requirePositive("batchWindow", batchWindow);
		requirePositive("executionWindow", executionWindow);
		if (maxPendingPerAgent < 1) {
			throw new IllegalArgumentException("maxPendingPerAgent must be positive, but was " + maxPendingPerAgent);
		}
		if (maxBatchSize < 1 || maxBatchSize > MAX_BATCH_SIZE) {
			throw new IllegalArgumentException(
					"maxBatchSize must be between 1 and " + MAX_BATCH_SIZE + ", but was " + maxBatchSize);
		}
		if (!(lowConfidenceAt >= 0.0 && lowConfidenceAt <= 1.0)) {
			throw new IllegalArgumentException("lowConfidenceAt must be between 0 and 1, but was " + lowConfidenceAt);
		}
	}

	/**
	 * The defaults.
	 * @return a config of the {@code DEFAULT_*} values
	 */
	public static ApprovalConfig defaults() {
		return new ApprovalConfig(DEFAULT_PENDING_TTL, DEFAULT_MAX_PENDING_PER_AGENT, DEFAULT_BATCH_WINDOW,
				DEFAULT_MAX_BATCH_SIZE, DEFAULT_EXECUTION_WINDOW, DEFAULT_LOW_CONFIDENCE_AT);
	}

	/**
	 * This config with another pending TTL.
	 * @param ttl how long an action may wait for approval
	 * @return the changed copy
	 */
	public ApprovalConfig withPendingTtl(Duration ttl) {
		return new ApprovalConfig(ttl, this.maxPendingPerAgent, this.batchWindow, this.maxBatchSize,
				this.executionWindow, this.lowConfidenceAt);
	}

	/**
	 * This config with another per-agent cap.
	 * @param max the most live actions per agent and user
	 * @return the changed copy
	 */
	public ApprovalConfig withMaxPendingPerAgent(int max) {
		return new ApprovalConfig(this.pendingTtl, max, this.batchWindow, this.maxBatchSize, this.executionWindow,
				this.lowConfidenceAt);
	}

	/**
	 * This config with another batch window.
	 * @param window how long a batch stays open after its oldest action
	 * @return the changed copy
	 */
	public ApprovalConfig withBatchWindow(Duration window) {
		return new ApprovalConfig(this.pendingTtl, this.maxPendingPerAgent, window, this.maxBatchSize,
				this.executionWindow, this.lowConfidenceAt);
	}

	/**
	 * This config with another batch size.
	 * @param max the most actions per batch, 1 to {@value #MAX_BATCH_SIZE}
	 * @return the changed copy
	 */
	public ApprovalConfig withMaxBatchSize(int max) {
		return new ApprovalConfig(this.pendingTtl, this.maxPendingPerAgent, this.batchWindow, max, this.executionWindow,
				this.lowConfidenceAt);
	}

	/**
	 * This config with another execution window.
	 * @param window how long after approval the actions may start
	 * @return the changed copy
	 */
	public ApprovalConfig withExecutionWindow(Duration window) {
		return new ApprovalConfig(this.pendingTtl, this.maxPendingPerAgent, this.batchWindow, this.maxBatchSize, window,
				this.lowConfidenceAt);
	}

	/**
	 * This config with another low-confidence threshold.
	 * @param threshold the confidence at or below which a write is low-confidence
	 * @return the changed copy
	 */
	public ApprovalConfig withLowConfidenceAt(double threshold) {
		return new ApprovalConfig(this.pendingTtl, this.maxPendingPerAgent, this.batchWindow, this.maxBatchSize,
				this.executionWindow, threshold);
	}

	/**
	 * Whether a stated confidence is low.
	 * @param confidence the agent's confidence, or {@code null} when it gave none (counts
	 * as 0)
	 * @return true at or below {@link #lowConfidenceAt()}
	 */
	public boolean isLowConfidence(@Nullable Double confidence) {
		return ((confidence != null) ? confidence : 0.0) <= this.lowConfidenceAt;
	}

	private static void requirePositive(String name, Duration value) {
		Objects.requireNonNull(value, name + " must not be null");
		if (value.isNegative() || value.isZero()) {
			throw new IllegalArgumentException(name + " must be positive, but was " + value);
		}
	}

}
