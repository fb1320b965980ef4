package dev.countersign.server.approval;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.security.oauth2.jwt.Jwt;

import dev.countersign.ciba.CibaOutcome;
import dev.countersign.policy.action.Action;
import dev.countersign.policy.action.ActionStatus;
import dev.countersign.policy.action.ActionStore;
import dev.countersign.policy.approval.ApprovalConfig;
import dev.countersign.policy.approval.Batch;
import dev.countersign.policy.approval.BatchSigner;
import dev.countersign.policy.approval.BatchStatus;
import dev.countersign.policy.approval.BatchStore;
import dev.countersign.policy.approval.BatchVerification;
import dev.countersign.policy.approval.BatchVerifier;
import dev.countersign.policy.audit.AuditEventType;
import dev.countersign.policy.tool.ToolDescriptor;
import dev.countersign.server.audit.ApprovalAudit;
import dev.countersign.vault.ProviderToken;
import dev.countersign.vault.TokenExchangeRequest;
import dev.countersign.vault.TokenVaultClient;

/**
 * Runs a batch the user approved on the phone (DESIGN §4 step 6), in this order, and
 * stops at the first refusal:
 * <ol>
 * <li>the CIBA access token is validated ({@link ApprovalTokenValidator}); refused → the
 * batch and its actions {@code FAILED} ("approval token refused"), nothing runs;</li>
 * <li>the {@code batch_digest} echoed in the token response's
 * {@code authorization_details}, when present, must be this batch's digest;</li>
 * <li>the stored actions are re-digested and both HMACs checked, with the approved
 * {@code auth_req_id} ({@link BatchVerifier}); any mismatch refuses the whole batch,
 * logged at WARN as tampering;</li>
 * <li>the batch moves {@code REQUESTED → APPROVED} by compare-and-set: whoever wins runs
 * it, a loser runs nothing;</li>
 * <li>the execution window opens: {@link ApprovalConfig#executionWindow()}, never past
 * the CIBA token's {@code exp} nor its {@code expires_in};</li>
 * <li>one Token Vault exchange per connection the batch writes through (none for
 * {@code deals}), with the {@link WriteSubject} as subject: the CIBA access token
 * ({@code ciba-token}) or the user's stored refresh token ({@code refresh-token}, opened
 * only here, after the checks above); a failed exchange fails that connection's actions
 * with its message, the others go on; no subject (the user never signed in to the
 * console) fails every action that needed one with the sentence telling them to;</li>
 * <li>each {@code BATCHED} action moves to {@code APPROVED} (cancelled ones are skipped),
 * then, {@value #PARALLELISM} at a time, {@code APPROVED → EXECUTING →
 * SUCCEEDED | FAILED | UNKNOWN} by compare-and-set, or {@code EXPIRED} when the window
 * closed before it started. A write is NEVER retried.</li>
 * </ol>
 * Provider tokens live in local variables of one execution only: never stored, logged or
 * returned. Logs name batches, actions and reasons, never a token. Each step is recorded
 * in the user's audit chain after its state change ({@link ApprovalAudit}): FAILED (token
 * refused) or TAMPERING_REFUSED for a refused batch, APPROVED once claimed, EXCHANGE_DONE
 * per connection (its name and the subject's kind only), then EXECUTED, FAILED, UNKNOWN
 * or EXPIRED per action. Thread-safe.
 *
 * <pre>{@code
 * if (pollResult instanceof CibaOutcome.Approved approved) {
 *     executor.execute(batch, polledAuthReqId, approved).subscribe();
 * }
 * }</pre>
 */
public final class BatchExecutor {

	/** How many actions of one batch run at once. */
	public static final int PARALLELISM = 4;

	/** The reason of every action of a batch whose approval token was refused. */
	public static final String TOKEN_REFUSED = "approval token refused";

	/** The reason of every action of a batch whose stored actions were changed. */
	public static final String TAMPERED = "refused: stored actions do not match what was approved";

	/**
	 * The reason of every action of a batch whose approval was given for another batch or
	 * request.
	 */
	public static final String OTHER_REQUEST = "refused: the approval was given for another batch";

	/** The reason of an approved action that had not started when the window closed. */
	public static final String WINDOW_CLOSED = "the approval window closed before it ran";

	private static final Logger logger = LoggerFactory.getLogger(BatchExecutor.class);

	private static final JsonMapper JSON = JsonMapper.builder().build();

	/** Connections that write to Countersign's own stores: no provider token. */
	private static final Set<String> OWN_CONNECTIONS = Set.of(ToolDescriptor.DEALS, ToolDescriptor.GOVERNANCE);

	private final ActionStore actions;

	private final BatchStore batches;

	private final BatchSigner signer;

	private final ApprovalTokenValidator validator;

	private final TokenVaultClient vault;

	private final OnceWriter writer;

	private final ApprovalConfig config;

	private final Clock clock;

	private final BatchOutcomes outcomes;

	private final ApprovalAudit audit;

	private final WriteSubject subject;

	/**
	 * Creates the executor, recording nothing in the audit trail.
	 * @param actions the action store
	 * @param batches the batch store
	 * @param signer the batch signer holding the configured keys
	 * @param validator validates the CIBA access token
	 * @param vault exchanges the CIBA access token for provider tokens
	 * @param writers the writers; each tool is run by at most one
	 * @param config the approval settings (the execution window)
	 * @param clock the clock
	 * @throws IllegalArgumentException when two writers claim the same tool
	 */
	public BatchExecutor(ActionStore actions, BatchStore batches, BatchSigner signer, ApprovalTokenValidator validator,
			TokenVaultClient vault, List<ProviderWriter> writers, ApprovalConfig config, Clock clock) {
		this(actions, batches, signer, validator, vault, writers, config, clock, ApprovalAudit.none());
	}

	/**
	 * Creates the executor.
	 * @param actions the action store
	 * @param batches the batch store
	 * @param signer the batch signer holding the configured keys
	 * @param validator validates the CIBA access token
	 * @param vault exchanges the CIBA access token for provider tokens
	 * @param writers the writers; each tool is run by at most one
	 * @param config the approval settings (the execution window)
	 * @param clock the clock
	 * @param audit records each step; never fails
	 * @throws IllegalArgumentException when two writers claim the same tool
	 */
	public BatchExecutor(ActionStore actions, BatchStore batches, BatchSigner signer, ApprovalTokenValidator validator,
			TokenVaultClient vault, List<ProviderWriter> writers, ApprovalConfig config, Clock clock,
			ApprovalAudit audit) {
		this(actions, batches, signer, validator, vault, writers, config, clock, audit, WriteSubject.cibaToken());
	}

	/**
	 * Creates the executor.
	 * @param actions the action store
	 * @param batches the batch store
	 * @param signer the batch signer holding the configured keys
	 * @param validator validates the CIBA access token
	 * @param vault exchanges the write subject for provider tokens
	 * @param writers the writers; each tool is run by at most one
	 * @param config the approval settings (the execution window)
	 * @param clock the clock
	 * @param audit records each step; never fails
	 * @param subject the subject of write exchanges
	 * @throws IllegalArgumentException when two writers claim the same tool
	 */
	public BatchExecutor(ActionStore actions, BatchStore batches, BatchSigner signer, ApprovalTokenValidator validator,
			TokenVaultClient vault, List<ProviderWriter> writers, ApprovalConfig config, Clock clock,
			ApprovalAudit audit, WriteSubject subject) {
		this.audit = Objects.requireNonNull(audit, "audit must not be null");
		this.subject = Objects.requireNonNull(subject, "subject must not be null");
		this.actions = Objects.requireNonNull(actions, "actions must not be null");
		this.batches = Objects.requireNonNull(batches, "batches must not be null");
		this.signer = Objects.requireNonNull(signer, "signer must not be null");
		this.validator = Objects.requireNonNull(validator, "validator must not be null");
		this.vault = Objects.requireNonNull(vault, "vault must not be null");
		this.config = Objects.requireNonNull(config, "config must not be null");
		this.clock = Objects.requireNonNull(clock, "clock must not be null");
		this.writer = new OnceWriter(writers, actions, clock, audit);
		this.outcomes = new BatchOutcomes(actions, batches, clock);
	}

	/**
	 * Runs a batch approved under the {@code auth_req_id} recorded in it. Prefer
	 * {@link #execute(Batch, String, CibaOutcome.Approved)} with the {@code auth_req_id}
	 * that was actually polled.
	 * @param batch the batch, {@code REQUESTED}, as last read from the store
	 * @param approved the approval
	 * @return the batch after running (see the three-argument form)
	 */
	public Mono<Batch> execute(Batch batch, CibaOutcome.Approved approved) {
		Objects.requireNonNull(batch, "batch must not be null");
		return execute(batch, Objects.requireNonNullElse(batch.authReqId(), ""), approved);
	}

	/**
	 * Runs a batch approved on the phone.
	 * @param batch the batch, {@code REQUESTED}, as last read from the store
	 * @param approvedAuthReqId the {@code auth_req_id} whose poll returned the approval
	 * @param approved the approval; its access token is used, never kept
	 * @return the batch as stored after running: {@code APPROVED} once its actions ran,
	 * {@code FAILED} when the approval was refused; empty when the batch was not
	 * {@code REQUESTED} or another runner claimed it first (nothing ran here). Errors
	 * only when a store fails.
	 */
	public Mono<Batch> execute(Batch batch, String approvedAuthReqId, CibaOutcome.Approved approved) {
		Objects.requireNonNull(batch, "batch must not be null");
		Objects.requireNonNull(approvedAuthReqId, "approvedAuthReqId must not be null");
		Objects.requireNonNull(approved, "approved must not be null");
		Instant requestedAt = batch.requestedAt();
		if (batch.status() != BatchStatus.REQUESTED || requestedAt == null) {
			logger.warn("Approval for batch {} of user {} ignored: the batch is {}", batch.id(), batch.user(),
					batch.status());
			return Mono.empty();
		}
		// DESIGN §3 Writes: validated like any inbound token, plus sub, azp and iat.
		return this.validator.validate(approved.accessToken(), batch.user(), requestedAt)
			.map(TokenCheck::valid)
			.onErrorResume((ex) -> Mono.just(TokenCheck.refused(ex)))
			.flatMap((check) -> {
				if (check.jwt() == null) {
					logger.warn("Batch {} of user {} refused: {}", batch.id(), batch.user(), check.problem());
					return refuse(batch, AuditEventType.FAILED, TOKEN_REFUSED);
				}
				return verify(batch, approvedAuthReqId, approved, check.jwt());
			});
	}

	private Mono<Batch> verify(Batch batch, String approvedAuthReqId, CibaOutcome.Approved approved, Jwt jwt) {
		String echoed = echoedDigestProblem(batch, approved.authorizationDetails());
		if (echoed != null) {
			logger.warn("Possible tampering: batch {} of user {} refused: {}", batch.id(), batch.user(), echoed);
			return refuse(batch, AuditEventType.TAMPERING_REFUSED, OTHER_REQUEST, OTHER_REQUEST + " (" + echoed + ")");
		}
		return this.actions.findByBatch(batch.user(), batch.id()).collectList().flatMap((stored) -> {
			// DESIGN §4 step 6: recompute every digest and verify both HMACs.
			BatchVerification verification = BatchVerifier.verify(batch, stored, this.signer, approvedAuthReqId);
			if (verification instanceof BatchVerification.Tampered tampered) {
				logger.warn("Tampering detected: batch {} of user {} refused ({}): {}", batch.id(), batch.user(),
						tampered.check(), tampered.reason());
				boolean otherRequest = tampered.check() == BatchVerification.Check.AUTH_REQ_ID
						|| tampered.check() == BatchVerification.Check.AUTH_REQ_SIGNATURE;
				String reason = otherRequest ? OTHER_REQUEST : TAMPERED;
				return refuse(batch, AuditEventType.TAMPERING_REFUSED, reason,
						reason + " (" + tampered.check() + ": " + tampered.reason() + ")");
			}
			return this.batches
				.transition(batch.user(), batch.id(), BatchStatus.REQUESTED, batch.version(),
						(current) -> current.withStatus(BatchStatus.APPROVED))
				.flatMap((claimed) -> this.audit.approved(claimed)
					.then(run(claimed, inBatchOrder(batch, stored), approved, jwt)))
				.switchIfEmpty(Mono.defer(() -> {
					logger.info("Batch {} of user {} was claimed by another runner; nothing ran here", batch.id(),
							batch.user());
					return Mono.empty();
				}));
		});
	}

	private Mono<Batch> run(Batch batch, List<Action> stored, CibaOutcome.Approved approved, Jwt jwt) {
		String cibaToken = approved.accessToken();
		Instant now = this.clock.instant();
		Instant deadline = deadline(now, this.config.executionWindow(), jwt, approved.expiresIn());
		List<Action> waiting = new ArrayList<>();
		for (Action action : stored) {
			if (action.status() == ActionStatus.BATCHED) {
				waiting.add(action);
			}
			else {
				logger.info("Action {} of batch {} skipped: it is {}", action.id(), batch.id(), action.status());
			}
		}
		Set<String> connections = new LinkedHashSet<>();
		waiting.stream()
			.map(Action::connection)
			.filter((connection) -> !OWN_CONNECTIONS.contains(connection))
			.forEach(connections::add);
		return exchanges(batch, cibaToken, connections).flatMap((exchanges) -> Flux.fromIterable(waiting)
			.concatMap((action) -> approve(action, exchanges.get(action.connection())))
			.flatMap((action) -> runOne(action, tokenFor(action, exchanges), deadline), PARALLELISM)
			.then(this.batches.find(batch.user(), batch.id())));
	}

	/**
	 * One exchange per connection, all with the same subject, which is resolved once,
	 * here: after the approval checks passed and the batch was claimed.
	 */
	private Mono<Map<String, Exchange>> exchanges(Batch batch, String cibaToken, Set<String> connections) {
		if (connections.isEmpty()) {
			return Mono.just(Map.of());
		}
		// DESIGN §3 Writes: the subject is countersign.vault.write-subject.
		return this.subject.resolve(batch, cibaToken)
			.switchIfEmpty(Mono.error(() -> new SubjectUnavailableException("no subject token for the exchange")))
			.flatMap((subject) -> Flux.fromIterable(connections)
				.flatMap((connection) -> exchange(batch, subject, connection))
				.collectMap(Exchange::connection))
			.onErrorResume((ex) -> {
				String problem = (ex instanceof SubjectUnavailableException && ex.getMessage() != null)
						? ex.getMessage() : "the subject token for the exchange could not be read ("
								+ ex.getClass().getSimpleName() + ")";
				logger.warn("Batch {} of user {}: no {} subject: {}", batch.id(), batch.user(), this.subject.name(),
						problem);
				Map<String, Exchange> failed = new HashMap<>();
				connections.forEach((connection) -> failed.put(connection, new Exchange(connection, null, problem)));
				return Mono.just(failed);
			});
	}

	private Mono<Exchange> exchange(Batch batch, WriteSubject.Token subject, String connection) {
		return Mono
			.fromCallable(() -> this.subject.exchangeClient(this.vault)
				.exchange(TokenExchangeRequest.builder(subject.value(), connection)
					.subjectTokenType(subject.type())
					.build()))
			.subscribeOn(Schedulers.boundedElastic())
			.map((token) -> new Exchange(connection, token, null))
			// the connection's name and the subject's kind only, NEVER a token
			.flatMap((done) -> this.audit.exchangeDone(batch, connection, this.subject.name()).thenReturn(done))
			.onErrorResume((ex) -> {
				String problem = "the token exchange for " + connection + " failed: "
						+ Objects.requireNonNullElse(ex.getMessage(), ex.getClass().getSimpleName());
				logger.warn("{}", problem);
				return Mono.just(new Exchange(connection, null, problem));
			});
	}

	/**
	 * {@code BATCHED → APPROVED}, or {@code BATCHED → FAILED} when its connection's
	 * exchange failed. Emits only the actions now {@code APPROVED}.
	 */
	private Mono<Action> approve(Action action, @Nullable Exchange exchange) {
		Instant now = this.clock.instant();
		if (exchange != null && exchange.problem() != null) {
			String problem = exchange.problem();
			return this.actions
				.transition(action.user(), action.id(), ActionStatus.BATCHED, action.version(),
						(current) -> current.moveTo(ActionStatus.FAILED, now).withReason(problem))
				.flatMap(this.audit::actionEnded)
				.then(Mono.empty());
		}
		return this.actions.transition(action.user(), action.id(), ActionStatus.BATCHED, action.version(),
				(current) -> current.moveTo(ActionStatus.APPROVED, now));
	}

	private static @Nullable String tokenFor(Action action, Map<String, Exchange> exchanges) {
		Exchange exchange = exchanges.get(action.connection());
		return (exchange != null && exchange.token() != null) ? exchange.token().accessToken() : null;
	}

	/**
	 * When the execution window closes (DESIGN §4 step 6): the configured window, never
	 * past the CIBA token's {@code exp} nor its {@code expires_in} from the token
	 * response, whichever ends first.
	 */
	static Instant deadline(Instant now, Duration window, Jwt jwt, @Nullable Duration expiresIn) {
		Instant deadline = now.plus(window);
		Instant exp = Objects.requireNonNull(jwt.getExpiresAt(), "a validated token has exp");
		if (exp.isBefore(deadline)) {
			deadline = exp;
		}
		if (expiresIn != null && now.plus(expiresIn).isBefore(deadline)) {
			deadline = now.plus(expiresIn);
		}
		return deadline;
	}

	private Mono<Action> runOne(Action approved, @Nullable String providerToken, Instant deadline) {
		return Mono.defer(() -> {
			Instant now = this.clock.instant();
			if (!now.isBefore(deadline)) {
				return this.actions
					.transition(approved.user(), approved.id(), ActionStatus.APPROVED, approved.version(),
							(current) -> current.moveTo(ActionStatus.EXPIRED, now).withReason(WINDOW_CLOSED))
					.flatMap((expired) -> this.audit.actionEnded(expired).thenReturn(expired));
			}
			// compare-and-set: a lost race means another runner has it; skip
			return this.actions
				.transition(approved.user(), approved.id(), ActionStatus.APPROVED, approved.version(),
						(current) -> current.moveTo(ActionStatus.EXECUTING, now))
				.flatMap((executing) -> this.writer.write(executing, providerToken));
		});
	}

	private Mono<Batch> refuse(Batch batch, AuditEventType type, String reason) {
		return refuse(batch, type, reason, reason);
	}

	/**
	 * Fails the batch and its actions with {@code reason}, then records {@code type} with
	 * {@code audited} (which may say more than the actions show).
	 */
	private Mono<Batch> refuse(Batch batch, AuditEventType type, String reason, String audited) {
		return this.outcomes.end(batch, BatchStatus.FAILED, ActionStatus.FAILED, reason)
			.flatMap((ended) -> this.audit.batchEnded(type, ended, audited).thenReturn(ended));
	}

	private static List<Action> inBatchOrder(Batch batch, List<Action> stored) {
		Map<String, Action> byId = new HashMap<>();
		stored.forEach((action) -> byId.put(action.id(), action));
		return batch.actionIds().stream().map(byId::get).filter(Objects::nonNull).toList();
	}

	/**
	 * Compares the {@code batch_digest} of every echoed details object with the batch's.
	 * @return null when they match or none is echoed; else the problem
	 */
	static @Nullable String echoedDigestProblem(Batch batch, @Nullable String authorizationDetails) {
		if (authorizationDetails == null || authorizationDetails.isBlank()) {
			return null;
		}
		JsonNode details;
		try {
			details = JSON.readTree(authorizationDetails);
		}
		catch (JacksonException ex) {
			// never the body in a message: it came from the token response
			return "the echoed authorization_details are not JSON";
		}
		if (!details.isArray()) {
			return "the echoed authorization_details are not a JSON array";
		}
		for (JsonNode object : details) {
			JsonNode digest = object.path("batch_digest");
			if (!digest.isMissingNode() && !batch.digest().equals(digest.asString(""))) {
				return "the echoed batch_digest is not this batch's";
			}
		}
		return null;
	}

	/** The token check's result: the token, or why it was refused. */
	private record TokenCheck(@Nullable Jwt jwt, @Nullable String problem) {

		static TokenCheck valid(Jwt jwt) {
			return new TokenCheck(jwt, null);
		}

		static TokenCheck refused(Throwable ex) {
			// BadJwtException messages name the claim, never the token
			return new TokenCheck(null, ex.getClass().getSimpleName() + ": " + ex.getMessage());
		}

	}

	/** One connection's exchange: the token, or why there is none. Local only. */
	private record Exchange(String connection, @Nullable ProviderToken token, @Nullable String problem) {

	}

}
