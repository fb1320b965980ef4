package dev.countersign.policy.account;

/**
 * A stored refresh token could not be opened: its key is not configured, or it was
 * changed, sealed with another key, or sealed for another user. The message names the
 * user and the reason, never the ciphertext or a key.
 */
public class RefreshTokenUnreadableException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	private final String user;

	/**
	 * Creates the exception.
	 * @param user the user whose token could not be opened
	 * @param reason why, in plain words
	 */
	public RefreshTokenUnreadableException(String user, String reason) {
		super("the stored refresh token of " + user + " cannot be opened: " + reason);
		this.user = user;
	}

	/**
	 * The user whose token could not be opened.
	 * @return the user id
	 */
	public String user() {
		return this.user;
	}

}
