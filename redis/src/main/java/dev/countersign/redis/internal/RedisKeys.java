package dev.countersign.redis.internal;

import java.util.Objects;

/**
 * The key layout. Every key of one user starts with {@code cs:{u:<user>}:}, so that all
 * of them hash to one Redis Cluster slot and one Lua script may touch them together:
 *
 * <pre>
 * cs:{u:USER}:action:ID                 hash  json, status, version
 * cs:{u:USER}:actions:STATUS            set   ids of the user's actions in STATUS
 * cs:{u:USER}:live:AGENT:DIGEST         string id of the live action with that digest
 * cs:{u:USER}:agent-live:AGENT          set   ids of the agent's live actions
 * cs:{u:USER}:batch-actions:BATCH       set   ids of the actions closed into BATCH
 * cs:{u:USER}:action-changes            string inserts and transitions so far (INCR)
 * cs:{u:USER}:batch:ID                  hash  json, status, version
 * cs:{u:USER}:batches:STATUS            set   ids of the user's batches in STATUS
 * cs:{u:USER}:batch-requests            zset  batch ids by requestedAt (epoch ms)
 * cs:{u:USER}:deal-book                marker: the user's deals and contacts are seeded
 * cs:{u:USER}:deals                     hash  deal id to deal JSON
 * cs:{u:USER}:contacts                  hash  contact id to contact JSON
 * cs:{u:USER}:audit                     stream audit entries, id SEQUENCE-0, field json
 * cs:{u:USER}:audit-checkpoints         zset  checkpoint JSON by sequence
 * cs:{u:USER}:rules                     hash  json (the ordered rules), version
 * cs:{u:USER}:routing                   hash  json (the routing settings), version
 * cs:{u:USER}:trust                     hash  agent id to trust record JSON
 * cs:{u:USER}:credential-epoch          string the user's credential epoch (INCR)
 * cs:{u:USER}:calibration-approved      hash  ["AGENT","TOOL"] to approvals counted
 * cs:{u:USER}:calibration-denied        hash  ["AGENT","TOOL"] to denials counted
 * cs:{u:USER}:suggestions               hash  suggestion id to suggestion JSON
 * cs:{u:USER}:suggestion-ids            hash  ["AGENT","TOOL"] to its suggestion's id
 * cs:{u:USER}:refresh-token             hash  keyId, ciphertext, storedAt
 * cs:{u:USER}:change:ID                 hash  json, status, version
 * cs:{u:USER}:changes:STATUS            set   ids of the user's changes in STATUS
 * cs:{u:USER}:approval-lease            string the replica doing the user's approval work (PX)
 * cs:users:actions:STATUS               set   users that may have actions in STATUS
 * </pre>
 *
 * The last one is global (no hash tag): it is written before each script, outside it, and
 * only ever names too many users, which readers check against the user's own sets.
 */
public final class RedisKeys {

	private static final String PREFIX = "cs:";

	private final String user;

	private RedisKeys(String user) {
		this.user = user;
	}

	/**
	 * The keys of one user.
	 * @param user the user id
	 * @return the user's keys
	 */
	public static RedisKeys of(String user) {
		return new RedisKeys(PREFIX + "{u:" + Objects.requireNonNull(user, "user must not be null") + "}:");
	}

	/**
	 * The global set of users that may have actions in a status.
	 * @param status the status name
	 * @return the key
	 */
	public static String usersWithActions(String status) {
		return PREFIX + "users:actions:" + status;
	}

	/**
	 * The hash of one action.
	 * @return the key
	 */
	public String action(String id) {
		return this.user + "action:" + id;
	}

	/**
	 * The set of the ids of the user's actions in a status.
	 * @return the key
	 */
	public String actions(String status) {
		return this.user + "actions:" + status;
	}

	/**
	 * The id of the agent's live action with a digest.
	 * @return the key
	 */
	public String live(String agent, String digest) {
		return this.user + "live:" + agent + ":" + digest;
	}

	/**
	 * The set of the ids of an agent's live actions.
	 * @return the key
	 */
	public String agentLive(String agent) {
		return this.user + "agent-live:" + agent;
	}

	/**
	 * The set of the ids of the actions closed into a batch.
	 * @return the key
	 */
	public String batchActions(String batchId) {
		return this.user + "batch-actions:" + batchId;
	}

	/**
	 * The count of the inserts and transitions of the user's actions.
	 * @return the key
	 */
	public String actionChanges() {
		return this.user + "action-changes";
	}

	/**
	 * The hash of one batch.
	 * @return the key
	 */
	public String batch(String id) {
		return this.user + "batch:" + id;
	}

	/**
	 * The set of the ids of the user's batches in a status.
	 * @return the key
	 */
	public String batches(String status) {
		return this.user + "batches:" + status;
	}

	/**
	 * The sorted set of the user's batch ids by {@code requestedAt}.
	 * @return the key
	 */
	public String batchRequests() {
		return this.user + "batch-requests";
	}

	/**
	 * The marker that the user's deals and contacts are seeded.
	 * @return the key
	 */
	public String dealBook() {
		return this.user + "deal-book";
	}

	/**
	 * The hash of the user's deals by id.
	 * @return the key
	 */
	public String deals() {
		return this.user + "deals";
	}

	/**
	 * The hash of the user's contacts by id.
	 * @return the key
	 */
	public String contacts() {
		return this.user + "contacts";
	}

	/**
	 * The stream of the user's audit chain.
	 * @return the key
	 */
	public String audit() {
		return this.user + "audit";
	}

	/**
	 * The sorted set of the user's audit checkpoints by sequence.
	 * @return the key
	 */
	public String auditCheckpoints() {
		return this.user + "audit-checkpoints";
	}

	/**
	 * The hash of the user's rules and their version.
	 * @return the key
	 */
	public String rules() {
		return this.user + "rules";
	}

	/**
	 * The hash of the user's routing settings and their version.
	 * @return the key
	 */
	public String routing() {
		return this.user + "routing";
	}

	/**
	 * The hash of the user's trust records by agent.
	 * @return the key
	 */
	public String trust() {
		return this.user + "trust";
	}

	/**
	 * The counter of the user's credential epoch.
	 * @return the key
	 */
	public String credentialEpoch() {
		return this.user + "credential-epoch";
	}

	/**
	 * The hash of the user's approval counts by agent and tool.
	 * @return the key
	 */
	public String calibrationApproved() {
		return this.user + "calibration-approved";
	}

	/**
	 * The hash of the user's denial counts by agent and tool.
	 * @return the key
	 */
	public String calibrationDenied() {
		return this.user + "calibration-denied";
	}

	/**
	 * The hash of the user's suggestions by id.
	 * @return the key
	 */
	public String suggestions() {
		return this.user + "suggestions";
	}

	/**
	 * The hash of the user's suggestion ids by agent and tool.
	 * @return the key
	 */
	public String suggestionIds() {
		return this.user + "suggestion-ids";
	}

	/**
	 * The hash of the user's sealed refresh token.
	 * @return the key
	 */
	public String refreshToken() {
		return this.user + "refresh-token";
	}

	/**
	 * The hash of one pending change.
	 * @return the key
	 */
	public String change(String id) {
		return this.user + "change:" + id;
	}

	/**
	 * The set of the ids of the user's changes in a status.
	 * @return the key
	 */
	public String changes(String status) {
		return this.user + "changes:" + status;
	}

	/**
	 * The owner of the user's approval lease, expiring with it.
	 * @return the key
	 */
	public String approvalLease() {
		return this.user + "approval-lease";
	}

}
