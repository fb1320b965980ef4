package dev.countersign.server.approval;

import java.time.Clock;
import java.util.Set;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;

import dev.countersign.ciba.BindingMessageProfile;
import dev.countersign.ciba.CibaClient;
import dev.countersign.ciba.CibaOptions;
import dev.countersign.policy.action.ActionStore;
import dev.countersign.policy.action.IdGenerator;
import dev.countersign.policy.action.InMemoryActionStore;
import dev.countersign.policy.approval.ActionFreezer;
import dev.countersign.policy.approval.ApprovalConfig;
import dev.countersign.policy.approval.ApprovalLeases;
import dev.countersign.policy.approval.BatchSigner;
import dev.countersign.policy.approval.BatchStore;
import dev.countersign.policy.approval.Batcher;
import dev.countersign.policy.approval.InMemoryApprovalLeases;
import dev.countersign.policy.approval.InMemoryBatchStore;
import dev.countersign.server.auth.AuthProperties;
import dev.countersign.server.audit.ApprovalAudit;
import dev.countersign.server.auth.InvalidConfigurationException;
import dev.countersign.vault.TokenVaultClient;
import dev.countersign.server.store.StoreMode;

/**
 * Wires the approval engine (DESIGN §4): stores, signer, batcher, the CIBA channel, the
 * approval-token validator, the executor and the loop, which starts once the application
 * is ready and stops on shutdown. The loop runs as one replica with a fresh id, under the
 * {@link ApprovalLeases} bean (in memory here; {@code StoreConfiguration} defines the
 * Redis one). Refuses to start, naming the setting, when
 * {@code countersign.ciba.client-id} or {@code client-secret} is missing, when
 * {@code countersign.approval.requested-expiry} is above 300 s, when
 * {@code countersign.approval.lease-ttl} is not longer than the poll period, or when
 * {@code countersign.vault.write-subject} is neither {@code ciba-token} nor
 * {@code refresh-token}. The {@code refresh-token} subject and its settings come from
 * {@code dev.countersign.server.console.ConsoleConfiguration}. The loop and the executor
 * record each step through the {@link ApprovalAudit} of
 * {@code dev.countersign.server.audit.AuditConfiguration}.
 */
@Configuration(proxyBeanMethods = false)
public class ApprovalConfiguration {

	private static final Logger logger = LoggerFactory.getLogger(ApprovalConfiguration.class);

	@Bean
	@ConditionalOnMissingBean
	@Conditional(StoreMode.Memory.class)
	ActionStore actionStore() {
		return new InMemoryActionStore();
	}

	@Bean
	@ConditionalOnMissingBean
	@Conditional(StoreMode.Memory.class)
	BatchStore batchStore() {
		return new InMemoryBatchStore();
	}

	@Bean
	@ConditionalOnMissingBean
	@Conditional(StoreMode.Memory.class)
	ApprovalLeases approvalLeases(Clock clock) {
		return new InMemoryApprovalLeases(clock);
	}

	@Bean
	RunningWrites runningWrites() {
		return new RunningWrites();
	}

	@Bean
	@ConditionalOnMissingBean
	IdGenerator idGenerator(Clock clock) {
		return IdGenerator.ulid(clock);
	}

	@Bean
	ApprovalConfig approvalConfig(ApprovalProperties properties) {
		return properties.toConfig();
	}

	@Bean
	BatchSigner batchSigner(ApprovalProperties properties, Environment environment) {
		if (properties.hasSigningKey()) {
			return properties.signer();
		}
		if (StoreMode.of(environment) != StoreMode.MEMORY) {
			throw new InvalidConfigurationException("countersign.approval.signing-key",
					"a shared store needs a configured batch signing key (raw text, at least "
							+ BatchSigner.MIN_KEY_BYTES + " bytes)");
		}
		// DESIGN §4 step 3: the memory store lives no longer than the process.
		logger.warn("countersign.approval.signing-key is not set: batches are signed with a random key made for "
				+ "this start only (fine for the memory store; set it for any shared store)");
		return BatchSigner.ephemeral(properties.effectiveSigningKeyId());
	}

	@Bean
	ActionFreezer actionFreezer(ActionStore actions, ApprovalConfig config, Clock clock, IdGenerator ids) {
		return new ActionFreezer(actions, config, clock, ids);
	}

	@Bean
	Batcher batcher(ActionStore actions, BatchStore batches, BatchSigner signer, ApprovalConfig config, Clock clock,
			IdGenerator ids) {
		return new Batcher(actions, batches, signer, config, clock, ids);
	}

	@Bean
	CibaClient cibaClient(CibaProperties ciba, AuthProperties auth, Clock clock) {
		String base = ciba.effectiveBaseUrl(auth.requireIssuer()).toString();
		return CibaClient.create(CibaOptions.builder(ciba.requireClientId(), ciba.requireClientSecret())
			.auth0(base)
			.bindingMessageProfile(BindingMessageProfile.AUTH0)
			.clock(clock)
			.build());
	}

	@Bean
	@ConditionalOnMissingBean
	ApprovalChannel approvalChannel(CibaClient client) {
		return new CibaApprovalChannel(client);
	}

	@Bean
	ApprovalTokenValidator approvalTokenValidator(AuthProperties auth, CibaProperties ciba, Clock clock) {
		String cibaClientId = ciba.requireClientId();
		// The same JWKS and allow-list as inbound tokens (SecurityConfiguration already
		// refused symmetric algorithms); the claims are the validator's.
		Set<SignatureAlgorithm> algorithms = auth.effectiveAlgorithms()
			.stream()
			.map(SignatureAlgorithm::from)
			.collect(Collectors.toSet());
		NimbusReactiveJwtDecoder decoder = NimbusReactiveJwtDecoder.withJwkSetUri(auth.effectiveJwksUri().toString())
			.jwsAlgorithms((allowed) -> allowed.addAll(algorithms))
			.build();
		decoder.setJwtValidator((jwt) -> OAuth2TokenValidatorResult.success());
		return new ApprovalTokenValidator(decoder, auth.requireIssuer().toString(), auth.requireAudience(),
				cibaClientId, clock, auth.effectiveClockSkew());
	}

	@Bean
	BatchPresentation batchPresentation() {
		return new BatchPresentation(BindingMessageProfile.AUTH0);
	}

	@Bean
	BatchExecutor batchExecutor(ActionStore actions, BatchStore batches, BatchSigner signer,
			ApprovalTokenValidator validator, TokenVaultClient vault, ObjectProvider<ProviderWriter> writers,
			ApprovalConfig config, Clock clock, WriteSubjectProperties writeSubject, ApprovalAudit audit,
			ObjectProvider<WriteSubject> subjects) {
		WriteSubject subject = writeSubject.usesRefreshToken() ? subjects.getObject() : WriteSubject.cibaToken();
		logger.info("Approved writes exchange {} as the Token Vault subject", subject.name());
		return new BatchExecutor(actions, batches, signer, validator, vault, writers.orderedStream().toList(), config,
				clock, audit, subject);
	}

	@Bean(destroyMethod = "close")
	ApprovalLoop approvalLoop(ActionStore actions, BatchStore batches, Batcher batcher, ActionFreezer freezer,
			ApprovalChannel channel, BatchPresentation presentation, BatchExecutor executor, AuthProperties auth,
			ApprovalProperties properties, ApprovalConfig config, Clock clock, ApprovalAudit audit,
			ApprovalLeases leases, RunningWrites writes) {
		// DESIGN §8: one id per start; leases taken under it lapse when this process dies
		Replica replica = new Replica(leases, Replica.newId(), properties.effectiveLeaseTtl(),
				properties.effectiveOrphanAfter(), writes);
		return new ApprovalLoop(actions, batches, batcher, freezer, channel, presentation, executor,
				auth.requireAudience(), properties.effectiveRequestedExpiry(), config, clock, audit, replica);
	}

	@Bean
	ApplicationListener<ApplicationReadyEvent> approvalLoopStarter(ApprovalLoop loop, ApprovalProperties properties) {
		return (event) -> loop.start(properties.effectivePollPeriod());
	}

}
