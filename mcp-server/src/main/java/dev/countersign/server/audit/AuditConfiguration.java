package dev.countersign.server.audit;

import java.time.Clock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

import dev.countersign.policy.approval.BatchSigner;
import dev.countersign.policy.audit.AuditConfig;
import dev.countersign.policy.audit.AuditStore;
import dev.countersign.policy.audit.AuditTrail;
import dev.countersign.policy.audit.CheckpointSigner;
import dev.countersign.policy.audit.InMemoryAuditStore;
import dev.countersign.server.approval.ApprovalProperties;
import dev.countersign.server.auth.InvalidConfigurationException;
import dev.countersign.server.store.StoreMode;

/**
 * Wires the audit trail (DESIGN §8): the {@link AuditStore} (in memory unless another is
 * defined), a {@link CheckpointSigner} over the same keys as the batch signer
 * ({@code countersign.approval.signing-key}, {@code signing-key-id},
 * {@code verify-keys}), and the {@link AuditTrail}, whose every checkpoint is written as
 * one JSON line at INFO to the logger {@value #ANCHOR_LOGGER}: the anchor outside the
 * store (the newest per user is also kept in memory, {@link RecentAnchors}). Each
 * {@link AuditListener} bean is told of every appended entry. Without a signing key the
 * memory store gets a random checkpoint key made once per start; a shared store refuses
 * to start, naming the setting.
 */
@Configuration(proxyBeanMethods = false)
public class AuditConfiguration {

	/** The logger that receives every checkpoint's {@code toJsonLine()}. */
	public static final String ANCHOR_LOGGER = "countersign.audit.anchor";

	private static final Logger logger = LoggerFactory.getLogger(AuditConfiguration.class);

	private static final Logger anchor = LoggerFactory.getLogger(ANCHOR_LOGGER);

	@Bean
	@ConditionalOnMissingBean
	@Conditional(StoreMode.Memory.class)
	AuditStore auditStore() {
		return new InMemoryAuditStore();
	}

	@Bean
	CheckpointSigner checkpointSigner(ApprovalProperties properties, Environment environment) {
		if (properties.hasSigningKey()) {
			return CheckpointSigner.of(properties.keys(), properties.effectiveSigningKeyId());
		}
		if (StoreMode.of(environment) != StoreMode.MEMORY) {
			throw new InvalidConfigurationException("countersign.approval.signing-key",
					"a shared audit store needs a configured signing key (raw text, at least "
							+ BatchSigner.MIN_KEY_BYTES + " bytes)");
		}
		// DESIGN §8: like the batch key, one per start on the memory store.
		logger.warn("countersign.approval.signing-key is not set: audit checkpoints are signed with a random key "
				+ "made for this start only (fine for the memory store; set it for any shared store)");
		return CheckpointSigner.ephemeral(properties.effectiveSigningKeyId());
	}

	@Bean
	RecentAnchors recentAnchors() {
		return new RecentAnchors(RecentAnchors.DEFAULT_CAPACITY);
	}

	@Bean
	AuditTrail auditTrail(AuditStore store, CheckpointSigner signer, Clock clock,
			ObjectProvider<AuditListener> listeners, RecentAnchors recent) {
		return new AuditTrail(AuditListener.notifying(store, listeners.orderedStream().toList()), signer,
				(checkpoint) -> {
					anchor.info("{}", checkpoint.toJsonLine());
					recent.accept(checkpoint);
				}, AuditConfig.defaults(), clock);
	}

	@Bean
	ApprovalAudit approvalAudit(AuditTrail trail) {
		return new ApprovalAudit(trail);
	}

}
