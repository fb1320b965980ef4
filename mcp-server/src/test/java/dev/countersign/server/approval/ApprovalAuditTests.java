package dev.countersign.server.approval;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import reactor.test.StepVerifier;
import tools.jackson.databind.json.JsonMapper;

import dev.countersign.ciba.CibaOutcome;
import dev.countersign.ciba.PollResult;
import dev.countersign.policy.action.Action;
import dev.countersign.policy.action.ActionDigest;
import dev.countersign.policy.action.ActionStatus;
import dev.countersign.policy.action.IdGenerator;
import dev.countersign.policy.action.InMemoryActionStore;
import dev.countersign.policy.action.TestActions;
import dev.countersign.policy.approval.ActionFreezer;
import dev.countersign.policy.approval.ApprovalConfig;
import dev.countersign.policy.approval.Batch;
import dev.countersign.policy.approval.BatchStatus;
import dev.countersign.policy.approval.SubmitRequest;
import dev.countersign.policy.audit.AuditCheckpoint;
import dev.countersign.policy.audit.AuditEvent;
import dev.countersign.policy.audit.AuditEventDraft;
import dev.countersign.policy.audit.AuditEventType;
import dev.countersign.policy.audit.AuditVerification;
import dev.countersign.policy.tool.Risk;
import dev.countersign.policy.tool.ToolDescriptor;
import dev.countersign.server.audit.AuditConfiguration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The audit trail of the approval loop: each step in order, the outcomes of denied and
 * tampered batches, no token in any entry, and checkpoints anchored in the log.
 */
class ApprovalAuditTests {

	private static final ToolDescriptor EMAIL_SEND = ToolDescriptor.write("email_send", ToolDescriptor.GOOGLE,
			Risk.MEDIUM);

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final Engine engine = new Engine();

	private final Fakes.ScriptedChannel channel = new Fakes.ScriptedChannel();

	private final ApprovalLoop loop = this.engine.loop(this.channel);

	private final AtomicReference<String> cibaToken = new AtomicReference<>();

	private final ListAppender<ILoggingEvent> anchors = new ListAppender<>();

	private final Logger anchorLogger = (Logger) LoggerFactory.getLogger(AuditConfiguration.ANCHOR_LOGGER);

	@BeforeEach
	void captureAnchors() {
		this.anchors.start();
		this.anchorLogger.addAppender(this.anchors);
	}

	@AfterEach
	void releaseAnchors() {
		this.anchorLogger.detachAppender(this.anchors);
	}

	@Test
	void approvedBatchWhenRunThenEveryStepInOrderAndChainIntact() {
		Action mail = freeze(Map.of("to", List.of("bob@partner.example"), "subject", "Hello"), 0.9);
		this.channel.starting(Fakes.ScriptedChannel.started("req-1")).polling(approvedWhenPolled());
		this.engine.clock.advance(Duration.ofSeconds(30));
		tick();
		this.engine.clock.advance(Duration.ofSeconds(5));
		tick();
		StepVerifier.create(this.loop.executions()).verifyComplete();
		assertThat(this.engine.action(mail).status()).isEqualTo(ActionStatus.SUCCEEDED);

		List<AuditEvent> events = events();
		assertThat(events).extracting(AuditEvent::type)
			.containsExactly(AuditEventType.FROZEN, AuditEventType.BATCHED, AuditEventType.CIBA_REQUESTED,
					AuditEventType.APPROVED, AuditEventType.EXCHANGE_DONE, AuditEventType.EXECUTED);
		String batchId = this.engine.action(mail).batchId();
		Batch batch = this.engine.batches.find(Engine.USER, batchId).block();
		AuditEvent frozen = events.get(0);
		assertThat(frozen.actor()).isEqualTo(TestActions.AGENT);
		assertThat(frozen.actionId()).isEqualTo(mail.id());
		assertThat(frozen.details()).containsEntry("tool", "email_send")
			.containsEntry("digest", mail.digest())
			.containsEntry("risk", "MEDIUM")
			.containsKey("confidence");
		assertThat(events.get(1).batchId()).isEqualTo(batchId);
		assertThat(events.get(1).details()).containsEntry("batch_digest", batch.digest())
			.containsEntry("action_ids", List.of(mail.id()));
		assertThat(events.get(2).details()).containsEntry("auth_req_id", "req-1")
			.containsEntry("short_code", batch.shortCode());
		assertThat(events.get(3).actor()).isEqualTo(AuditEvent.ACTOR_USER);
		assertThat(events.get(4).details()).containsOnlyKeys("connection", "subject")
			.containsEntry("connection", ToolDescriptor.GOOGLE)
			.containsEntry("subject", WriteSubjectProperties.CIBA_TOKEN);
		assertThat(events.get(5).actionId()).isEqualTo(mail.id());
		assertThat(this.engine.trail.verify(Engine.USER, List.of()).block())
			.isEqualTo(new AuditVerification.Intact(6, events.get(5).hash()));
	}

	@Test
	void approvedBatchWhenRunThenNoEntryHoldsTheProviderOrCibaToken() {
		freeze(Map.of("to", List.of("bob@partner.example"), "subject", "Hello"), null);
		this.channel.starting(Fakes.ScriptedChannel.started("req-1")).polling(approvedWhenPolled());
		this.engine.clock.advance(Duration.ofSeconds(30));
		tick();
		this.engine.clock.advance(Duration.ofSeconds(5));
		tick();
		StepVerifier.create(this.loop.executions()).verifyComplete();

		List<AuditEvent> events = events();
		assertThat(events).extracting(AuditEvent::type).contains(AuditEventType.EXCHANGE_DONE);
		assertThat(this.cibaToken.get()).isNotBlank();
		String serialised = JSON.writeValueAsString(events) + events;
		assertThat(serialised).doesNotContain("provider-token-" + ToolDescriptor.GOOGLE)
			.doesNotContain("provider-token-")
			.doesNotContain(this.cibaToken.get());
	}

	@Test
	void batchCloseWhenCheckpointedThenTheAnchorLoggerReceivesItsJsonLine() {
		this.engine.insert(Engine.deal());
		this.engine.clock.advance(Duration.ofSeconds(30));
		tick();

		List<AuditCheckpoint> stored = this.engine.auditStore.checkpoints(Engine.USER).collectList().block();
		assertThat(stored).hasSize(1);
		assertThat(stored.get(0).sequence()).isEqualTo(1);
		assertThat(this.anchors.list).extracting(ILoggingEvent::getFormattedMessage)
			.contains(stored.get(0).toJsonLine());
		assertThat(this.anchors.list).allSatisfy((line) -> assertThat(line.getLevel().toString()).isEqualTo("INFO"));
	}

	@Test
	void deniedBatchThenDeniedRecordedAndNothingExecuted() {
		Action mail = Engine.email();
		this.engine.insert(mail);
		this.channel.starting(Fakes.ScriptedChannel.started("req-1"))
			.polling(new CibaOutcome.Denied("The end-user denied the authorization request or it has been expired"));
		this.engine.clock.advance(Duration.ofSeconds(30));
		tick();
		this.engine.clock.advance(Duration.ofSeconds(5));
		tick();

		List<AuditEvent> events = events();
		assertThat(events).extracting(AuditEvent::type)
			.containsExactly(AuditEventType.BATCHED, AuditEventType.CIBA_REQUESTED, AuditEventType.DENIED);
		assertThat(events.get(2).actor()).isEqualTo(AuditEvent.ACTOR_USER);
		assertThat(events.get(2).details()).containsEntry("reason", ApprovalLoop.DENIED);
		assertThat(this.engine.writer.totalCalls()).isZero();
		assertThat(this.engine.trail.verify(Engine.USER, List.of()).block())
			.isInstanceOf(AuditVerification.Intact.class);
	}

	@Test
	void tamperedBatchThenTamperingRefusedRecordedWithTheReason() {
		InMemoryActionStore real = new InMemoryActionStore();
		BatchExecutorTests.TamperingStore tampering = new BatchExecutorTests.TamperingStore(real);
		Engine tampered = new Engine(tampering, ApprovalConfig.defaults());
		Action mail = Engine.email();
		Batch batch = tampered.requested("req-1", mail);
		tampering.change(mail.id(),
				(stored) -> new Action(stored.id(), stored.user(), stored.agent(), stored.tool(), stored.connection(),
						stored.risk(), stored.destructive(), stored.confidence(), stored.lowConfidence(),
						stored.reviewNow(), Map.of("to", List.of("mallory@evil.example"), "subject", "Hello"),
						stored.preconditions(), stored.digest(), stored.status(), stored.batchId(), stored.createdAt(),
						stored.approveBy(), stored.updatedAt(), stored.version(), stored.reason(), stored.result()));

		StepVerifier.create(tampered.executor.execute(batch, "req-1", tampered.approval()))
			.assertNext((done) -> assertThat(done.status()).isEqualTo(BatchStatus.FAILED))
			.verifyComplete();

		List<AuditEvent> events = tampered.auditStore.read(Engine.USER, 1, 100).collectList().block();
		assertThat(events).extracting(AuditEvent::type).containsExactly(AuditEventType.TAMPERING_REFUSED);
		assertThat(events.get(0).batchId()).isEqualTo(batch.id());
		assertThat((String) events.get(0).details().get("reason")).startsWith(BatchExecutor.TAMPERED);
		assertThat(events).extracting(AuditEvent::type)
			.doesNotContain(AuditEventType.APPROVED, AuditEventType.EXECUTED);
	}

	@Test
	void overdueActionThenExpiredRecorded() {
		Action mail = Engine.email();
		this.engine.insert(mail);
		this.engine.clock.advance(Duration.ofMinutes(16));
		tick();

		assertThat(events()).extracting(AuditEvent::type, AuditEvent::actionId)
			.contains(org.assertj.core.groups.Tuple.tuple(AuditEventType.EXPIRED, mail.id()));
	}

	/** Freezes a write as the write tools do: the entry first, then the action. */
	private Action freeze(Map<String, Object> arguments, Double confidence) {
		ActionFreezer freezer = new ActionFreezer(this.engine.actions, this.engine.config, this.engine.clock,
				IdGenerator.ulid(this.engine.clock));
		SubmitRequest request = SubmitRequest.batch(Engine.USER, TestActions.AGENT, EMAIL_SEND, arguments, Map.of(),
				confidence);
		AuditEventDraft draft = this.engine.audit.frozenDraft(request, ActionDigest.of(request.tool().name(),
				request.arguments(), request.preconditions(), request.user(), request.agent()));
		return freezer.submit(request)
			.flatMap((action) -> this.engine.audit.frozen(action, draft).thenReturn(action))
			.block();
	}

	private Function<String, PollResult> approvedWhenPolled() {
		return (authReqId) -> {
			CibaOutcome.Approved approved = this.engine.approval();
			this.cibaToken.set(approved.accessToken());
			return approved;
		};
	}

	private List<AuditEvent> events() {
		return this.engine.auditStore.read(Engine.USER, 1, 100).collectList().block();
	}

	private void tick() {
		StepVerifier.create(this.loop.tick()).verifyComplete();
	}

}
