package dev.countersign.policy.approval;

/**
 * An agent already holds as many live actions for a user as
 * {@link ApprovalConfig#maxPendingPerAgent()} allows. The MCP edge turns it into a tool
 * error; the agent should wait for approvals or cancel some of its actions.
 */
public class TooManyPendingActionsException extends IllegalStateException {

	private final String agent;

	private final int limit;

	/**
	 * Creates the exception.
	 * @param agent the agent id
	 * @param limit the cap it reached
	 */
	public TooManyPendingActionsException(String agent, int limit) {
		super("Agent " + agent + " already has " + limit + " actions waiting for approval, the most allowed;"
				+ " wait for the user to approve them or cancel some before submitting more");
		this.agent = agent;
		this.limit = limit;
	}

	/**
	 * The agent that reached the cap.
	 * @return the agent id
	 */
	public String agent() {
		return this.agent;
	}

	/**
	 * The cap.
	 * @return the most live actions allowed per agent and user
	 */
	public int limit() {
		return this.limit;
	}

}
