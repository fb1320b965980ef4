package dev.countersign.vault;

import java.util.Map;

/**
 * Words for a connection in a sentence the user reads.
 */
final class ConnectionAccounts {

	// Auth0 connection names of the providers Countersign knows, by their product names.
	private static final Map<String, String> DISPLAY_NAMES = Map.of("github", "GitHub", "google-oauth2", "Google",
			"windowslive", "Microsoft", "salesforce", "Salesforce", "slack", "Slack", "sign-in-with-slack", "Slack",
			"hubspot", "HubSpot", "box", "Box", "dropbox", "Dropbox", "linkedin", "LinkedIn");

	private ConnectionAccounts() {
	}

	/**
	 * Name the account of a connection: {@code GitHub account (connection 'github')}, or
	 * {@code account for connection 'acme-crm'} when the connection is not a known
	 * provider.
	 */
	static String account(String connection) {
		String name = DISPLAY_NAMES.get(connection);
		return (name != null) ? name + " account (connection '" + connection + "')"
				: "account for connection '" + connection + "'";
	}

}
