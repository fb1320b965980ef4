package dev.countersign.server.approval;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.function.Consumer;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;

import dev.countersign.ciba.BindingMessageProfile;
import dev.countersign.ciba.CibaOutcome;
import dev.countersign.policy.MutableClock;
import dev.countersign.policy.action.Action;
import dev.countersign.policy.action.ActionStatus;
import dev.countersign.policy.action.ActionStore;
import dev.countersign.policy.action.IdGenerator;
import dev.countersign.policy.action.InMemoryActionStore;
import dev.countersign.policy.action.TestActions;
import dev.countersign.policy.approval.ActionFreezer;
import dev.countersign.policy.approval.ApprovalConfig;
import dev.countersign.policy.approval.Batch;
import dev.countersign.policy.approval.BatchStore;
import dev.countersign.policy.approval.Batcher;
import dev.countersign.policy.approval.InMemoryBatchStore;
import dev.countersign.policy.approval.TestBatches;
import dev.countersign.policy.audit.AuditConfig;
import dev.countersign.policy.audit.AuditTrail;
import dev.countersign.policy.audit.CheckpointSigner;
import dev.countersign.policy.audit.InMemoryAuditStore;
import dev.countersign.policy.tool.ToolDescriptor;
import dev.countersign.server.audit.ApprovalAudit;
import dev.countersign.server.audit.AuditConfiguration;

/**
 * The approval engine over in-memory stores, a mutable clock, fakes, a real
 * {@link ApprovalTokenValidator} with a test signing key, and an audit trail whose anchor
 * logs to {@link AuditConfiguration#ANCHOR_LOGGER}.
 */
final class Engine {

	static final String ISSUER = "https://tenant.example/";

	static final String AUDIENCE = "https://countersign.example/mcp";

	static final String CIBA_CLIENT = "countersign-ciba";

	static final String USER = TestActions.USER;

	private static final RSAKey KEY = key();

	final MutableClock clock = MutableClock.start();

	final ApprovalConfig config;

	final ActionStore actions;

	final BatchStore batches;

	final Batcher batcher;

	final Fakes.FakeVault vault = new Fakes.FakeVault();

	final Fakes.CountingWriter writer = new Fakes.CountingWriter("email_send", "github_comment", "deal_update");

	final ApprovalTokenValidator validator;

	final InMemoryAuditStore auditStore = new InMemoryAuditStore();

	final AuditTrail trail = new AuditTrail(this.auditStore, CheckpointSigner.ephemeral("k1"),
			(checkpoint) -> org.slf4j.LoggerFactory.getLogger(AuditConfiguration.ANCHOR_LOGGER)
				.info("{}", checkpoint.toJsonLine()),
			AuditConfig.defaults(), this.clock);

	final ApprovalAudit audit = new ApprovalAudit(this.trail);

	final BatchExecutor executor;

	Engine() {
		this(new InMemoryActionStore(), ApprovalConfig.defaults());
	}

	Engine(ActionStore actions, ApprovalConfig config) {
		this(actions, config, new InMemoryBatchStore());
	}

	Engine(ActionStore actions, ApprovalConfig config, BatchStore batches) {
		this.actions = actions;
		this.config = config;
		this.batches = batches;
		IdGenerator ids = IdGenerator.ulid(this.clock);
		this.batcher = new Batcher(actions, this.batches, TestBatches.SIGNER, config, this.clock, ids);
		this.validator = new ApprovalTokenValidator(decoder(), ISSUER, AUDIENCE, CIBA_CLIENT, this.clock,
				Duration.ofSeconds(5));
		this.executor = new BatchExecutor(actions, this.batches, TestBatches.SIGNER, this.validator, this.vault,
				List.of(this.writer), config, this.clock, this.audit);
	}

	/**
	 * An executor over the same stores, fakes and audit with another write subject.
	 * @param subject the write subject
	 * @return the executor
	 */
	BatchExecutor executor(WriteSubject subject) {
		return new BatchExecutor(this.actions, this.batches, TestBatches.SIGNER, this.validator, this.vault,
				List.of(this.writer), this.config, this.clock, this.audit, subject);
	}

	List<dev.countersign.policy.audit.AuditEvent> events() {
		return this.auditStore.read(USER, 1, 1000).collectList().block();
	}

	ApprovalLoop loop(ApprovalChannel channel) {
		return new ApprovalLoop(this.actions, this.batches, this.batcher,
				new ActionFreezer(this.actions, this.config, this.clock, IdGenerator.ulid(this.clock)), channel,
				new BatchPresentation(BindingMessageProfile.AUTH0), this.executor, AUDIENCE, Duration.ofSeconds(300),
				this.config, this.clock, this.audit);
	}

	/** The loop of one replica over these stores: run two for two replicas. */
	ApprovalLoop loop(ApprovalChannel channel, Replica replica) {
		return new ApprovalLoop(this.actions, this.batches, this.batcher,
				new ActionFreezer(this.actions, this.config, this.clock, IdGenerator.ulid(this.clock)), channel,
				new BatchPresentation(BindingMessageProfile.AUTH0), this.executor, AUDIENCE, Duration.ofSeconds(300),
				this.config, this.clock, this.audit, replica);
	}

	static Action email() {
		return TestActions.action()
			.tool("email_send", ToolDescriptor.GOOGLE)
			.argument("to", List.of("bob@partner.example"))
			.argument("subject", "Hello")
			.build();
	}

	static Action comment() {
		return TestActions.action().tool("github_comment", ToolDescriptor.GITHUB).argument("body", "LGTM").build();
	}

	static Action deal() {
		return TestActions.action().build();
	}

	/** Inserts the actions PENDING now. */
	void insert(Action... pending) {
		for (Action action : pending) {
			this.actions
				.insert(new Action(action.id(), action.user(), action.agent(), action.tool(), action.connection(),
						action.risk(), action.destructive(), action.confidence(), action.lowConfidence(),
						action.reviewNow(), action.arguments(), action.preconditions(), action.digest(),
						ActionStatus.PENDING, null, this.clock.instant(), this.clock.instant().plusSeconds(900),
						this.clock.instant(), 0, null, null))
				.block();
		}
	}

	/** Inserts the actions, closes them into a batch and records its request. */
	Batch requested(String authReqId, Action... pending) {
		insert(pending);
		Batch open = this.batcher.flush(USER).blockFirst();
		return this.batcher.recordRequest(open, authReqId, this.clock.instant()).block();
	}

	Batch batch(Batch batch) {
		return this.batches.find(batch.user(), batch.id()).block();
	}

	Action action(Action action) {
		return this.actions.find(action.user(), action.id()).block();
	}

	CibaOutcome.Approved approval() {
		return approval((claims) -> {
		});
	}

	CibaOutcome.Approved approval(Consumer<JWTClaimsSet.Builder> change) {
		return approval(change, null);
	}

	CibaOutcome.Approved approval(Consumer<JWTClaimsSet.Builder> change, String authorizationDetails) {
		String token = token(change);
		return new CibaOutcome.Approved(token, "Bearer", Duration.ofSeconds(600), null, "openid", authorizationDetails,
				"{\"access_token\":\"" + token + "\"}");
	}

	String token(Consumer<JWTClaimsSet.Builder> change) {
		Instant now = this.clock.instant();
		JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().issuer(ISSUER)
			.subject(USER)
			.audience(List.of(AUDIENCE))
			.issueTime(Date.from(now))
			.expirationTime(Date.from(now.plusSeconds(600)))
			.claim("azp", CIBA_CLIENT);
		change.accept(claims);
		try {
			SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(KEY.getKeyID()).build(),
					claims.build());
			jwt.sign(new RSASSASigner(KEY));
			return jwt.serialize();
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static NimbusReactiveJwtDecoder decoder() {
		try {
			NimbusReactiveJwtDecoder decoder = NimbusReactiveJwtDecoder.withPublicKey(KEY.toRSAPublicKey()).build();
			decoder.setJwtValidator((jwt) -> OAuth2TokenValidatorResult.success());
			return decoder;
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static RSAKey key() {
		try {
			return new RSAKeyGenerator(2048).keyID("k1").generate();
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
