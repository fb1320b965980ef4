package dev.countersign.policy.action;

/**
 * Thrown (as an error signal) by {@link ActionStore#insert(Action, int)} when the agent
 * already holds as many live actions for the user as the insert allows.
 */
public class LiveActionLimitException extends IllegalStateException {

	private final String agent;

	private final int limit;

	/**
	 * Creates the exception.
	 * @param agent the agent id
	 * @param limit the most live actions the insert allowed
	 */
	public LiveActionLimitException(String agent, int limit) {
		this(agent, limit,
				"Agent " + agent + " already holds " + limit + " live actions for the user, the most allowed");
	}

	/**
	 * Creates the exception with a message of the caller's.
	 * @param agent the agent id
	 * @param limit the most live actions allowed
	 * @param message what to tell
	 */
	protected LiveActionLimitException(String agent, int limit, String message) {
		super(message);
		this.agent = agent;
		this.limit = limit;
	}

	/**
	 * The agent at the limit.
	 * @return the agent id
	 */
	public String agent() {
		return this.agent;
	}

	/**
	 * The limit.
	 * @return the most live actions allowed
	 */
	public int limit() {
		return this.limit;
	}

}
