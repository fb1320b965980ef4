package dev.countersign.server.approval;

import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import tools.jackson.databind.json.JsonMapper;

import dev.countersign.policy.account.InMemoryRefreshTokenStore;
import dev.countersign.policy.account.RefreshTokenCipher;
import dev.countersign.policy.account.RefreshTokenStore;
import dev.countersign.policy.account.StoredRefreshToken;
import dev.countersign.policy.action.Action;
import dev.countersign.policy.action.ActionStatus;
import dev.countersign.policy.approval.Batch;
import dev.countersign.policy.approval.BatchStatus;
import dev.countersign.policy.audit.AuditEvent;
import dev.countersign.policy.audit.AuditEventType;
import dev.countersign.policy.tool.ToolDescriptor;
import dev.countersign.server.console.RefreshTokenSubject;
import dev.countersign.vault.SubjectTokenType;
import dev.countersign.vault.TokenExchangeRequest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link BatchExecutor} with {@code countersign.vault.write-subject=refresh-token}: the
 * user's stored refresh token is opened only after the approval checks pass, is the
 * subject of every exchange, and each use is audited; without one, the batch's provider
 * writes fail with the sentence telling the user to sign in.
 */
class BatchExecutorRefreshSubjectTests {

	private static final String REFRESH_TOKEN = "v1.MRrt-canary-refresh-token-4b1d";

	private static final String SIGN_IN_URL = "https://countersign.example/console/login";

	private static final String SENTENCE = "sign in to the Countersign console at " + SIGN_IN_URL
			+ " so Countersign can run approved writes";

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final Engine engine = new Engine();

	private final RefreshTokenCipher cipher = RefreshTokenCipher.of("k1",
			"0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8));

	private final CountingStore store = new CountingStore();

	/** The console client's exchanges: Auth0 lets only it exchange its refresh tokens. */
	private final Fakes.FakeVault consoleVault = new Fakes.FakeVault();

	private final BatchExecutor executor = this.engine
		.executor(new RefreshTokenSubject(this.store, this.cipher, SIGN_IN_URL, this.consoleVault));

	@Test
	void executeWhenApprovedThenEveryExchangeUsesTheStoredRefreshTokenAndEachUseIsAudited() {
		signIn(Engine.USER);
		Action mail = Engine.email();
		Action comment = Engine.comment();
		Batch batch = this.engine.requested("req-1", mail, comment);

		StepVerifier.create(this.executor.execute(batch, "req-1", this.engine.approval()))
			.assertNext((done) -> assertThat(done.status()).isEqualTo(BatchStatus.APPROVED))
			.verifyComplete();

		assertThat(this.engine.action(mail).status()).isEqualTo(ActionStatus.SUCCEEDED);
		assertThat(this.engine.action(comment).status()).isEqualTo(ActionStatus.SUCCEEDED);
		assertThat(this.consoleVault.requests).hasSize(2)
			.allSatisfy((request) -> assertThat(request.subjectToken()).isEqualTo(REFRESH_TOKEN))
			.extracting(TokenExchangeRequest::subjectTokenType)
			.containsOnly(SubjectTokenType.REFRESH_TOKEN);
		// exchanged by the console client, never by the Custom API client
		assertThat(this.engine.vault.requests).isEmpty();
		// opened once for the batch, not once per connection
		assertThat(this.store.finds.get()).isEqualTo(1);
		List<AuditEvent> exchanges = this.engine.events()
			.stream()
			.filter((event) -> event.type() == AuditEventType.EXCHANGE_DONE)
			.toList();
		assertThat(exchanges).hasSize(2)
			.allSatisfy((event) -> assertThat(event.details()).containsEntry("subject", "refresh-token"));
		assertThat(JSON.writeValueAsString(this.engine.events())).doesNotContain(REFRESH_TOKEN);
	}

	@Test
	void executeWhenNoStoredRefreshTokenThenProviderWritesFailWithTheSignInSentenceAndOwnWritesRun() {
		Action mail = Engine.email();
		Action deal = Engine.deal();
		Batch batch = this.engine.requested("req-1", mail, deal);

		StepVerifier.create(this.executor.execute(batch, "req-1", this.engine.approval()))
			.expectNextCount(1)
			.verifyComplete();

		assertThat(this.engine.action(mail).status()).isEqualTo(ActionStatus.FAILED);
		assertThat(this.engine.action(mail).reason()).isEqualTo(SENTENCE);
		assertThat(this.engine.writer.calls(mail.id())).isZero();
		assertThat(this.consoleVault.requests).isEmpty();
		// deals need no provider token
		assertThat(this.engine.action(deal).status()).isEqualTo(ActionStatus.SUCCEEDED);
		assertThat(this.engine.events()).filteredOn((event) -> event.type() == AuditEventType.FAILED)
			.singleElement()
			.satisfies((event) -> {
				assertThat(event.actionId()).isEqualTo(mail.id());
				assertThat(event.details()).containsEntry("reason", SENTENCE);
			});
	}

	@Test
	void executeWhenApprovalTokenRefusedThenTheRefreshTokenIsNeverRead() {
		signIn(Engine.USER);
		Action mail = Engine.email();
		Batch batch = this.engine.requested("req-1", mail);

		StepVerifier
			.create(this.executor.execute(batch, "req-1",
					this.engine.approval((claims) -> claims.subject("auth0|mallory"))))
			.assertNext((done) -> assertThat(done.status()).isEqualTo(BatchStatus.FAILED))
			.verifyComplete();

		assertThat(this.store.finds.get()).isZero();
		assertThat(this.consoleVault.requests).isEmpty();
		assertThat(this.engine.action(mail).reason()).isEqualTo(BatchExecutor.TOKEN_REFUSED);
	}

	@Test
	void executeWhenApprovalTokenIssuedBeforeTheRequestThenTheRefreshTokenIsNeverRead() {
		signIn(Engine.USER);
		Action mail = Engine.email();
		Batch batch = this.engine.requested("req-1", mail);

		StepVerifier
			.create(this.executor.execute(batch, "req-1",
					this.engine.approval(
							(claims) -> claims.issueTime(Date.from(this.engine.clock.instant().minusSeconds(60))))))
			.assertNext((done) -> assertThat(done.status()).isEqualTo(BatchStatus.FAILED))
			.verifyComplete();

		assertThat(this.store.finds.get()).isZero();
		assertThat(this.consoleVault.requests).isEmpty();
	}

	@Test
	void executeWhenApprovedForAnotherRequestThenTheRefreshTokenIsNeverRead() {
		signIn(Engine.USER);
		Action mail = Engine.email();
		Batch batch = this.engine.requested("req-1", mail);

		StepVerifier.create(this.executor.execute(batch, "req-of-another-batch", this.engine.approval()))
			.assertNext((done) -> assertThat(done.status()).isEqualTo(BatchStatus.FAILED))
			.verifyComplete();

		assertThat(this.store.finds.get()).isZero();
		assertThat(this.consoleVault.requests).isEmpty();
	}

	@Test
	void executeWhenStoredTokenWasSealedForAnotherUserThenFailedAndNothingExchanged() {
		StoredRefreshToken mallorys = this.cipher.seal("auth0|mallory", REFRESH_TOKEN, this.engine.clock.instant());
		this.store
			.save(new StoredRefreshToken(Engine.USER, mallorys.keyId(), mallorys.ciphertext(), mallorys.storedAt()))
			.block();
		Action comment = Engine.comment();
		Batch batch = this.engine.requested("req-1", comment);

		StepVerifier.create(this.executor.execute(batch, "req-1", this.engine.approval()))
			.expectNextCount(1)
			.verifyComplete();

		assertThat(this.engine.action(comment).status()).isEqualTo(ActionStatus.FAILED);
		assertThat(this.engine.action(comment).reason()).startsWith("the stored console sign-in could not be read")
			.endsWith(SENTENCE);
		assertThat(this.consoleVault.requests).isEmpty();
		assertThat(this.consoleVault.exchanges(ToolDescriptor.GITHUB)).isZero();
	}

	private void signIn(String user) {
		this.store.save(this.cipher.seal(user, REFRESH_TOKEN, this.engine.clock.instant())).block();
	}

	/** The in-memory store, counting reads. */
	private static final class CountingStore implements RefreshTokenStore {

		final AtomicInteger finds = new AtomicInteger();

		private final InMemoryRefreshTokenStore delegate = new InMemoryRefreshTokenStore();

		@Override
		public Mono<Void> save(StoredRefreshToken token) {
			return this.delegate.save(token);
		}

		@Override
		public Mono<StoredRefreshToken> find(String user) {
			return Mono.defer(() -> {
				this.finds.incrementAndGet();
				return this.delegate.find(user);
			});
		}

		@Override
		public Mono<Boolean> delete(String user) {
			return this.delegate.delete(user);
		}

	}

}
