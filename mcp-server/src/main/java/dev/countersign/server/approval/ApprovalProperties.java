package dev.countersign.server.approval;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.convert.DurationUnit;

import dev.countersign.ciba.CibaOptions;
import dev.countersign.policy.approval.ApprovalConfig;
import dev.countersign.policy.approval.BatchSigner;
import dev.countersign.server.auth.InvalidConfigurationException;

/**
 * Spring binding for {@code countersign.approval.*} (DESIGN §4, §10). Every setting is
 * optional; the defaults are {@link ApprovalConfig}'s {@code DEFAULT_*} constants and the
 * ones below. {@link #toString()} never shows a key.
 *
 * @param batchWindow how long a batch stays open after its oldest pending action; default
 * 30 s
 * @param maxBatchSize the most actions in one batch, 1 to 50; default 9
 * @param executionWindow how long after approval actions may start, at most 10 min and
 * never longer than the CIBA token lives; default 120 s
 * @param requestedExpiry the CIBA {@code requested_expiry}, whole seconds (a bare number
 * is seconds), at most 300; default 300
 * @param maxPendingPerAgent the most live actions one agent may hold for one user;
 * default 50
 * @param pendingTtl how long an action may wait for approval, longer than the batch
 * window; default 15 min
 * @param signingKey the batch signing key, raw text of at least 32 bytes; when unset on
 * the memory store, a random key is made at each start
 * @param signingKeyId the id of the signing key; default {@code k1}
 * @param verifyKeys other keys that still verify (key id to raw text), for rotation
 * @param pollPeriod how often the approval loop runs; default 1 s
 * @param leaseTtl how long a replica's lease on a user's approval work lasts unrenewed
 * (DESIGN §8); longer than {@code pollPeriod}; default 15 s
 * @param orphanAfter how long an action must have been {@code EXECUTING}, with no
 * execution of the replica holding the user's lease running it, before it is taken for an
 * orphan of a stopped replica and marked {@code UNKNOWN}; default 60 s
 */
@ConfigurationProperties("countersign.approval")
public record ApprovalProperties(@Nullable Duration batchWindow, @Nullable Integer maxBatchSize,
		@Nullable Duration executionWindow, @Nullable @DurationUnit(ChronoUnit.SECONDS) Duration requestedExpiry,
		@Nullable Integer maxPendingPerAgent, @Nullable Duration pendingTtl, @Nullable String signingKey,
		@Nullable String signingKeyId, @Nullable Map<String, String> verifyKeys, @Nullable Duration pollPeriod,
		@Nullable Duration leaseTtl, @Nullable Duration orphanAfter) {

	/** By default the CIBA request asks to live 300 s: Auth0's most for a push. */
	public static final Duration DEFAULT_REQUESTED_EXPIRY = CibaOptions.AUTH0_MAX_REQUESTED_EXPIRY;

	/**
	 * The longest execution window: an approved write runs within minutes of the tap or
	 * not at all, and the provider tokens exchanged for a batch stay in memory no longer.
	 */
	public static final Duration MAX_EXECUTION_WINDOW = Duration.ofMinutes(10);

	/** By default the approval loop runs every second. */
	public static final Duration DEFAULT_POLL_PERIOD = Duration.ofSeconds(1);

	/**
	 * The engine settings.
	 * @return the config, defaults where unset
	 * @throws InvalidConfigurationException naming the first setting out of range
	 */
	public ApprovalConfig toConfig() {
		ApprovalConfig defaults = ApprovalConfig.defaults();
		Duration window = positive("countersign.approval.batch-window", this.batchWindow, defaults.batchWindow());
		Duration execution = positive("countersign.approval.execution-window", this.executionWindow,
				defaults.executionWindow());
		Duration ttl = positive("countersign.approval.pending-ttl", this.pendingTtl, defaults.pendingTtl());
		if (execution.compareTo(MAX_EXECUTION_WINDOW) > 0) {
			throw new InvalidConfigurationException("countersign.approval.execution-window", "must be at most "
					+ MAX_EXECUTION_WINDOW.toMinutes()
					+ " min (approved writes run right after the tap, and their provider tokens live no longer), but was "
					+ execution);
		}
		if (ttl.compareTo(window) <= 0) {
			throw new InvalidConfigurationException("countersign.approval.pending-ttl",
					"must be longer than countersign.approval.batch-window (" + window
							+ "), or every write would expire before its batch closes, but was " + ttl);
		}
		int size = (this.maxBatchSize != null) ? this.maxBatchSize : defaults.maxBatchSize();
		if (size < 1 || size > ApprovalConfig.MAX_BATCH_SIZE) {
			throw new InvalidConfigurationException("countersign.approval.max-batch-size",
					"must be between 1 and " + ApprovalConfig.MAX_BATCH_SIZE + ", but was " + size);
		}
		int perAgent = (this.maxPendingPerAgent != null) ? this.maxPendingPerAgent : defaults.maxPendingPerAgent();
		if (perAgent < 1) {
			throw new InvalidConfigurationException("countersign.approval.max-pending-per-agent",
					"must be positive, but was " + perAgent);
		}
		return defaults.withBatchWindow(window)
			.withExecutionWindow(execution)
			.withPendingTtl(ttl)
			.withMaxBatchSize(size)
			.withMaxPendingPerAgent(perAgent);
	}

	/**
	 * The {@code requested_expiry} sent with every CIBA request.
	 * @return whole seconds, 1 to 300
	 * @throws InvalidConfigurationException when above 300 s (Auth0 then sends an email
	 * instead of a push), not positive, or not whole seconds
	 */
	public Duration effectiveRequestedExpiry() {
		Duration expiry = (this.requestedExpiry != null) ? this.requestedExpiry : DEFAULT_REQUESTED_EXPIRY;
		if (expiry.isNegative() || expiry.isZero() || expiry.toNanosPart() != 0
				|| expiry.compareTo(CibaOptions.AUTH0_MAX_REQUESTED_EXPIRY) > 0) {
			throw new InvalidConfigurationException("countersign.approval.requested-expiry",
					"must be a whole number of seconds from 1 to 300 (above 300 Auth0 sends an email instead of a push), but was "
							+ expiry.toSeconds() + "s");
		}
		return expiry;
	}

	/**
	 * How often the approval loop runs.
	 * @return the period, default {@link #DEFAULT_POLL_PERIOD}
	 */
	public Duration effectivePollPeriod() {
		return positive("countersign.approval.poll-period", this.pollPeriod, DEFAULT_POLL_PERIOD);
	}

	/**
	 * How long a replica's lease on a user lasts unrenewed.
	 * @return the time to live, default {@link Replica#DEFAULT_LEASE_TTL}
	 * @throws InvalidConfigurationException when not positive or not longer than the poll
	 * period (the lease would lapse between two renewals)
	 */
	public Duration effectiveLeaseTtl() {
		Duration ttl = positive("countersign.approval.lease-ttl", this.leaseTtl, Replica.DEFAULT_LEASE_TTL);
		Duration period = effectivePollPeriod();
		if (ttl.compareTo(period) <= 0) {
			throw new InvalidConfigurationException("countersign.approval.lease-ttl",
					"must be longer than countersign.approval.poll-period (" + period
							+ "), since a lease is renewed once per tick, but was " + ttl);
		}
		return ttl;
	}

	/**
	 * How long an action must have been {@code EXECUTING} elsewhere before recovery takes
	 * it for an orphan.
	 * @return the duration, default {@link Replica#DEFAULT_ORPHAN_AFTER}
	 * @throws InvalidConfigurationException when not positive
	 */
	public Duration effectiveOrphanAfter() {
		return positive("countersign.approval.orphan-after", this.orphanAfter, Replica.DEFAULT_ORPHAN_AFTER);
	}

	/**
	 * The id of the key that signs.
	 * @return the configured id, default {@link BatchSigner#DEFAULT_KEY_ID}
	 */
	public String effectiveSigningKeyId() {
		return (this.signingKeyId != null && !this.signingKeyId.isBlank()) ? this.signingKeyId.strip()
				: BatchSigner.DEFAULT_KEY_ID;
	}

	/**
	 * Whether a signing key is configured.
	 * @return false when {@code signing-key} is unset or blank
	 */
	public boolean hasSigningKey() {
		return this.signingKey != null && !this.signingKey.isBlank();
	}

	/**
	 * The signer over the configured keys: the signing key and every verify key.
	 * @return the signer
	 * @throws InvalidConfigurationException when no signing key is set, a key is shorter
	 * than 32 bytes, or a verify key reuses the signing key's id
	 */
	public BatchSigner signer() {
		return BatchSigner.of(keys(), effectiveSigningKeyId());
	}

	/**
	 * The configured keys by id: the signing key under {@link #effectiveSigningKeyId()}
	 * and every verify key. The audit checkpoints are signed with the same keys.
	 * @return a fresh copy, signing key first
	 * @throws InvalidConfigurationException when no signing key is set, a key is shorter
	 * than 32 bytes, or a verify key reuses the signing key's id
	 */
	public Map<String, byte[]> keys() {
		if (!hasSigningKey()) {
			throw new InvalidConfigurationException("countersign.approval.signing-key",
					"the batch signing key is not set (raw text, at least " + BatchSigner.MIN_KEY_BYTES + " bytes)");
		}
		String id = effectiveSigningKeyId();
		Map<String, byte[]> keys = new LinkedHashMap<>();
		keys.put(id, key("countersign.approval.signing-key", this.signingKey));
		if (this.verifyKeys != null) {
			this.verifyKeys.forEach((keyId, text) -> {
				String setting = "countersign.approval.verify-keys." + keyId;
				if (keyId.equals(id)) {
					throw new InvalidConfigurationException(setting,
							"key id " + keyId + " is already the signing key's id");
				}
				keys.put(keyId, key(setting, text));
			});
		}
		return keys;
	}

	private static byte[] key(String setting, @Nullable String text) {
		byte[] key = (text != null) ? text.getBytes(StandardCharsets.UTF_8) : new byte[0];
		if (key.length < BatchSigner.MIN_KEY_BYTES) {
			// never echo the key, only its length
			throw new InvalidConfigurationException(setting,
					"must be at least " + BatchSigner.MIN_KEY_BYTES + " bytes, but was " + key.length);
		}
		return key;
	}

	private static Duration positive(String setting, @Nullable Duration value, Duration fallback) {
		Duration duration = (value != null) ? value : fallback;
		if (duration.isNegative() || duration.isZero()) {
			throw new InvalidConfigurationException(setting, "must be positive, but was " + duration);
		}
		return duration;
	}

	@Override
	public String toString() {
		return "ApprovalProperties[batchWindow=" + this.batchWindow + ", maxBatchSize=" + this.maxBatchSize
				+ ", executionWindow=" + this.executionWindow + ", requestedExpiry=" + this.requestedExpiry
				+ ", maxPendingPerAgent=" + this.maxPendingPerAgent + ", pendingTtl=" + this.pendingTtl
				+ ", signingKey=" + (hasSigningKey() ? "[redacted]" : "unset") + ", signingKeyId=" + this.signingKeyId
				+ ", verifyKeys=" + ((this.verifyKeys != null) ? new TreeSet<>(this.verifyKeys.keySet()) : "[]")
				+ ", pollPeriod=" + this.pollPeriod + "]";
	}

}
