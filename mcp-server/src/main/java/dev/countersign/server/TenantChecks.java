package dev.countersign.server;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

import org.springframework.core.env.Environment;

import dev.countersign.server.approval.CibaProperties;
import dev.countersign.server.auth.AuthProperties;
import dev.countersign.server.auth.InvalidConfigurationException;
import dev.countersign.server.provider.VaultProperties;
import dev.countersign.server.tool.deal.DealProperties;

/**
 * Start-up checks across settings that each look fine alone but together would make
 * Countersign insecure or silently useless against a real tenant (DESIGN §10, §11). A
 * <em>real tenant</em> is any issuer whose host is not a loopback name or address: the
 * sandbox and the tests run on loopback. Each refusal is an
 * {@link InvalidConfigurationException} naming the setting to change:
 * <ul>
 * <li>{@code countersign.auth.issuer}, {@code .jwks-uri},
 * {@code countersign.vault.token-endpoint}, {@code countersign.ciba.base-url}: plain
 * {@code http} to a non-loopback host (signing keys could be swapped, client secrets and
 * tokens read on the way);</li>
 * <li>{@code countersign.auth.issuer}: an {@code *.auth0.com} issuer without its trailing
 * {@code /} (Auth0's {@code iss} always has it, so every token would be refused);</li>
 * <li>{@code countersign.ciba.client-id}: one of {@code countersign.auth.console-clients}
 * (an approval token must never manage settings);</li>
 * <li>{@code countersign.deals.seed-demo-data}: {@code true} with a real tenant (the
 * sandbox's demo pipeline would be written into real users' deal stores).</li>
 * </ul>
 */
final class TenantChecks {

	private static final String SANDBOX_ISSUER = "countersign.sandbox.issuer";

	private static final Pattern LOOPBACK_V4 = Pattern.compile("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");

	private TenantChecks() {
	}

	/**
	 * Runs every check.
	 * @param auth the inbound token settings
	 * @param ciba the CIBA client settings
	 * @param vault the Token Vault client settings
	 * @param deals the deal store settings
	 * @param environment to tell the sandbox, which refuses a real tenant itself
	 * @throws InvalidConfigurationException naming the first setting at fault
	 */
	static void check(AuthProperties auth, CibaProperties ciba, VaultProperties vault, DealProperties deals,
			Environment environment) {
		URI issuer = auth.requireIssuer();
		secure("countersign.auth.issuer", issuer);
		if (auth.jwksUri() != null) {
			secure("countersign.auth.jwks-uri", auth.jwksUri());
		}
		if (vault.tokenEndpoint() != null) {
			secure("countersign.vault.token-endpoint", vault.tokenEndpoint());
		}
		if (ciba.baseUrl() != null) {
			secure("countersign.ciba.base-url", ciba.baseUrl());
		}
		String host = host(issuer);
		if (host.endsWith(".auth0.com") && !issuer.toString().endsWith("/")) {
			throw new InvalidConfigurationException("countersign.auth.issuer",
					"Auth0 issues tokens with iss " + issuer + "/ (with the trailing slash), so with " + issuer
							+ " every token would be refused; set it to " + issuer + "/");
		}
		List<String> consoleClients = auth.effectiveConsoleClients();
		if (ciba.clientId() != null && consoleClients.contains(ciba.clientId())) {
			throw new InvalidConfigurationException("countersign.ciba.client-id",
					"is also in countersign.auth.console-clients, so a phone approval's token could change settings "
							+ "on /api/v1; use separate applications for CIBA and for the console");
		}
		// The sandbox refuses a real tenant itself, with its own message.
		if (deals.seedDemoData() && !loopback(host) && !environment.containsProperty(SANDBOX_ISSUER)) {
			throw new InvalidConfigurationException("countersign.deals.seed-demo-data",
					"is a sandbox setting that gives every user a demo pipeline, but countersign.auth.issuer (" + issuer
							+ ") is a real tenant; remove it");
		}
	}

	/**
	 * Whether an issuer is a real tenant rather than the sandbox or a test.
	 * @param issuer the issuer
	 * @return true unless its host is a loopback name or address
	 */
	static boolean realTenant(URI issuer) {
		return !loopback(host(issuer));
	}

	private static void secure(String setting, @Nullable URI uri) {
		if (uri == null || uri.getHost() == null) {
			throw new InvalidConfigurationException(setting, "must be an absolute https URL, but was " + uri);
		}
		if (!"https".equalsIgnoreCase(uri.getScheme()) && !loopback(host(uri))) {
			throw new InvalidConfigurationException(setting,
					"must be https for a host other than this machine (keys, tokens and client secrets travel over it), but was "
							+ uri);
		}
	}

	private static String host(URI uri) {
		String host = uri.getHost();
		return (host != null) ? host.toLowerCase(Locale.ROOT) : "";
	}

	private static boolean loopback(String host) {
		return host.equals("localhost") || LOOPBACK_V4.matcher(host).matches() || host.equals("[::1]");
	}

}
