package dev.countersign.server;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import dev.countersign.server.auth.InvalidConfigurationException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * The application started as {@code java -jar} starts it, once per row: a valid
 * configuration with one setting missing or contradicting another must refuse to start
 * with an {@link InvalidConfigurationException} naming that setting and saying why.
 */
class StartupRefusalsIT {

	private static final String AUTH0 = "https://acme.eu.auth0.com/";

	private static final String KEY = "0123456789abcdef0123456789abcdef";

	/**
	 * A configuration that starts: a loopback tenant, as in the tests and the sandbox.
	 */
	private static Map<String, String> valid() {
		Map<String, String> settings = new LinkedHashMap<>();
		settings.put("server.port", "0");
		settings.put("server.address", "127.0.0.1");
		settings.put("countersign.auth.issuer", "http://127.0.0.1:9/tenant/");
		settings.put("countersign.auth.audience", "https://countersign.test/mcp");
		settings.put("countersign.auth.console-clients", "console-app");
		settings.put("countersign.vault.client-id", "vault-client");
		settings.put("countersign.vault.client-secret", "not-a-real-secret");
		settings.put("countersign.ciba.client-id", "ciba-client");
		settings.put("countersign.ciba.client-secret", "not-a-real-secret");
		// whatever REDIS_URL the machine has
		settings.put("countersign.redis.url", "");
		return settings;
	}

	static Stream<Arguments> refusals() {
		return Stream.of(
				// missing tenant settings
				row("countersign.auth.issuer", "COUNTERSIGN_AUTH_ISSUER", "countersign.auth.issuer", null),
				row("countersign.auth.audience", "COUNTERSIGN_AUTH_AUDIENCE", "countersign.auth.audience", null),
				row("countersign.ciba.client-id", "COUNTERSIGN_CIBA_CLIENT_ID", "countersign.ciba.client-id", null),
				row("countersign.ciba.client-secret", "COUNTERSIGN_CIBA_CLIENT_SECRET",
						"countersign.ciba.client-secret", null),
				row("countersign.vault.client-id", "Custom API Client", "countersign.vault.client-id", null),
				row("countersign.vault.client-secret", "COUNTERSIGN_VAULT_CLIENT_SECRET",
						"countersign.vault.client-secret", null),
				// Auth0 sends an email instead of a push above 300 s
				row("countersign.approval.requested-expiry", "email instead of a push", "countersign.auth.issuer",
						AUTH0, "countersign.approval.requested-expiry", "301"),
				row("countersign.approval.requested-expiry", "from 1 to 300", "countersign.approval.requested-expiry",
						"600"),
				// windows
				row("countersign.approval.execution-window", "at most 10 min", "countersign.approval.execution-window",
						"11m"),
				row("countersign.approval.pending-ttl", "countersign.approval.batch-window",
						"countersign.approval.pending-ttl", "30s"),
				row("countersign.approval.max-batch-size", "between 1 and 50", "countersign.approval.max-batch-size",
						"51"),
				// a real tenant over plain http, or an Auth0 issuer that no token matches
				row("countersign.auth.issuer", "must be https", "countersign.auth.issuer", "http://acme.example.com/"),
				row("countersign.auth.issuer", "trailing slash", "countersign.auth.issuer",
						"https://acme.eu.auth0.com"),
				row("countersign.vault.token-endpoint", "must be https", "countersign.vault.token-endpoint",
						"http://acme.example.com/oauth/token"),
				row("countersign.ciba.base-url", "must be https", "countersign.ciba.base-url",
						"http://127.0.0.2.nip.io/"),
				// the kinds of caller must stay apart
				row("countersign.ciba.client-id", "countersign.auth.console-clients",
						"countersign.auth.console-clients", "console-app,ciba-client"),
				// a sandbox setting with a real tenant
				row("countersign.deals.seed-demo-data", "real tenant", "countersign.auth.issuer", AUTH0,
						"countersign.deals.seed-demo-data", "true"),
				// state
				row("countersign.store", "'memory' or 'redis'", "countersign.store", "mongo"),
				row("countersign.redis.url", "REDIS_URL", "countersign.store", "redis"),
				row("countersign.approval.signing-key", "signing key", "countersign.store", "redis",
						"countersign.redis.url", "redis://127.0.0.1:9"),
				// tokens
				row("countersign.auth.algorithms", "asymmetric", "countersign.auth.algorithms", "HS256"),
				row("countersign.vault.dialect", "auth0 or standard", "countersign.vault.dialect", "rfc8693"),
				row("countersign.vault.refresh-token-key", "not set", "countersign.vault.write-subject",
						"refresh-token"),
				row("countersign.console.client-id", "must be one of countersign.auth.console-clients",
						"countersign.vault.write-subject", "refresh-token", "countersign.vault.refresh-token-key", KEY,
						"countersign.console.client-id", "other-app", "countersign.console.client-secret", "s"),
				// limits
				row("countersign.limits.calls-per-second", "positive", "countersign.limits.calls-per-second", "0"),
				row("countersign.limits.burst", "at least 1", "countersign.limits.burst", "0"),
				row("countersign.limits.governance-calls-per-second", "never limited sooner",
						"countersign.limits.governance-calls-per-second", "5"),
				row("countersign.limits.governance-burst", "at least countersign.limits.burst",
						"countersign.limits.governance-burst", "10"));
	}

	@ParameterizedTest(name = "{0}: {1}")
	@MethodSource("refusals")
	void startWhenSettingMissingOrContradictoryThenRefusesNamingIt(String setting, String why,
			Map<String, String> settings) {
		Throwable failure = catchThrowable(() -> start(settings).close());
		InvalidConfigurationException refusal = refusal(failure);
		assertThat(refusal).as("a refusal naming %s, but got %s", setting, failure).isNotNull();
		assertThat(refusal.setting()).isEqualTo(setting);
		assertThat(refusal.getMessage()).startsWith(setting + ": ").contains(why);
		// secrets are never echoed
		assertThat(refusal.getMessage()).doesNotContain("not-a-real-secret").doesNotContain(KEY);
	}

	@Test
	void startWhenValidThenRunsAndIsNotARealTenant() {
		try (ConfigurableApplicationContext context = start(valid())) {
			assertThat(context.getBean(StartupConfiguration.TenantChecked.class).realTenant()).isFalse();
		}
	}

	@Test
	void startWhenAuth0TenantWithLimitsOffThenRunsAsARealTenant() {
		Map<String, String> settings = valid();
		settings.put("countersign.auth.issuer", AUTH0);
		settings.put("countersign.limits.enabled", "false");
		try (ConfigurableApplicationContext context = start(settings)) {
			assertThat(context.getBean(StartupConfiguration.TenantChecked.class).realTenant()).isTrue();
		}
	}

	/**
	 * A row: the setting the refusal must name, words its reason must contain, and the
	 * changes to the valid configuration; a {@code null} value removes a setting.
	 */
	private static Arguments row(String setting, String why, @Nullable String... changes) {
		Map<String, String> settings = valid();
		for (int i = 0; i < changes.length; i += 2) {
			if (changes[i + 1] == null) {
				settings.remove(changes[i]);
			}
			else {
				settings.put(changes[i], changes[i + 1]);
			}
		}
		return Arguments.of(setting, why, settings);
	}

	private static ConfigurableApplicationContext start(Map<String, String> settings) {
		List<String> args = new ArrayList<>();
		settings.forEach((name, value) -> args.add("--" + name + "=" + value));
		return new SpringApplicationBuilder(CountersignApplication.class).run(args.toArray(String[]::new));
	}

	private static @Nullable InvalidConfigurationException refusal(@Nullable Throwable failure) {
		Throwable cause = failure;
		while (cause != null) {
			if (cause instanceof InvalidConfigurationException refusal) {
				return refusal;
			}
			cause = cause.getCause();
		}
		return null;
	}

}
