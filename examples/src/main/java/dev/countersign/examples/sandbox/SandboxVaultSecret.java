package dev.countersign.examples.sandbox;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Makes the secret of the sandbox's Token Vault client once per start, before any bean
 * binds it: Countersign's {@code VaultProperties} and the emulated tenant then read the
 * same {@value #PROPERTY}. Runs only for the sandbox (when {@value #ISSUER} is set) and
 * only when no secret was configured. The secret is never printed.
 */
final class SandboxVaultSecret implements EnvironmentPostProcessor, Ordered {

	static final String PROPERTY = "countersign.vault.client-secret";

	static final String ISSUER = "countersign.sandbox.issuer";

	static final String SOURCE_NAME = "sandboxVaultSecret";

	private static final SecureRandom RANDOM = new SecureRandom();

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		if (!environment.containsProperty(ISSUER) || environment.containsProperty(PROPERTY)) {
			return;
		}
		byte[] secret = new byte[32];
		RANDOM.nextBytes(secret);
		environment.getPropertySources()
			.addLast(new MapPropertySource(SOURCE_NAME,
					Map.of(PROPERTY, Base64.getUrlEncoder().withoutPadding().encodeToString(secret))));
	}

	@Override
	public int getOrder() {
		// After application.properties is read, so that its settings are seen.
		return Ordered.LOWEST_PRECEDENCE;
	}

}
