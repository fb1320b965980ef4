package dev.countersign.server.approval;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import org.springframework.security.oauth2.jwt.Jwt;

import dev.countersign.ciba.CibaOutcome;
import dev.countersign.policy.action.Action;
import dev.countersign.policy.action.ActionStatus;
import dev.countersign.policy.action.ActionStore;
import dev.countersign.policy.action.ForwardingActionStore;
import dev.countersign.policy.action.InMemoryActionStore;
import dev.countersign.policy.approval.ApprovalConfig;
import dev.countersign.policy.approval.Batch;
import dev.countersign.policy.approval.BatchStatus;
import dev.countersign.policy.tool.ToolDescriptor;

import static org.assertj.core.api.Assertions.assertThat;

class BatchExecutorTests {

	private final Engine engine = new Engine();

	@Test
	void executeWhenApprovedThenEveryActionSucceedsOnceWithOneExchangePerConnection() {
		Action mail1 = Engine.email();
		Action mail2 = Engine.email();
		Action comment = Engine.comment();
		Action deal = Engine.deal();
		Batch batch = this.engine.requested("req-1", mail1, mail2, comment, deal);

		StepVerifier.create(this.engine.executor.execute(batch, "req-1", this.engine.approval()))
			.assertNext((done) -> assertThat(done.status()).isEqualTo(BatchStatus.APPROVED))
			.verifyComplete();

		for (Action action : List.of(mail1, mail2, comment, deal)) {
			Action stored = this.engine.action(action);
			assertThat(stored.status()).isEqualTo(ActionStatus.SUCCEEDED);
			assertThat(stored.result()).containsEntry("ok", action.id());
			assertThat(this.engine.writer.calls(action.id())).isEqualTo(1);
		}
		assertThat(this.engine.vault.exchanges(ToolDescriptor.GOOGLE)).isEqualTo(1);
		assertThat(this.engine.vault.exchanges(ToolDescriptor.GITHUB)).isEqualTo(1);
		assertThat(this.engine.vault.requests).hasSize(2);
		assertThat(this.engine.writer.tokens).containsEntry(mail1.id(), "provider-token-google-oauth2")
			.containsEntry(comment.id(), "provider-token-github")
			.containsEntry(deal.id(), "none");
		// the CIBA access token is the subject of the exchange (write-subject=ciba-token)
		assertThat(this.engine.vault.requests.get(0).subjectToken()).contains(".");
	}

	@Test
	void executeWhenStoredArgumentChangedAfterCloseThenWholeBatchRefusedAndNothingRuns() {
		ActionStore real = new InMemoryActionStore();
		TamperingStore tampering = new TamperingStore(real);
		Engine engine = new Engine(tampering, ApprovalConfig.defaults());
		Action mail = Engine.email();
		Action deal = Engine.deal();
		Batch batch = engine.requested("req-1", mail, deal);
		// whoever can write the store changes the recipient, keeping the stored digest
		tampering.change(mail.id(),
				(stored) -> new Action(stored.id(), stored.user(), stored.agent(), stored.tool(), stored.connection(),
						stored.risk(), stored.destructive(), stored.confidence(), stored.lowConfidence(),
						stored.reviewNow(), java.util.Map.of("to", List.of("mallory@evil.example"), "subject", "Hello"),
						stored.preconditions(), stored.digest(), stored.status(), stored.batchId(), stored.createdAt(),
						stored.approveBy(), stored.updatedAt(), stored.version(), stored.reason(), stored.result()));

		StepVerifier.create(engine.executor.execute(batch, "req-1", engine.approval()))
			.assertNext((done) -> assertThat(done.status()).isEqualTo(BatchStatus.FAILED))
			.verifyComplete();

		assertThat(engine.writer.totalCalls()).isZero();
		assertThat(engine.vault.requests).isEmpty();
		for (Action action : List.of(mail, deal)) {
			Action stored = real.find(action.user(), action.id()).block();
			assertThat(stored.status()).isEqualTo(ActionStatus.FAILED);
			assertThat(stored.reason()).isEqualTo(BatchExecutor.TAMPERED);
		}
	}

	@Test
	void executeWhenAuthReqIdWasApprovedForAnotherBatchThenRefused() {
		Action deal = Engine.deal();
		Batch batch = this.engine.requested("req-1", deal);

		StepVerifier.create(this.engine.executor.execute(batch, "req-of-another-batch", this.engine.approval()))
			.assertNext((done) -> assertThat(done.status()).isEqualTo(BatchStatus.FAILED))
			.verifyComplete();

		assertThat(this.engine.writer.totalCalls()).isZero();
		assertThat(this.engine.action(deal).status()).isEqualTo(ActionStatus.FAILED);
		assertThat(this.engine.action(deal).reason()).isEqualTo(BatchExecutor.OTHER_REQUEST);
	}

	@Test
	void executeWhenEchoedBatchDigestIsAnotherBatchsThenRefused() {
		Action deal = Engine.deal();
		Batch batch = this.engine.requested("req-1", deal);
		String details = "[{\"type\":\"" + BatchPresentation.DETAILS_TYPE + "\",\"batch_digest\":\"" + "f".repeat(64)
				+ "\"}]";

		StepVerifier.create(this.engine.executor.execute(batch, "req-1", this.engine.approval((c) -> {
		}, details))).assertNext((done) -> assertThat(done.status()).isEqualTo(BatchStatus.FAILED)).verifyComplete();

		assertThat(this.engine.writer.totalCalls()).isZero();
		assertThat(this.engine.action(deal).reason()).isEqualTo(BatchExecutor.OTHER_REQUEST);
	}

	@Test
	void executeWhenEchoedBatchDigestMatchesThenRuns() {
		Action deal = Engine.deal();
		Batch batch = this.engine.requested("req-1", deal);
		String details = "[{\"type\":\"" + BatchPresentation.DETAILS_TYPE + "\",\"batch_digest\":\"" + batch.digest()
				+ "\"}]";

		StepVerifier.create(this.engine.executor.execute(batch, "req-1", this.engine.approval((c) -> {
		}, details))).assertNext((done) -> assertThat(done.status()).isEqualTo(BatchStatus.APPROVED)).verifyComplete();

		assertThat(this.engine.action(deal).status()).isEqualTo(ActionStatus.SUCCEEDED);
	}

	@Test
	void executeWhenApprovalTokenIsAnotherUsersThenRefused() {
		assertTokenRefused((claims) -> claims.subject("auth0|mallory"));
	}

	@Test
	void executeWhenApprovalTokenHasAnotherAzpThenRefused() {
		assertTokenRefused((claims) -> claims.claim("azp", "claude-desktop"));
	}

	@Test
	void executeWhenApprovalTokenIssuedBeforeTheRequestThenRefused() {
		assertTokenRefused((claims) -> claims.issueTime(Date.from(this.engine.clock.instant().minusSeconds(60))));
	}

	private void assertTokenRefused(java.util.function.Consumer<com.nimbusds.jwt.JWTClaimsSet.Builder> change) {
		Action mail = Engine.email();
		Batch batch = this.engine.requested("req-1", mail);

		StepVerifier.create(this.engine.executor.execute(batch, "req-1", this.engine.approval(change)))
			.assertNext((done) -> assertThat(done.status()).isEqualTo(BatchStatus.FAILED))
			.verifyComplete();

		assertThat(this.engine.writer.totalCalls()).isZero();
		assertThat(this.engine.vault.requests).isEmpty();
		assertThat(this.engine.action(mail).status()).isEqualTo(ActionStatus.FAILED);
		assertThat(this.engine.action(mail).reason()).isEqualTo(BatchExecutor.TOKEN_REFUSED);
	}

	@Test
	void executeWhenWriteOutcomeUnknownThenUnknownAndCalledExactlyOnce() {
		this.engine.writer.answering((action) -> Mono.error(new WriteOutcomeUnknownException(
				"Gmail did not answer within 10 s after the message was sent; check the Sent folder")));
		Action mail = Engine.email();
		Batch batch = this.engine.requested("req-1", mail);

		StepVerifier.create(this.engine.executor.execute(batch, "req-1", this.engine.approval()))
			.expectNextCount(1)
			.verifyComplete();

		assertThat(this.engine.action(mail).status()).isEqualTo(ActionStatus.UNKNOWN);
		assertThat(this.engine.action(mail).reason()).contains("check the Sent folder");
		assertThat(this.engine.writer.calls(mail.id())).isEqualTo(1);
	}

	@Test
	void executeWhenWriterFailsUnexpectedlyThenUnknownNeverRetried() {
		this.engine.writer.answering((action) -> {
			throw new IllegalStateException("boom");
		});
		Action deal = Engine.deal();
		Batch batch = this.engine.requested("req-1", deal);

		StepVerifier.create(this.engine.executor.execute(batch, "req-1", this.engine.approval()))
			.expectNextCount(1)
			.verifyComplete();

		assertThat(this.engine.action(deal).status()).isEqualTo(ActionStatus.UNKNOWN);
		assertThat(this.engine.writer.calls(deal.id())).isEqualTo(1);
	}

	@Test
	void executeWhenWriteRejectedThenFailedWithReasonAndOthersUnaffected() {
		Action rejected = Engine.comment();
		Action mail = Engine.email();
		this.engine.writer.answering((action) -> action.id().equals(rejected.id())
				? Mono.error(new WriteRejectedException("the pull request moved since you approved"))
				: Mono.just(java.util.Map.of("ok", action.id())));
		Batch batch = this.engine.requested("req-1", rejected, mail);

		StepVerifier.create(this.engine.executor.execute(batch, "req-1", this.engine.approval()))
			.expectNextCount(1)
			.verifyComplete();

		assertThat(this.engine.action(rejected).status()).isEqualTo(ActionStatus.FAILED);
		assertThat(this.engine.action(rejected).reason()).isEqualTo("the pull request moved since you approved");
		assertThat(this.engine.action(mail).status()).isEqualTo(ActionStatus.SUCCEEDED);
		assertThat(this.engine.writer.calls(rejected.id())).isEqualTo(1);
	}

	@Test
	void executeWhenTokenVaultFailsForOneConnectionThenThoseFailAndOthersRun() {
		this.engine.vault.failing.add(ToolDescriptor.GITHUB);
		Action comment = Engine.comment();
		Action mail = Engine.email();
		Action deal = Engine.deal();
		Batch batch = this.engine.requested("req-1", comment, mail, deal);

		StepVerifier.create(this.engine.executor.execute(batch, "req-1", this.engine.approval()))
			.expectNextCount(1)
			.verifyComplete();

		assertThat(this.engine.action(comment).status()).isEqualTo(ActionStatus.FAILED);
		assertThat(this.engine.action(comment).reason()).contains("github").contains("HTTP 503");
		assertThat(this.engine.writer.calls(comment.id())).isZero();
		assertThat(this.engine.action(mail).status()).isEqualTo(ActionStatus.SUCCEEDED);
		assertThat(this.engine.action(deal).status()).isEqualTo(ActionStatus.SUCCEEDED);
	}

	@Test
	void executeWhenWindowClosesMidBatchThenUnstartedActionsExpire() {
		// the CIBA token lives 10 s: the window never outlasts it
		this.engine.writer.answering((action) -> {
			this.engine.clock.advance(Duration.ofSeconds(11));
			return Mono.just(java.util.Map.of("ok", action.id()));
		});
		List<Action> deals = List.of(Engine.deal(), Engine.deal(), Engine.deal(), Engine.deal(), Engine.deal(),
				Engine.deal());
		Batch batch = this.engine.requested("req-1", deals.toArray(Action[]::new));

		StepVerifier
			.create(this.engine.executor.execute(batch, "req-1",
					this.engine.approval(
							(claims) -> claims.expirationTime(Date.from(this.engine.clock.instant().plusSeconds(10))))))
			.expectNextCount(1)
			.verifyComplete();

		List<Action> stored = deals.stream().map(this.engine::action).toList();
		long ran = stored.stream().filter((action) -> action.status() == ActionStatus.SUCCEEDED).count();
		List<Action> expired = stored.stream().filter((action) -> action.status() == ActionStatus.EXPIRED).toList();
		assertThat(ran).isPositive().isLessThanOrEqualTo(BatchExecutor.PARALLELISM);
		assertThat(ran + expired.size()).isEqualTo(deals.size());
		assertThat(expired).isNotEmpty().allSatisfy((action) -> {
			assertThat(action.reason()).isEqualTo(BatchExecutor.WINDOW_CLOSED);
			assertThat(this.engine.writer.calls(action.id())).isZero();
		});
	}

	@Test
	void executeWhenTokenResponseExpiresInIsShorterThanTheWindowThenItCapsTheWindow() {
		// the token's exp is 600 s away, the window 120 s, but the token response says
		// the token lives 10 s: actions not started within 10 s expire
		this.engine.writer.answering((action) -> {
			this.engine.clock.advance(Duration.ofSeconds(11));
			return Mono.just(java.util.Map.of("ok", action.id()));
		});
		List<Action> deals = List.of(Engine.deal(), Engine.deal(), Engine.deal(), Engine.deal(), Engine.deal(),
				Engine.deal());
		Batch batch = this.engine.requested("req-1", deals.toArray(Action[]::new));
		CibaOutcome.Approved full = this.engine.approval();
		CibaOutcome.Approved shortLived = new CibaOutcome.Approved(full.accessToken(), full.tokenType(),
				Duration.ofSeconds(10), full.idToken(), full.scope(), full.authorizationDetails(), full.rawResponse());

		StepVerifier.create(this.engine.executor.execute(batch, "req-1", shortLived))
			.expectNextCount(1)
			.verifyComplete();

		List<Action> stored = deals.stream().map(this.engine::action).toList();
		long ran = stored.stream().filter((action) -> action.status() == ActionStatus.SUCCEEDED).count();
		assertThat(ran).isPositive().isLessThanOrEqualTo(BatchExecutor.PARALLELISM);
		assertThat(stored).filteredOn((action) -> action.status() == ActionStatus.EXPIRED)
			.isNotEmpty()
			.allSatisfy((action) -> {
				assertThat(action.reason()).isEqualTo(BatchExecutor.WINDOW_CLOSED);
				assertThat(this.engine.writer.calls(action.id())).isZero();
			});
	}

	@Test
	void deadlineIsTheEarliestOfWindowExpAndExpiresIn() {
		Instant now = Instant.parse("2026-11-23T10:00:00Z");
		Jwt jwt = Jwt.withTokenValue("t").header("alg", "RS256").subject("u").expiresAt(now.plusSeconds(60)).build();
		assertThat(BatchExecutor.deadline(now, Duration.ofSeconds(120), jwt, null)).isEqualTo(now.plusSeconds(60));
		assertThat(BatchExecutor.deadline(now, Duration.ofSeconds(30), jwt, null)).isEqualTo(now.plusSeconds(30));
		assertThat(BatchExecutor.deadline(now, Duration.ofSeconds(30), jwt, Duration.ofSeconds(20)))
			.isEqualTo(now.plusSeconds(20));
		assertThat(BatchExecutor.deadline(now, Duration.ofSeconds(30), jwt, Duration.ofHours(24)))
			.isEqualTo(now.plusSeconds(30));
	}

	@Test
	void executeWhenActionCancelledWhileBatchedThenSkipped() {
		Action cancelled = Engine.deal();
		Action kept = Engine.deal();
		Batch batch = this.engine.requested("req-1", cancelled, kept);
		Action batched = this.engine.action(cancelled);
		this.engine.actions
			.transition(batched.user(), batched.id(), ActionStatus.BATCHED, batched.version(),
					(current) -> current.moveTo(ActionStatus.CANCELLED, this.engine.clock.instant())
						.withReason("cancelled by the agent"))
			.block();

		StepVerifier.create(this.engine.executor.execute(batch, "req-1", this.engine.approval()))
			.expectNextCount(1)
			.verifyComplete();

		assertThat(this.engine.action(cancelled).status()).isEqualTo(ActionStatus.CANCELLED);
		assertThat(this.engine.writer.calls(cancelled.id())).isZero();
		assertThat(this.engine.action(kept).status()).isEqualTo(ActionStatus.SUCCEEDED);
	}

	@Test
	void executeWhenRunTwiceThenSecondRunsNothing() {
		Action deal = Engine.deal();
		Batch batch = this.engine.requested("req-1", deal);
		this.engine.executor.execute(batch, "req-1", this.engine.approval()).block();

		StepVerifier.create(this.engine.executor.execute(batch, "req-1", this.engine.approval())).verifyComplete();

		assertThat(this.engine.writer.calls(deal.id())).isEqualTo(1);
	}

	@Test
	void executeThenNoProviderOrCibaTokenAppearsInAnyAction() {
		String canary = "canary-" + UUID.randomUUID();
		this.engine.writer.answering((action) -> Mono.error(new WriteRejectedException("provider said no")));
		Action mail = Engine.email();
		Batch batch = this.engine.requested("req-1", mail);
		var approval = this.engine.approval((claims) -> claims.claim("canary", canary));

		this.engine.executor.execute(batch, "req-1", approval).block();

		String stored = String.valueOf(this.engine.action(mail)) + this.engine.batch(batch);
		assertThat(stored).doesNotContain("provider-token-").doesNotContain(approval.accessToken());
	}

	/** An action store a tamperer writes to directly, around the compare-and-set. */
	static final class TamperingStore extends ForwardingActionStore {

		private final java.util.Map<String, UnaryOperator<Action>> changes = new java.util.concurrent.ConcurrentHashMap<>();

		TamperingStore(ActionStore delegate) {
			super(delegate);
		}

		void change(String id, UnaryOperator<Action> change) {
			this.changes.put(id, change);
		}

		private Action tampered(Action action) {
			return this.changes.getOrDefault(action.id(), UnaryOperator.identity()).apply(action);
		}

		@Override
		public Mono<Action> find(String user, String id) {
			return delegate().find(user, id).map(this::tampered);
		}

		@Override
		public Mono<Action> findLive(String user, String agent, String digest) {
			return delegate().findLive(user, agent, digest).map(this::tampered);
		}

		@Override
		public Flux<Action> findByUser(String user, Set<ActionStatus> statuses) {
			return delegate().findByUser(user, statuses).map(this::tampered);
		}

		@Override
		public Flux<Action> findByBatch(String user, String batchId) {
			return delegate().findByBatch(user, batchId).map(this::tampered);
		}

	}

}
