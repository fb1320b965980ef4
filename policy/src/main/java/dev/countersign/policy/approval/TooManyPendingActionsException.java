package dev.countersign.policy.approval;

import dev.countersign.policy.action.LiveActionLimitException;

/**
 * An agent already holds as many live actions for a user as
 * {@link ApprovalConfig#maxPendingPerAgent()} allows. The MCP edge turns it into a tool
 * error; the agent should wait for approvals or cancel some of its actions.
 */
public class TooManyPendingActionsException extends LiveActionLimitException {

	/**
	 * Creates the exception.
	 * @param agent the agent id
	 * @param limit the cap it reached
	 */
	public TooManyPendingActionsException(String agent, int limit) {
		super(agent, limit,
				"Agent " + agent + " already has " + limit + " actions waiting for approval, the most allowed;"
						+ " wait for the user to approve them or cancel some before submitting more");
	}

}
