package dev.countersign.policy.change;

import java.time.Instant;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * A change that loosens governance, held until the user approves it (DESIGN §7). The
 * fields fixed at creation (id, user, kind, target, document, createdAt) never change;
 * stores enforce it with {@link #requireLegalSuccessor(PendingChange)}.
 *
 * <pre>{@code
 * PendingChange change = PendingChange.pending(ids.next(PendingChange.ID_PREFIX), user, ChangeKind.ROUTING,
 *         null, RoutingJson.write(requested).toString(), clock.instant());
 * store.insert(change).block();
 * }</pre>
 *
 * @param changeId the change id, {@value #ID_PREFIX}…
 * @param user the user it is for
 * @param kind what it does
 * @param target what it is about (a rule id, an agent id, a suggestion id), or
 * {@code null} (routing)
 * @param document the requested document as JSON text (never a token or secret)
 * @param status where it stands
 * @param createdAt when it was requested
 * @param decidedAt when it left {@code PENDING_APPROVAL}, or {@code null}
 * @param authReqId the CIBA request asking the user, once sent, or {@code null}
 * @param version incremented by every stored change; transitions compare and set it
 * @param reason why a decided change was not applied ({@code FAILED}, {@code DENIED},
 * {@code EXPIRED}), one sentence; otherwise {@code null}
 */
public record PendingChange(String changeId, String user, ChangeKind kind, @Nullable String target, String document,
		ChangeStatus status, Instant createdAt, @Nullable Instant decidedAt, @Nullable String authReqId, long version,
		@Nullable String reason) {

	/** The prefix of change ids. */
	public static final String ID_PREFIX = "chg_";

	public PendingChange {
		Objects.requireNonNull(changeId, "changeId must not be null");
		Objects.requireNonNull(user, "user must not be null");
		Objects.requireNonNull(kind, "kind must not be null");
		Objects.requireNonNull(document, "document must not be null");
		Objects.requireNonNull(status, "status must not be null");
		Objects.requireNonNull(createdAt, "createdAt must not be null");
		if (status.terminal() != (decidedAt != null)) {
			throw new IllegalArgumentException("decidedAt must be set exactly when the change is decided, but "
					+ changeId + " is " + status + " with decidedAt " + decidedAt);
		}
		if (version < 0) {
			throw new IllegalArgumentException("version must not be negative, but was " + version);
		}
	}

	/**
	 * A change without a reason.
	 * @param changeId the change id
	 * @param user the user
	 * @param kind what it does
	 * @param target what it is about, or {@code null}
	 * @param document the requested document as JSON text
	 * @param status where it stands
	 * @param createdAt when it was requested
	 * @param decidedAt when it was decided, or {@code null}
	 * @param authReqId the CIBA request, or {@code null}
	 * @param version the version
	 */
	public PendingChange(String changeId, String user, ChangeKind kind, @Nullable String target, String document,
			ChangeStatus status, Instant createdAt, @Nullable Instant decidedAt, @Nullable String authReqId,
			long version) {
		this(changeId, user, kind, target, document, status, createdAt, decidedAt, authReqId, version, null);
	}

	/**
	 * A new change waiting for approval, at version 0.
	 * @param changeId the id
	 * @param user the user
	 * @param kind what it does
	 * @param target what it is about, or {@code null}
	 * @param document the requested document as JSON text
	 * @param now when it was requested
	 * @return the change
	 */
	public static PendingChange pending(String changeId, String user, ChangeKind kind, @Nullable String target,
			String document, Instant now) {
		return new PendingChange(changeId, user, kind, target, document, ChangeStatus.PENDING_APPROVAL, now, null, null,
				0);
	}

	/**
	 * This change with the CIBA request that asks for it.
	 * @param id the {@code auth_req_id}
	 * @return the changed copy, still pending
	 * @throws IllegalStateException when it is decided or already has one
	 */
	public PendingChange withAuthReqId(String id) {
		Objects.requireNonNull(id, "authReqId must not be null");
		if (this.status != ChangeStatus.PENDING_APPROVAL || this.authReqId != null) {
			throw new IllegalStateException("change " + this.changeId + " cannot take an auth_req_id: it is "
					+ this.status + ((this.authReqId != null) ? " and already has one" : ""));
		}
		return new PendingChange(this.changeId, this.user, this.kind, this.target, this.document, this.status,
				this.createdAt, null, id, this.version, this.reason);
	}

	/**
	 * This change decided.
	 * @param next {@code APPLIED}, {@code DENIED} or {@code EXPIRED}
	 * @param at when
	 * @return the changed copy
	 * @throws IllegalStateException when the move is not allowed
	 */
	public PendingChange decide(ChangeStatus next, Instant at) {
		Objects.requireNonNull(next, "next must not be null");
		Objects.requireNonNull(at, "at must not be null");
		if (!next.terminal() || !this.status.canMoveTo(next)) {
			throw new IllegalStateException(
					"change " + this.changeId + " cannot move from " + this.status + " to " + next);
		}
		return new PendingChange(this.changeId, this.user, this.kind, this.target, this.document, next, this.createdAt,
				at, this.authReqId, this.version, this.reason);
	}

	/**
	 * This change decided, with the reason it was not applied.
	 * @param next {@code DENIED}, {@code EXPIRED} or {@code FAILED}
	 * @param at when
	 * @param why one sentence; never a token
	 * @return the changed copy
	 * @throws IllegalStateException when the move is not allowed
	 */
	public PendingChange decide(ChangeStatus next, Instant at, String why) {
		PendingChange decided = decide(next, at);
		return new PendingChange(decided.changeId, decided.user, decided.kind, decided.target, decided.document,
				decided.status, decided.createdAt, decided.decidedAt, decided.authReqId, decided.version,
				Objects.requireNonNull(why, "why must not be null"));
	}

	/**
	 * This change at another version; stores use it.
	 * @param newVersion the version
	 * @return the changed copy
	 */
	public PendingChange withVersion(long newVersion) {
		return new PendingChange(this.changeId, this.user, this.kind, this.target, this.document, this.status,
				this.createdAt, this.decidedAt, this.authReqId, newVersion, this.reason);
	}

	/**
	 * Checks that a proposed next state is a legal successor of this one: the status may
	 * move, the fixed fields are unchanged, and an {@code auth_req_id} once set stays.
	 * @param next the proposed next state
	 * @return {@code next}
	 * @throws IllegalStateException when it is not legal
	 */
	public PendingChange requireLegalSuccessor(PendingChange next) {
		if (!this.status.canMoveTo(next.status)) {
			throw new IllegalStateException(
					"change " + this.changeId + " cannot move from " + this.status + " to " + next.status);
		}
		if (!this.changeId.equals(next.changeId) || !this.user.equals(next.user) || this.kind != next.kind
				|| !Objects.equals(this.target, next.target) || !this.document.equals(next.document)
				|| !this.createdAt.equals(next.createdAt)
				|| (this.authReqId != null && !this.authReqId.equals(next.authReqId))) {
			throw new IllegalStateException("change " + this.changeId + " must keep the fields fixed at creation");
		}
		return next;
	}

}
