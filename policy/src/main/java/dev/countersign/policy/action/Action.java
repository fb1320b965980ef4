package dev.countersign.policy.action;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import dev.countersign.policy.tool.Risk;
import org.jspecify.annotations.Nullable;

/**
 * A write an agent asked for, frozen so that what the user approves is exactly what runs.
 *
 * <p>
 * Arguments, preconditions and result are JSON trees held as deeply immutable maps
 * ({@link CanonicalJson#freeze(Map)}): every constructor call freezes them, so an
 * {@code Action} never shares mutable state. The fields fixed at freezing (everything but
 * {@code status}, {@code batchId}, {@code updatedAt}, {@code version}, {@code reason} and
 * {@code result}) never change; stores enforce it with
 * {@link #requireLegalSuccessor(Action)}.
 *
 * <p>
 * The record does not check that {@code digest} matches the other fields: a stored action
 * may have been tampered with, and {@link #digestMatches()} is how that is detected.
 *
 * @param id the action id, {@code act_} and 26 characters, time-ordered
 * @param user the user the write acts for ({@code sub})
 * @param agent the agent that asked for it
 * @param tool the tool name
 * @param connection the connection the tool writes through
 * @param risk the risk, after the arguments were looked at
 * @param destructive whether the write cannot be taken back
 * @param confidence the agent's stated confidence, 0 to 1, or {@code null} when it gave
 * none
 * @param lowConfidence whether the action is flagged as low-confidence (listed first in
 * its batch)
 * @param reviewNow whether it gets a batch of its own at once
 * @param arguments the frozen arguments (a JSON object)
 * @param preconditions what must still hold when it runs (a JSON object, may be empty)
 * @param digest the {@link ActionDigest} computed when it was frozen
 * @param status where it stands
 * @param batchId the batch it was closed into; {@code null} while {@code PENDING}
 * @param createdAt when it was frozen
 * @param approveBy when it expires unless approved
 * @param updatedAt when it last changed
 * @param version incremented by every stored change; transitions compare and set it
 * @param reason why it failed, was denied, expired or was cancelled; otherwise
 * {@code null}
 * @param result what the provider answered, or {@code null}
 */
public record Action(String id, String user, String agent, String tool, String connection, Risk risk,
		boolean destructive, @Nullable Double confidence, boolean lowConfidence, boolean reviewNow,
		Map<String, @Nullable Object> arguments, Map<String, @Nullable Object> preconditions, String digest,
		ActionStatus status, @Nullable String batchId, Instant createdAt, Instant approveBy, Instant updatedAt,
		long version, @Nullable String reason, @Nullable Map<String, @Nullable Object> result) {

	public Action {
		Objects.requireNonNull(id, "id must not be null");
		Objects.requireNonNull(user, "user must not be null");
		Objects.requireNonNull(agent, "agent must not be null");
		Objects.requireNonNull(tool, "tool must not be null");
		Objects.requireNonNull(connection, "connection must not be null");
		Objects.requireNonNull(risk, "risk must not be null");
		Objects.requireNonNull(digest, "digest must not be null");
		Objects.requireNonNull(status, "status must not be null");
		Objects.requireNonNull(createdAt, "createdAt must not be null");
		Objects.requireNonNull(approveBy, "approveBy must not be null");
		Objects.requireNonNull(updatedAt, "updatedAt must not be null");
		arguments = CanonicalJson.freeze(Objects.requireNonNull(arguments, "arguments must not be null"));
		preconditions = CanonicalJson.freeze(Objects.requireNonNull(preconditions, "preconditions must not be null"));
		result = (result != null) ? CanonicalJson.freeze(result) : null;
		if (confidence != null && !(confidence >= 0.0 && confidence <= 1.0)) {
			throw new IllegalArgumentException("confidence must be between 0 and 1, but was " + confidence);
		}
		if (version < 0) {
			throw new IllegalArgumentException("version must not be negative, but was " + version);
		}
		if (status == ActionStatus.PENDING && batchId != null) {
			throw new IllegalArgumentException(
					"a PENDING action must not have a batchId, but " + id + " has " + batchId);
		}
		if (status == ActionStatus.BATCHED && batchId == null) {
			throw new IllegalArgumentException("a BATCHED action must have a batchId, but " + id + " has none");
		}
	}

	/**
	 * Whether the action must be listed by name wherever its batch is shown (never folded
	 * into "+N more"): HIGH risk, destructive or low-confidence.
	 * @return true for an action that is never hidden
	 */
	public boolean alwaysListed() {
		return this.risk == Risk.HIGH || this.destructive || this.lowConfidence;
	}

	/**
	 * Recomputes the digest from the stored tool, arguments, preconditions, user and
	 * agent.
	 * @return the digest those fields give now
	 */
	public String recomputeDigest() {
		return ActionDigest.of(this.tool, this.arguments, this.preconditions, this.user, this.agent);
	}

	/**
	 * Whether the stored digest still matches the stored fields.
	 * @return false when a field or the digest was changed after freezing
	 */
	public boolean digestMatches() {
		return this.digest.equals(recomputeDigest());
	}

	/**
	 * This action in another status. Does not check the move: stores do.
	 * @param next the new status
	 * @param at when it changed
	 * @return the changed copy
	 */
	public Action moveTo(ActionStatus next, Instant at) {
		return new Action(this.id, this.user, this.agent, this.tool, this.connection, this.risk, this.destructive,
				this.confidence, this.lowConfidence, this.reviewNow, this.arguments, this.preconditions, this.digest,
				next, this.batchId, this.createdAt, this.approveBy, at, this.version, this.reason, this.result);
	}

	/**
	 * This action closed into a batch: {@code BATCHED} with the batch id.
	 * @param batch the batch id
	 * @param at when it was closed
	 * @return the changed copy
	 */
	public Action batched(String batch, Instant at) {
		return new Action(this.id, this.user, this.agent, this.tool, this.connection, this.risk, this.destructive,
				this.confidence, this.lowConfidence, this.reviewNow, this.arguments, this.preconditions, this.digest,
				ActionStatus.BATCHED, Objects.requireNonNull(batch, "batch must not be null"), this.createdAt,
				this.approveBy, at, this.version, this.reason, this.result);
	}

	/**
	 * This action with a reason.
	 * @param why why it failed, was denied, expired or was cancelled
	 * @return the changed copy
	 */
	public Action withReason(@Nullable String why) {
		return new Action(this.id, this.user, this.agent, this.tool, this.connection, this.risk, this.destructive,
				this.confidence, this.lowConfidence, this.reviewNow, this.arguments, this.preconditions, this.digest,
				this.status, this.batchId, this.createdAt, this.approveBy, this.updatedAt, this.version, why,
				this.result);
	}

	/**
	 * This action with a provider result.
	 * @param answer what the provider answered (a JSON object)
	 * @return the changed copy
	 */
	public Action withResult(@Nullable Map<String, ? extends @Nullable Object> answer) {
		return new Action(this.id, this.user, this.agent, this.tool, this.connection, this.risk, this.destructive,
				this.confidence, this.lowConfidence, this.reviewNow, this.arguments, this.preconditions, this.digest,
				this.status, this.batchId, this.createdAt, this.approveBy, this.updatedAt, this.version, this.reason,
				(answer != null) ? CanonicalJson.freeze(answer) : null);
	}

	/**
	 * This action with another version. Only stores call this.
	 * @param next the version
	 * @return the changed copy
	 */
	public Action withVersion(long next) {
		return new Action(this.id, this.user, this.agent, this.tool, this.connection, this.risk, this.destructive,
				this.confidence, this.lowConfidence, this.reviewNow, this.arguments, this.preconditions, this.digest,
				this.status, this.batchId, this.createdAt, this.approveBy, this.updatedAt, next, this.reason,
				this.result);
	}

	/**
	 * This {@code PENDING} action with arguments the user edited (DESIGN §7, {@code PATCH
	 * /api/v1/actions/{id}}): re-frozen and re-digested, still {@code PENDING}.
	 * @param newArguments the complete new arguments (a JSON object)
	 * @param at when it was edited
	 * @return the changed copy, whose digest matches its fields
	 * @throws IllegalStateException when the action is not {@code PENDING}
	 */
	public Action edited(Map<String, ? extends @Nullable Object> newArguments, Instant at) {
		if (this.status != ActionStatus.PENDING) {
			throw new IllegalStateException(
					"Action " + this.id + " is " + this.status + "; only a PENDING action can be edited");
		}
		Map<String, @Nullable Object> frozen = CanonicalJson.freeze(new LinkedHashMap<>(newArguments));
		String newDigest = ActionDigest.of(this.tool, frozen, this.preconditions, this.user, this.agent);
		return new Action(this.id, this.user, this.agent, this.tool, this.connection, this.risk, this.destructive,
				this.confidence, this.lowConfidence, this.reviewNow, frozen, this.preconditions, newDigest, this.status,
				this.batchId, this.createdAt, this.approveBy, at, this.version, this.reason, this.result);
	}

	/**
	 * Checks that {@code next} may replace this action in a store: its status is a legal
	 * move from this one ({@link ActionStatus#canMoveTo(ActionStatus)}) and every field
	 * fixed at freezing is unchanged. Store implementations call this inside their
	 * compare-and-set.
	 * @param next the proposed successor
	 * @return {@code next}
	 * @throws IllegalStateException if the move is illegal or a frozen field changed
	 */
	public Action requireLegalSuccessor(Action next) {
		Objects.requireNonNull(next, "next must not be null");
		if (isEdit(next)) {
			return next;
		}
		if (!this.status.canMoveTo(next.status)) {
			throw new IllegalStateException(
					"Action " + this.id + " cannot move from " + this.status + " to " + next.status);
		}
		if (!this.id.equals(next.id) || !this.user.equals(next.user) || !this.agent.equals(next.agent)
				|| !this.tool.equals(next.tool) || !this.connection.equals(next.connection) || this.risk != next.risk
				|| this.destructive != next.destructive || !Objects.equals(this.confidence, next.confidence)
				|| this.lowConfidence != next.lowConfidence || this.reviewNow != next.reviewNow
				|| !this.arguments.equals(next.arguments) || !this.preconditions.equals(next.preconditions)
				|| !this.digest.equals(next.digest) || !this.createdAt.equals(next.createdAt)
				|| !this.approveBy.equals(next.approveBy)
				|| (this.batchId != null && !this.batchId.equals(next.batchId))) {
			throw new IllegalStateException("Action " + this.id
					+ " must keep the fields fixed when it was frozen; only status, a first batchId, updatedAt, reason and result change");
		}
		return next;
	}

	/**
	 * The one change of frozen fields a store accepts: a {@code PENDING} action stays
	 * {@code PENDING} with other (different) arguments and the digest of its new fields,
	 * everything else fixed at freezing unchanged ({@link #edited(Map, Instant)}).
	 */
	private boolean isEdit(Action next) {
		return this.status == ActionStatus.PENDING && next.status == ActionStatus.PENDING && next.batchId == null
				&& this.id.equals(next.id) && this.user.equals(next.user) && this.agent.equals(next.agent)
				&& this.tool.equals(next.tool) && this.connection.equals(next.connection) && this.risk == next.risk
				&& this.destructive == next.destructive && Objects.equals(this.confidence, next.confidence)
				&& this.lowConfidence == next.lowConfidence && this.reviewNow == next.reviewNow
				&& this.preconditions.equals(next.preconditions) && this.createdAt.equals(next.createdAt)
				&& this.approveBy.equals(next.approveBy) && !this.arguments.equals(next.arguments)
				&& next.digestMatches();
	}

}
