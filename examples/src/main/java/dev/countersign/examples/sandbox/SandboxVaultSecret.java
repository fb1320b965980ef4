package dev.countersign.examples.sandbox;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Makes the secrets of the sandbox's Token Vault client, CIBA client and console client,
 * and the key that seals stored refresh tokens, once per start, before any bean binds
 * them: Countersign and the emulated tenant then read the same {@value #PROPERTY},
 * {@value #CIBA_PROPERTY}, {@value #CONSOLE_PROPERTY} and
 * {@value #REFRESH_TOKEN_KEY_PROPERTY}. Runs only for the sandbox (when {@value #ISSUER}
 * is set) and makes only the secrets that were not configured. The secrets are never
 * printed.
 */
final class SandboxVaultSecret implements EnvironmentPostProcessor, Ordered {

	static final String PROPERTY = "countersign.vault.client-secret";

	static final String CIBA_PROPERTY = "countersign.ciba.client-secret";

	static final String CONSOLE_PROPERTY = "countersign.console.client-secret";

	static final String REFRESH_TOKEN_KEY_PROPERTY = "countersign.vault.refresh-token-key";

	static final String ISSUER = "countersign.sandbox.issuer";

	static final String SOURCE_NAME = "sandboxVaultSecret";

	private static final SecureRandom RANDOM = new SecureRandom();

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		if (!environment.containsProperty(ISSUER)) {
			return;
		}
		Map<String, Object> secrets = new HashMap<>();
		for (String property : new String[] { PROPERTY, CIBA_PROPERTY, CONSOLE_PROPERTY, REFRESH_TOKEN_KEY_PROPERTY }) {
			if (!environment.containsProperty(property)) {
				secrets.put(property, secret());
			}
		}
		if (!secrets.isEmpty()) {
			environment.getPropertySources().addLast(new MapPropertySource(SOURCE_NAME, secrets));
		}
	}

	private static String secret() {
		byte[] secret = new byte[32];
		RANDOM.nextBytes(secret);
		return Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
	}

	@Override
	public int getOrder() {
		// After application.properties is read, so that its settings are seen.
		return Ordered.LOWEST_PRECEDENCE;
	}

}
