package dev.countersign.examples.sandbox;

import java.io.PrintStream;
import java.time.Duration;

/**
 * What the sandbox prints once it is up: where to point an MCP client, a token to do it
 * with, the approval page, and a Claude Desktop snippet. Printed to the console for the
 * person who started it, not logged.
 */
final class SandboxBanner {

	private SandboxBanner() {
	}

	static void print(PrintStream out, String mcpUrl, String agentToken, Duration lifetime) {
		String base = mcpUrl.substring(0, mcpUrl.length() - "/mcp".length());
		String rule = "=".repeat(100);
		out.println();
		out.println(rule);
		out.println(" Countersign sandbox is up. Auth0 and the providers are EMULATED here: no real account is used.");
		out.println(rule);
		out.println(" MCP endpoint (Streamable HTTP):  " + mcpUrl);
		out.println(" Agent token for user 'ada' via agent 'claude-desktop' (valid " + lifetime.toHours() + " h):");
		out.println();
		out.println(agentToken);
		out.println();
		out.println(
				" More tokens:  curl '" + base + "/sandbox/token?agent=my-agent'        (users: ada, grace, any name)");
		out.println(" Console:      curl '" + base + "/sandbox/user-token'");
		out.println(" Metadata:     " + base + "/.well-known/oauth-protected-resource");
		out.println(" Approvals:    " + base + SandboxPhone.PATH + "   (the emulated phone: approve or deny writes)");
		out.println(" Laptop:       countersign login --server " + mcpUrl + " --client-id "
				+ EmulatedDeviceFlow.DEFAULT_CLIENT_ID);
		out.println("               (device flow; enter the code at " + base + EmulatedDeviceFlow.ACTIVATE_PATH
				+ "), then countersign stdio --server " + mcpUrl);
		out.println();
		out.println(" Claude Desktop (claude_desktop_config.json), through mcp-remote:");
		out.println("""
				{
				  "mcpServers": {
				    "countersign": {
				      "command": "npx",
				      "args": ["-y", "mcp-remote", "%s", "--transport", "http-only",
				               "--header", "Authorization:${COUNTERSIGN_AUTH}"],
				      "env": { "COUNTERSIGN_AUTH": "Bearer %s" }
				    }
				  }
				}""".formatted(mcpUrl, agentToken).indent(1));
		out.println(rule);
		out.flush();
	}

}
