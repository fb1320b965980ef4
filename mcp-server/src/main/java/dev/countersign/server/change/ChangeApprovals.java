package dev.countersign.server.change;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicBoolean;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import dev.countersign.ciba.BackchannelAuthenticationRequest;
import dev.countersign.ciba.BackchannelAuthenticationResponse;
import dev.countersign.ciba.CibaException;
import dev.countersign.ciba.CibaOutcome;
import dev.countersign.ciba.CibaStartRejectedException;
import dev.countersign.ciba.CibaUnavailableException;
import dev.countersign.ciba.PollResult;
import dev.countersign.policy.action.IdGenerator;
import dev.countersign.policy.approval.BatchDigest;
import dev.countersign.policy.change.ChangeKind;
import dev.countersign.policy.change.ChangeStatus;
import dev.countersign.policy.change.ChangeStore;
import dev.countersign.policy.change.PendingChange;
import dev.countersign.server.approval.ApprovalChannel;
import dev.countersign.server.approval.ApprovalTokenValidator;
import dev.countersign.server.approval.BatchPresentation;

/**
 * The phone step of a change that loosens governance (DESIGN §7). {@link #request} stores
 * a {@code PENDING_APPROVAL} {@link PendingChange}, records it, and sends one CIBA
 * request of its own through the {@link ApprovalChannel}: binding message such as
 * {@code Countersign: loosen routing #7K2Q} (composed by {@link BatchPresentation}'s
 * profile), one authorization details object listing why the change loosens. Each
 * {@link #tick()} polls the requests whose interval passed, once:
 * <ul>
 * <li>approved: the CIBA access token is validated ({@link ApprovalTokenValidator}:
 * {@code sub} the user, {@code azp} the CIBA client, {@code iat} after the start), then
 * the change is applied by compare-and-set ({@link ChangeApplier}) and marked
 * {@code applied}; a base that moved meanwhile, or a refused token, marks it
 * {@code failed} with the reason, nothing applied;</li>
 * <li>{@code access_denied} (denied or expired at Auth0): {@code denied}; expired:
 * {@code expired}; another error: {@code failed}. Never applied.</li>
 * </ul>
 * A start the server refused marks the change {@code failed}; a start whose outcome is
 * unknown is not retried blindly (a retry is a second push): the change fails and the
 * user asks again. The polling state lives in this instance's memory: a change found
 * pending without it (a restart) is not polled and expires after its request's lifetime.
 * Logs name users and changes, never a token. Thread-safe.
 *
 * <pre>{@code
 * approvals.request(user, ChangeKind.ROUTING, null, document, "routing", reasons)   // 202
 * approvals.start(Duration.ofSeconds(1));   // on ApplicationReadyEvent
 * }</pre>
 */
public final class ChangeApprovals {

	/** The reason of a change the user denied (or let lapse: Auth0 does not tell). */
	public static final String DENIED = "denied or expired on the phone";

	private static final Logger logger = LoggerFactory.getLogger(ChangeApprovals.class);

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final ChangeStore changes;

	private final ChangeApplier applier;

	private final ApprovalChannel channel;

	private final ApprovalTokenValidator validator;

	private final BatchPresentation presentation;

	private final SettingsAudit audit;

	private final IdGenerator ids;

	private final String audience;

	private final Duration requestedExpiry;

	private final Clock clock;

	private final AtomicBoolean ticking = new AtomicBoolean();

	private final ConcurrentMap<String, Poll> polls = new ConcurrentHashMap<>();

	private volatile @Nullable Disposable ticker;

	/**
	 * Creates the approvals; nothing is polled until {@link #start(Duration)} or
	 * {@link #tick()}.
	 * @param changes the pending change store
	 * @param applier applies approved changes
	 * @param channel asks the user and polls for the answer
	 * @param validator validates the approval token
	 * @param presentation composes the binding message
	 * @param audit records each step
	 * @param ids makes change ids
	 * @param audience Countersign's API identifier
	 * @param requestedExpiry the {@code requested_expiry}, at most 300 s
	 * @param clock the clock
	 */
	public ChangeApprovals(ChangeStore changes, ChangeApplier applier, ApprovalChannel channel,
			ApprovalTokenValidator validator, BatchPresentation presentation, SettingsAudit audit, IdGenerator ids,
			String audience, Duration requestedExpiry, Clock clock) {
		this.changes = Objects.requireNonNull(changes, "changes must not be null");
		this.applier = Objects.requireNonNull(applier, "applier must not be null");
		this.channel = Objects.requireNonNull(channel, "channel must not be null");
		this.validator = Objects.requireNonNull(validator, "validator must not be null");
		this.presentation = Objects.requireNonNull(presentation, "presentation must not be null");
		this.audit = Objects.requireNonNull(audit, "audit must not be null");
		this.ids = Objects.requireNonNull(ids, "ids must not be null");
		this.audience = Objects.requireNonNull(audience, "audience must not be null");
		this.requestedExpiry = Objects.requireNonNull(requestedExpiry, "requestedExpiry must not be null");
		this.clock = Objects.requireNonNull(clock, "clock must not be null");
	}

	/**
	 * Holds a loosening for approval and asks the user's phone.
	 * @param user the user
	 * @param kind what the change does
	 * @param target what it is about, or null
	 * @param document the document from one of {@link ChangeApplier}'s {@code *Document}
	 * methods
	 * @param what a few words for the phone, e.g. {@code routing} or {@code agent claude}
	 * @param reasons why it loosens (from {@code Loosening})
	 * @return the stored change: {@code pending_approval}, or {@code failed} when the
	 * request could not be started
	 */
	public Mono<PendingChange> request(String user, ChangeKind kind, @Nullable String target, String document,
			String what, List<String> reasons) {
		PendingChange change = PendingChange.pending(this.ids.next(PendingChange.ID_PREFIX), user, kind, target,
				document, this.clock.instant());
		String code = BatchDigest.shortCode(dev.countersign.policy.action.CanonicalJson
			.sha256Hex(Map.of("change_id", change.changeId(), "document", document)));
		return this.changes.insert(change)
			.flatMap((stored) -> this.audit.requested(stored, reasons).thenReturn(stored))
			.flatMap((stored) -> start(stored, what, code, reasons));
	}

	/**
	 * Ticks every {@code period} until {@link #stop()}.
	 * @param period the poll period
	 */
	public synchronized void start(Duration period) {
		if (this.ticker != null) {
			return;
		}
		this.ticker = Flux.interval(period, period)
			.onBackpressureDrop()
			.concatMap((i) -> tick(), 1)
			.subscribe(null, (ex) -> logger.error("The change approval loop stopped: {}", ex.toString()));
	}

	/** Stops ticking. */
	public synchronized void stop() {
		Disposable current = this.ticker;
		if (current != null) {
			current.dispose();
			this.ticker = null;
		}
	}

	/**
	 * Polls every request whose interval passed, once each. Ticks never overlap.
	 * @return completes when the pass is done
	 */
	public Mono<Void> tick() {
		return Mono.defer(() -> {
			if (!this.ticking.compareAndSet(false, true)) {
				return Mono.<Void>empty();
			}
			Instant now = this.clock.instant();
			return Flux.fromIterable(List.copyOf(this.polls.values()))
				.filter((poll) -> !now.isBefore(poll.nextAt()))
				.concatMap((poll) -> poll(poll, now).onErrorResume((ex) -> {
					logger.warn("Polling change {} of user {} failed: {}", poll.changeId(), poll.user(), ex.toString());
					return Mono.empty();
				}))
				.then()
				.doFinally((signal) -> this.ticking.set(false));
		});
	}

	private Mono<PendingChange> start(PendingChange change, String what, String code, List<String> reasons) {
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("type", BatchPresentation.DETAILS_TYPE);
		details.put("change_id", change.changeId());
		details.put("kind", change.kind().wireName());
		details.put("code", code);
		details.put("properties", reasons.stream().map((reason) -> shorten(reason)).toList());
		BackchannelAuthenticationRequest request = BackchannelAuthenticationRequest
			.builder(change.user(), this.presentation.compose("Countersign: loosen " + what, "#" + code))
			.scope(BackchannelAuthenticationRequest.DEFAULT_SCOPE)
			.audience(this.audience)
			// DESIGN §4 step 4: at most 300 s, above that Auth0 sends an email
			.requestedExpiry(this.requestedExpiry)
			.authorizationDetails(JSON.writeValueAsString(List.of(details)))
			.build();
		Instant startedAt = this.clock.instant();
		return this.channel.start(request)
			.flatMap((started) -> recorded(change, started, startedAt, code))
			.onErrorResume(CibaStartRejectedException.class,
					(ex) -> end(change, ChangeStatus.FAILED, "approval could not be requested (" + ex.error() + ")"))
			.onErrorResume(CibaException.class, (ex) -> end(change, ChangeStatus.FAILED,
					"approval could not be requested (the authorization server did not answer); ask again"));
	}

	private Mono<PendingChange> recorded(PendingChange change, BackchannelAuthenticationResponse started,
			Instant startedAt, String code) {
		return this.changes
			.transition(change.user(), change.changeId(), ChangeStatus.PENDING_APPROVAL, change.version(),
					(current) -> current.withAuthReqId(started.authReqId()))
			.doOnNext((stored) -> {
				this.polls.put(stored.changeId(), new Poll(stored.user(), stored.changeId(), started.authReqId(),
						started.interval(), startedAt, startedAt.plus(started.interval())));
				logger.info("Approval of change {} of user {} requested", stored.changeId(), stored.user());
			})
			.flatMap((stored) -> this.audit.cibaRequested(stored, code).thenReturn(stored));
	}

	private Mono<PendingChange> poll(Poll poll, Instant now) {
		return this.channel.poll(poll.authReqId(), poll.interval())
			.flatMap((result) -> answered(poll, result, now))
			.onErrorResume(CibaUnavailableException.class, (ex) -> {
				this.polls.put(poll.changeId(), poll.after(now, poll.interval()));
				return Mono.empty();
			});
	}

	private Mono<PendingChange> answered(Poll poll, PollResult result, Instant now) {
		if (result instanceof PollResult.Pending pending) {
			this.polls.put(poll.changeId(), poll.after(now, pending.nextInterval()));
			return Mono.empty();
		}
		if (result instanceof PollResult.SlowDown slowDown) {
			// CIBA Core §11: keep the longer interval from now on
			this.polls.put(poll.changeId(), poll.after(now, slowDown.nextInterval()));
			return Mono.empty();
		}
		this.polls.remove(poll.changeId());
		return this.changes.find(poll.user(), poll.changeId())
			.filter((change) -> change.status() == ChangeStatus.PENDING_APPROVAL
					&& poll.authReqId().equals(change.authReqId()))
			.flatMap((change) -> {
				if (result instanceof CibaOutcome.Approved approved) {
					return approved(change, poll, approved);
				}
				if (result instanceof CibaOutcome.Denied) {
					// DESIGN §4 step 5: access_denied means denied OR expired
					return end(change, ChangeStatus.DENIED, DENIED);
				}
				if (result instanceof CibaOutcome.Expired) {
					return end(change, ChangeStatus.EXPIRED, "the approval request expired before the user answered");
				}
				CibaOutcome.Failed failed = (CibaOutcome.Failed) result;
				return end(change, ChangeStatus.FAILED, "the approval request failed (" + failed.error() + ")");
			});
	}

	private Mono<PendingChange> approved(PendingChange change, Poll poll, CibaOutcome.Approved approved) {
		// DESIGN §3 Writes: validated like any inbound token, plus sub, azp and iat
		return this.validator.validate(approved.accessToken(), change.user(), poll.startedAt())
			.then(Mono.defer(() -> this.applier.apply(change)))
			.then(Mono
				.defer(() -> this.changes
					.transition(change.user(), change.changeId(), ChangeStatus.PENDING_APPROVAL, change.version(),
							(current) -> current.decide(ChangeStatus.APPLIED, this.clock.instant()))
					.flatMap((applied) -> {
						logger.info("Change {} of user {} applied", applied.changeId(), applied.user());
						return this.audit.applied(applied).thenReturn(applied);
					})))
			.onErrorResume(ChangeApplier.BaseMovedException.class,
					(ex) -> end(change, ChangeStatus.FAILED, "not applied: " + ex.getMessage()))
			.onErrorResume(org.springframework.security.oauth2.jwt.JwtException.class,
					(ex) -> end(change, ChangeStatus.FAILED, "not applied: the approval could not be verified"))
			.onErrorResume((ex) -> !(ex instanceof ChangeApplier.BaseMovedException), (ex) -> {
				logger.warn("Change {} of user {} could not be applied: {}", change.changeId(), change.user(),
						ex.getClass().getSimpleName());
				return end(change, ChangeStatus.FAILED, "not applied: it could not be applied");
			});
	}

	private Mono<PendingChange> end(PendingChange change, ChangeStatus status, String reason) {
		logger.info("Change {} of user {} {}: {}", change.changeId(), change.user(), status.wireName(), reason);
		return this.changes
			.transition(change.user(), change.changeId(), ChangeStatus.PENDING_APPROVAL, change.version(),
					(current) -> current.decide(status, this.clock.instant(), reason))
			.flatMap((ended) -> this.audit.refused(ended).thenReturn(ended));
	}

	private static String shorten(String text) {
		return (text.length() <= BatchPresentation.MAX_LINE) ? text
				: text.substring(0, BatchPresentation.MAX_LINE - 1) + "…";
	}

	@Override
	public String toString() {
		return "ChangeApprovals[polling=" + this.polls.size() + "]";
	}

	/** One open request as this instance polls it. */
	private record Poll(String user, String changeId, String authReqId, Duration interval, Instant startedAt,
			Instant nextAt) {

		Poll after(Instant now, Duration next) {
			return new Poll(this.user, this.changeId, this.authReqId, next, this.startedAt, now.plus(next));
		}

	}

}
