package dev.countersign.server.auth;

/**
 * Countersign refuses to start: a setting is missing or contradicts another. The message
 * names the setting.
 */
public class InvalidConfigurationException extends RuntimeException {

	private final String setting;

	/**
	 * Creates the exception.
	 * @param setting the property name, for example {@code countersign.auth.issuer}
	 * @param problem what is wrong with it, in plain words
	 */
	public InvalidConfigurationException(String setting, String problem) {
		super(setting + ": " + problem);
		this.setting = setting;
	}

	/**
	 * The setting at fault.
	 * @return the property name
	 */
	public String setting() {
		return this.setting;
	}

}
