package dev.countersign.server.change;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import dev.countersign.policy.action.Action;
import dev.countersign.policy.audit.AuditEvent;
import dev.countersign.policy.audit.AuditEventDraft;
import dev.countersign.policy.audit.AuditEventType;
import dev.countersign.policy.audit.AuditTrail;
import dev.countersign.policy.change.ChangeStatus;
import dev.countersign.policy.change.PendingChange;

/**
 * Records changes of settings in the user's audit chain (DESIGN §7, §8):
 * <ul>
 * <li>SETTING_CHANGED (actor: the user): a tightening or neutral change applied at once,
 * with {@code setting}, {@code target} and small details;</li>
 * <li>CHANGE_REQUESTED (user): a loosening held for approval, with {@code change_id},
 * {@code kind}, {@code target} and the reasons it loosens;</li>
 * <li>CIBA_REQUESTED (countersign): the approval request for a change, with
 * {@code change_id}, {@code auth_req_id} and the short code;</li>
 * <li>CHANGE_APPLIED (user): approved and applied;</li>
 * <li>CHANGE_REFUSED (user when denied, else countersign): denied, expired or failed,
 * with the status and the reason;</li>
 * <li>EDITED (user): the arguments of a {@code PENDING} action edited, with the tool, the
 * names of the edited arguments (never their values), the old and the new digest.</li>
 * </ul>
 * The returned {@code Mono}s never fail: auditing never changes an outcome, and a failed
 * append is logged (user and event type, never a detail). Details never hold a token.
 * Thread-safe.
 */
public final class SettingsAudit {

	private static final Logger logger = LoggerFactory.getLogger(SettingsAudit.class);

	private final AuditTrail trail;

	/**
	 * Records into a trail.
	 * @param trail the trail
	 */
	public SettingsAudit(AuditTrail trail) {
		this.trail = trail;
	}

	/**
	 * Records a setting the user changed at once.
	 * @param user the user
	 * @param setting {@code routing}, {@code rule}, {@code agent} or {@code suggestion}
	 * @param target what it concerns (a rule id, an agent), or null
	 * @param details small details; never a token
	 * @return completes when recorded
	 */
	public Mono<Void> changed(String user, String setting, @Nullable String target,
			Map<String, @Nullable Object> details) {
		Map<String, @Nullable Object> all = new LinkedHashMap<>();
		all.put("setting", setting);
		if (target != null) {
			all.put("target", target);
		}
		all.putAll(details);
		return record(user, AuditEventType.SETTING_CHANGED, AuditEvent.ACTOR_USER, all);
	}

	/**
	 * Records a loosening held for approval.
	 * @param change the stored pending change
	 * @param reasons why it loosens
	 * @return completes when recorded
	 */
	public Mono<Void> requested(PendingChange change, List<String> reasons) {
		Map<String, @Nullable Object> details = about(change);
		details.put("reasons", reasons);
		return record(change.user(), AuditEventType.CHANGE_REQUESTED, AuditEvent.ACTOR_USER, details);
	}

	/**
	 * Records the CIBA request started for a change.
	 * @param change the change, holding its {@code auth_req_id}
	 * @param shortCode the code shown on the phone
	 * @return completes when recorded
	 */
	public Mono<Void> cibaRequested(PendingChange change, String shortCode) {
		Map<String, @Nullable Object> details = about(change);
		details.put("auth_req_id", change.authReqId());
		details.put("short_code", shortCode);
		return record(change.user(), AuditEventType.CIBA_REQUESTED, AuditEvent.ACTOR_COUNTERSIGN, details);
	}

	/**
	 * Records a change applied after approval.
	 * @param change the applied change
	 * @return completes when recorded
	 */
	public Mono<Void> applied(PendingChange change) {
		Map<String, @Nullable Object> details = about(change);
		details.put("auth_req_id", change.authReqId());
		return record(change.user(), AuditEventType.CHANGE_APPLIED, AuditEvent.ACTOR_USER, details);
	}

	/**
	 * Records a change that was not applied.
	 * @param change the decided change ({@code DENIED}, {@code EXPIRED} or
	 * {@code FAILED})
	 * @return completes when recorded
	 */
	public Mono<Void> refused(PendingChange change) {
		Map<String, @Nullable Object> details = about(change);
		details.put("status", change.status().wireName());
		if (change.reason() != null) {
			details.put("reason", change.reason());
		}
		String actor = (change.status() == ChangeStatus.DENIED) ? AuditEvent.ACTOR_USER : AuditEvent.ACTOR_COUNTERSIGN;
		return record(change.user(), AuditEventType.CHANGE_REFUSED, actor, details);
	}

	/**
	 * Records the user's edit of a pending action's arguments.
	 * @param before the action before
	 * @param after the action as stored after the edit
	 * @param edited the names of the arguments the user sent
	 * @return completes when recorded
	 */
	public Mono<Void> edited(Action before, Action after, List<String> edited) {
		Map<String, @Nullable Object> details = new LinkedHashMap<>();
		details.put("tool", after.tool());
		details.put("edited", edited);
		details.put("previous_digest", before.digest());
		details.put("digest", after.digest());
		return record(after.user(), AuditEventType.EDITED, AuditEvent.ACTOR_USER, after.id(), details);
	}

	private static Map<String, @Nullable Object> about(PendingChange change) {
		Map<String, @Nullable Object> details = new LinkedHashMap<>();
		details.put("change_id", change.changeId());
		details.put("kind", change.kind().wireName());
		if (change.target() != null) {
			details.put("target", change.target());
		}
		return details;
	}

	private Mono<Void> record(String user, AuditEventType type, String actor, Map<String, @Nullable Object> details) {
		return record(user, type, actor, null, details);
	}

	private Mono<Void> record(String user, AuditEventType type, String actor, @Nullable String actionId,
			Map<String, @Nullable Object> details) {
		return Mono.defer(() -> {
			AuditEventDraft draft = this.trail.draft(type, actor).withActionId(actionId);
			try {
				draft = draft.withDetails(details);
			}
			catch (IllegalArgumentException ex) {
				logger.warn("Audit {} details for user {} withheld: {}", type, user, ex.getMessage());
				draft = draft.withDetail("details_withheld", "they looked like a credential");
			}
			return this.trail.record(user, draft);
		}).then().onErrorResume((ex) -> {
			// DESIGN §8: auditing never changes an outcome; never a detail here
			logger.error("Audit {} for user {} could not be recorded: {}", type, user, ex.getClass().getSimpleName());
			return Mono.empty();
		});
	}

	@Override
	public String toString() {
		return "SettingsAudit[" + this.trail + "]";
	}

}
