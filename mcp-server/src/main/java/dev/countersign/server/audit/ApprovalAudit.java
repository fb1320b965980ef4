package dev.countersign.server.audit;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import dev.countersign.policy.action.Action;
import dev.countersign.policy.action.ActionStatus;
import dev.countersign.policy.approval.Batch;
import dev.countersign.policy.approval.SubmitRequest;
import dev.countersign.policy.audit.AuditEvent;
import dev.countersign.policy.audit.AuditEventDraft;
import dev.countersign.policy.audit.AuditEventType;
import dev.countersign.policy.audit.AuditTrail;
import dev.countersign.policy.decision.Decision;

/**
 * Records the life of a write in the user's audit chain (DESIGN §4 step 7, §8): one entry
 * per step, naming the actor, the action and the batch, with small details and never a
 * token.
 *
 * <table>
 * <caption>What is recorded</caption>
 * <tr>
 * <th>event</th>
 * <th>actor</th>
 * <th>details</th>
 * </tr>
 * <tr>
 * <td>DECISION (a deny, a denied read, an auto-approval)</td>
 * <td>countersign</td>
 * <td>tool, agent, decision, decision_reason, rule_id when a rule decided</td>
 * </tr>
 * <tr>
 * <td>FROZEN</td>
 * <td>the agent</td>
 * <td>tool, digest, risk, confidence when given</td>
 * </tr>
 * <tr>
 * <td>BATCHED (then a checkpoint)</td>
 * <td>countersign</td>
 * <td>batch digest, action count, action ids</td>
 * </tr>
 * <tr>
 * <td>CIBA_REQUESTED</td>
 * <td>countersign</td>
 * <td>auth_req_id, short_code (the binding message's code)</td>
 * </tr>
 * <tr>
 * <td>APPROVED / DENIED</td>
 * <td>user</td>
 * <td>auth_req_id / reason</td>
 * </tr>
 * <tr>
 * <td>EXPIRED, FAILED (a batch)</td>
 * <td>countersign</td>
 * <td>reason</td>
 * </tr>
 * <tr>
 * <td>TAMPERING_REFUSED</td>
 * <td>countersign</td>
 * <td>auth_req_id, reason</td>
 * </tr>
 * <tr>
 * <td>EXCHANGE_DONE</td>
 * <td>countersign</td>
 * <td>connection name, subject ({@code ciba-token} or {@code refresh-token})</td>
 * </tr>
 * <tr>
 * <td>REFRESH_TOKEN_STORED / REFRESH_TOKEN_FORGOTTEN</td>
 * <td>user</td>
 * <td>key_id / nothing</td>
 * </tr>
 * <tr>
 * <td>EXECUTED / FAILED / UNKNOWN / EXPIRED (an action)</td>
 * <td>countersign</td>
 * <td>tool, reason</td>
 * </tr>
 * <tr>
 * <td>CANCELLED</td>
 * <td>the agent (MCP) or user (config API)</td>
 * <td>tool, reason</td>
 * </tr>
 * <tr>
 * <td>RESOLVED</td>
 * <td>user</td>
 * <td>tool, reason, outcome</td>
 * </tr>
 * <tr>
 * <td>RESUBMITTED (on the new action)</td>
 * <td>user</td>
 * <td>tool, resubmitted_from, digest</td>
 * </tr>
 * </table>
 *
 * <p>
 * Every method records after the state change it reports, in the caller's reactive chain,
 * so one user's events are in the order they happened. The returned {@code Mono} never
 * fails: auditing never changes an outcome. A failed append is logged at ERROR (user,
 * event type and the error's class and message; never a detail). Details the credential
 * screen refuses are replaced by {@code details_withheld} so the event is still recorded.
 * The one place that fails closed is {@link #frozenDraft}: the FROZEN entry is built (and
 * screened) before the action is stored, so a write whose entry could not be built is
 * refused and nothing is queued. Thread-safe.
 *
 * <pre>{@code
 * AuditEventDraft draft = audit.frozenDraft(request, digest); // throws: queue nothing
 * return freezer.submit(request).flatMap((action) -> audit.frozen(action, draft).thenReturn(action));
 * }</pre>
 */
public final class ApprovalAudit {

	private static final Logger logger = LoggerFactory.getLogger(ApprovalAudit.class);

	private static final ApprovalAudit NONE = new ApprovalAudit(null);

	private final @Nullable AuditTrail trail;

	/**
	 * Records into a trail.
	 * @param trail the trail
	 */
	public ApprovalAudit(@Nullable AuditTrail trail) {
		this.trail = trail;
	}

	/**
	 * Records nothing: for engines built without a trail (unit tests).
	 * @return the silent audit
	 */
	public static ApprovalAudit none() {
		return NONE;
	}

	/**
	 * Builds the FROZEN entry of a write before it is stored.
	 * @param request the write about to be frozen
	 * @param digest its action digest
	 * @return the draft, stamped now, without its action id
	 * @throws IllegalArgumentException when the entry cannot be recorded (the write must
	 * then not be queued)
	 */
	public AuditEventDraft frozenDraft(SubmitRequest request, String digest) {
		Map<String, @Nullable Object> details = new LinkedHashMap<>();
		details.put("tool", request.tool().name());
		details.put("digest", digest);
		details.put("risk", request.risk().name());
		if (request.confidence() != null) {
			details.put("confidence", request.confidence());
		}
		AuditTrail current = this.trail;
		AuditEventDraft draft = (current != null) ? current.draft(AuditEventType.FROZEN, request.agent())
				: AuditEventDraft.of(AuditEventType.FROZEN, request.agent(), Instant.EPOCH);
		return draft.withDetails(details);
	}

	/**
	 * Records a write frozen by this call; an action the call found live (the same write
	 * repeated: created before the draft was stamped) is not recorded again. A repeat
	 * within the same clock instant as the first call cannot be told apart and is
	 * recorded again, naming the same action id.
	 * @param action the stored action
	 * @param draft from {@link #frozenDraft}, made just before the submit
	 * @return completes when recorded, or at once
	 */
	public Mono<Void> frozen(Action action, AuditEventDraft draft) {
		if (action.createdAt().isBefore(draft.occurredAt())) {
			return Mono.empty();
		}
		return append(action.user(), AuditEventType.FROZEN, (trail) -> draft.withActionId(action.id()));
	}

	/**
	 * Records a batch closed over its actions, then checkpoints the user's chain.
	 * @param batch the closed batch
	 * @return completes when recorded
	 */
	public Mono<Void> batched(Batch batch) {
		Map<String, @Nullable Object> details = new LinkedHashMap<>();
		details.put("batch_digest", batch.digest());
		details.put("action_count", batch.actionIds().size());
		details.put("action_ids", batch.actionIds());
		return record(batch.user(), AuditEventType.BATCHED, AuditEvent.ACTOR_COUNTERSIGN, null, batch.id(), details)
			.then(checkpoint(batch.user()));
	}

	/**
	 * Records the CIBA request started for a batch.
	 * @param batch the batch, {@code REQUESTED}, holding its {@code auth_req_id}
	 * @return completes when recorded
	 */
	public Mono<Void> cibaRequested(Batch batch) {
		Map<String, @Nullable Object> details = new LinkedHashMap<>();
		details.put("auth_req_id", batch.authReqId());
		details.put("short_code", batch.shortCode());
		return record(batch.user(), AuditEventType.CIBA_REQUESTED, AuditEvent.ACTOR_COUNTERSIGN, null, batch.id(),
				details);
	}

	/**
	 * Records a batch the user approved, once it is claimed to run.
	 * @param batch the batch, {@code APPROVED}
	 * @return completes when recorded
	 */
	public Mono<Void> approved(Batch batch) {
		return record(batch.user(), AuditEventType.APPROVED, AuditEvent.ACTOR_USER, null, batch.id(),
				single("auth_req_id", batch.authReqId()));
	}

	/**
	 * Records how a batch that will not run ended.
	 * @param type {@code DENIED} (by the user), {@code EXPIRED}, {@code FAILED} or
	 * {@code TAMPERING_REFUSED}
	 * @param batch the ended batch
	 * @param reason why, one sentence; never a token
	 * @return completes when recorded
	 */
	public Mono<Void> batchEnded(AuditEventType type, Batch batch, String reason) {
		String actor = (type == AuditEventType.DENIED) ? AuditEvent.ACTOR_USER : AuditEvent.ACTOR_COUNTERSIGN;
		Map<String, @Nullable Object> details = new LinkedHashMap<>();
		if (batch.authReqId() != null) {
			details.put("auth_req_id", batch.authReqId());
		}
		details.put("reason", reason);
		return record(batch.user(), type, actor, null, batch.id(), details);
	}

	/**
	 * Records a token exchange done for a batch: the connection's name and which kind of
	 * subject token was used, NEVER a token. With {@code refresh-token} this is the audit
	 * of each use of the user's standing credential.
	 * @param batch the batch
	 * @param connection the connection name
	 * @param subject {@code ciba-token} or {@code refresh-token}
	 * @return completes when recorded
	 */
	public Mono<Void> exchangeDone(Batch batch, String connection, String subject) {
		Map<String, @Nullable Object> details = new LinkedHashMap<>();
		details.put("connection", connection);
		details.put("subject", subject);
		return record(batch.user(), AuditEventType.EXCHANGE_DONE, AuditEvent.ACTOR_COUNTERSIGN, null, batch.id(),
				details);
	}

	/**
	 * Records that the user signed in to the console and their refresh token was stored,
	 * sealed: the key id only, NEVER the token or its ciphertext.
	 * @param user the user id
	 * @param keyId the id of the key that sealed it
	 * @return completes when recorded
	 */
	public Mono<Void> refreshTokenStored(String user, String keyId) {
		return record(user, AuditEventType.REFRESH_TOKEN_STORED, AuditEvent.ACTOR_USER, null, null,
				single("key_id", keyId));
	}

	/**
	 * Records that the user's stored refresh token was forgotten.
	 * @param user the user id
	 * @return completes when recorded
	 */
	public Mono<Void> refreshTokenForgotten(String user) {
		return record(user, AuditEventType.REFRESH_TOKEN_FORGOTTEN, AuditEvent.ACTOR_USER, null, null,
				new LinkedHashMap<>());
	}

	/**
	 * Records where an action ended: {@code SUCCEEDED} as EXECUTED, {@code FAILED},
	 * {@code UNKNOWN}, {@code EXPIRED}, {@code DENIED} and {@code CANCELLED} (whose actor
	 * is the agent) as themselves; other statuses are not recorded here.
	 * @param action the action as stored after its change
	 * @return completes when recorded
	 */
	public Mono<Void> actionEnded(Action action) {
		AuditEventType type = switch (action.status()) {
			case SUCCEEDED -> AuditEventType.EXECUTED;
			case FAILED -> AuditEventType.FAILED;
			case UNKNOWN -> AuditEventType.UNKNOWN;
			case EXPIRED -> AuditEventType.EXPIRED;
			case DENIED -> AuditEventType.DENIED;
			case CANCELLED -> AuditEventType.CANCELLED;
			default -> null;
		};
		if (type == null) {
			return Mono.empty();
		}
		String actor = (action.status() == ActionStatus.CANCELLED) ? action.agent() : AuditEvent.ACTOR_COUNTERSIGN;
		return record(action.user(), type, actor, action.id(), action.batchId(), toolAndReason(action));
	}

	/**
	 * Records an action the user ended through the config API (a cancel): its status,
	 * with the user as the actor.
	 * @param action the action as stored after its change
	 * @return completes when recorded
	 */
	public Mono<Void> userEnded(Action action) {
		return record(action.user(), AuditEventType.CANCELLED, AuditEvent.ACTOR_USER, action.id(), action.batchId(),
				toolAndReason(action));
	}

	/**
	 * Records the user's resolution of an {@code UNKNOWN} action as RESOLVED (actor: the
	 * user; tool, outcome, reason).
	 * @param action the action as stored after it was resolved
	 * @return completes when recorded
	 */
	public Mono<Void> resolved(Action action) {
		Map<String, @Nullable Object> details = toolAndReason(action);
		details.put("outcome", action.status().name().toLowerCase(Locale.ROOT));
		return record(action.user(), AuditEventType.RESOLVED, AuditEvent.ACTOR_USER, action.id(), action.batchId(),
				details);
	}

	/**
	 * Records that the user resubmitted an expired or denied action as RESUBMITTED on the
	 * new action (actor: the user; tool, the old action's id, the new digest).
	 * @param old the expired or denied action
	 * @param fresh the new {@code PENDING} action
	 * @return completes when recorded
	 */
	public Mono<Void> resubmitted(Action old, Action fresh) {
		Map<String, @Nullable Object> details = new LinkedHashMap<>();
		details.put("tool", fresh.tool());
		details.put("resubmitted_from", old.id());
		details.put("digest", fresh.digest());
		return record(fresh.user(), AuditEventType.RESUBMITTED, AuditEvent.ACTOR_USER, fresh.id(), null, details);
	}

	/**
	 * Records how policy routed a call that is not simply queued: a write or read refused
	 * by a rule (no action), or a write auto-approved (its action).
	 * @param user the user id
	 * @param agent the agent that called
	 * @param tool the tool called
	 * @param decision the decision, whose kind and reason are recorded
	 * @param actionId the action, or {@code null} when nothing was frozen
	 * @return completes when recorded
	 */
	public Mono<Void> decision(String user, String agent, String tool, Decision decision, @Nullable String actionId) {
		Map<String, @Nullable Object> details = new LinkedHashMap<>();
		details.put("tool", tool);
		details.put("agent", agent);
		details.put("decision", decision.kind());
		details.put("decision_reason", decision.reason());
		if (decision.ruleId() != null) {
			details.put("rule_id", decision.ruleId());
		}
		return record(user, AuditEventType.DECISION, AuditEvent.ACTOR_COUNTERSIGN, actionId, null, details);
	}

	private static Map<String, @Nullable Object> toolAndReason(Action action) {
		Map<String, @Nullable Object> details = new LinkedHashMap<>();
		details.put("tool", action.tool());
		if (action.reason() != null) {
			details.put("reason", action.reason());
		}
		return details;
	}

	private Mono<Void> checkpoint(String user) {
		AuditTrail current = this.trail;
		if (current == null) {
			return Mono.empty();
		}
		return current.checkpoint(user).then().onErrorResume((ex) -> failed(user, "checkpoint", ex));
	}

	private Mono<Void> record(String user, AuditEventType type, String actor, @Nullable String actionId,
			@Nullable String batchId, Map<String, @Nullable Object> details) {
		return append(user, type, (trail) -> {
			AuditEventDraft draft = trail.draft(type, actor).withActionId(actionId).withBatchId(batchId);
			try {
				return draft.withDetails(details);
			}
			catch (IllegalArgumentException ex) {
				// the screen names the path, never the value; keep the event, drop
				// details
				logger.warn("Audit {} details for user {} withheld: {}", type, user, ex.getMessage());
				return draft.withDetail("details_withheld", "they looked like a credential");
			}
		});
	}

	private Mono<Void> append(String user, AuditEventType type, Function<AuditTrail, AuditEventDraft> draft) {
		AuditTrail current = this.trail;
		if (current == null) {
			return Mono.empty();
		}
		return Mono.defer(() -> current.record(user, draft.apply(current)))
			.then()
			.onErrorResume((ex) -> failed(user, type.name(), ex));
	}

	private static Mono<Void> failed(String user, String what, Throwable ex) {
		// DESIGN §8: auditing never changes an outcome; never a detail or token here
		logger.error("Audit {} for user {} could not be recorded: {}", what, user,
				ex.getClass().getSimpleName() + ((ex.getMessage() != null) ? ": " + ex.getMessage() : ""));
		return Mono.empty();
	}

	private static Map<String, @Nullable Object> single(String key, @Nullable Object value) {
		Map<String, @Nullable Object> details = new LinkedHashMap<>();
		details.put(key, value);
		return details;
	}

	@Override
	public String toString() {
		return "ApprovalAudit[trail=" + this.trail + "]";
	}

}
