package dev.countersign.server.console;

import java.time.Clock;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;

import dev.countersign.policy.audit.AuditConfig;
import dev.countersign.policy.audit.AuditTrail;
import dev.countersign.policy.audit.CheckpointSigner;
import dev.countersign.policy.audit.InMemoryAuditStore;
import dev.countersign.policy.trust.InMemoryTrustStore;
import dev.countersign.policy.trust.TrustStore;
import dev.countersign.server.approval.WriteSubject;
import dev.countersign.server.approval.WriteSubjectProperties;
import dev.countersign.server.audit.ApprovalAudit;
import dev.countersign.server.auth.AuthProperties;
import dev.countersign.server.auth.Caller;
import dev.countersign.server.auth.Callers;
import dev.countersign.server.auth.InvalidConfigurationException;
import dev.countersign.server.change.SettingsAudit;
import dev.countersign.server.provider.ProviderTokens;
import dev.countersign.server.web.HttpProperties;
import dev.countersign.server.web.PublicUrls;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Start-up with {@code countersign.vault.write-subject=refresh-token}: each missing
 * setting stops the start with an {@link InvalidConfigurationException} naming it.
 */
class ConsoleConfigurationTests {

	private static final String KEY = "0123456789abcdef0123456789abcdef";

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of())
		.withUserConfiguration(Collaborators.class, ConsoleConfiguration.class)
		.withPropertyValues("countersign.auth.issuer=https://tenant.example/",
				"countersign.auth.audience=https://countersign.example/mcp",
				"countersign.auth.console-clients=console-app");

	@Test
	void startWhenCibaTokenThenNoRefreshTokenSubjectAndNothingElseRequired() {
		this.runner.run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean(WriteSubject.class);
		});
	}

	@Test
	void startWhenRefreshTokenWithoutKeyThenRefusedNamingIt() {
		assertRefused("countersign.vault.refresh-token-key", "countersign.vault.write-subject=refresh-token",
				"countersign.console.client-id=console-app", "countersign.console.client-secret=s3cret",
				"countersign.http.public-url=https://countersign.example");
	}

	@Test
	void startWhenRefreshTokenWithoutConsoleClientThenRefusedNamingIt() {
		assertRefused("countersign.console.client-id", "countersign.vault.write-subject=refresh-token",
				"countersign.vault.refresh-token-key=" + KEY, "countersign.console.client-secret=s3cret",
				"countersign.http.public-url=https://countersign.example");
	}

	@Test
	void startWhenConsoleClientIsNotAConsoleClientThenRefusedNamingIt() {
		assertRefused("countersign.console.client-id", "countersign.vault.write-subject=refresh-token",
				"countersign.vault.refresh-token-key=" + KEY, "countersign.console.client-id=claude-desktop",
				"countersign.console.client-secret=s3cret", "countersign.http.public-url=https://countersign.example");
	}

	@Test
	void startWhenRefreshTokenWithoutClientSecretThenRefusedNamingIt() {
		assertRefused("countersign.console.client-secret", "countersign.vault.write-subject=refresh-token",
				"countersign.vault.refresh-token-key=" + KEY, "countersign.console.client-id=console-app",
				"countersign.http.public-url=https://countersign.example");
	}

	@Test
	void startWhenRefreshTokenWithoutAnyUrlThenRefusedNamingTheRedirectUri() {
		assertRefused("countersign.console.redirect-uri", "countersign.vault.write-subject=refresh-token",
				"countersign.vault.refresh-token-key=" + KEY, "countersign.console.client-id=console-app",
				"countersign.console.client-secret=s3cret");
	}

	@Test
	void startWhenRefreshTokenFullyConfiguredThenTheRefreshTokenSubject() {
		this.runner
			.withPropertyValues("countersign.vault.write-subject=refresh-token",
					"countersign.vault.refresh-token-key=" + KEY, "countersign.console.client-id=console-app",
					"countersign.console.client-secret=s3cret",
					"countersign.console.redirect-uri=https://countersign.example/console/callback")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(WriteSubject.class).name()).isEqualTo("refresh-token");
				assertThat(context.getBean(ConsoleSignIn.class)).isNotNull();
			});
	}

	private void assertRefused(String setting, String... properties) {
		this.runner.withPropertyValues(properties).run((context) -> {
			assertThat(context).hasFailed();
			Throwable cause = context.getStartupFailure();
			while (cause != null && !(cause instanceof InvalidConfigurationException)) {
				cause = cause.getCause();
			}
			assertThat(cause).as("an InvalidConfigurationException in %s", context.getStartupFailure())
				.isInstanceOf(InvalidConfigurationException.class);
			assertThat(((InvalidConfigurationException) cause).setting()).isEqualTo(setting);
			assertThat(cause.getMessage()).doesNotContain(KEY).doesNotContain("s3cret");
		});
	}

	@Test
	void startWhenConnectionsWithoutKeyThenRefusedNamingIt() {
		assertRefused("countersign.vault.refresh-token-key", "countersign.connections.enabled=true",
				"countersign.console.client-id=console-app", "countersign.console.client-secret=s3cret",
				"countersign.http.public-url=https://countersign.example");
	}

	@Test
	void startWhenConnectionsWithoutConsoleClientThenRefusedNamingIt() {
		assertRefused("countersign.console.client-id", "countersign.connections.enabled=true",
				"countersign.vault.refresh-token-key=" + KEY, "countersign.console.client-secret=s3cret",
				"countersign.http.public-url=https://countersign.example");
	}

	@Test
	void startWhenConnectionsFullyConfiguredThenSignInAndConnectedAccountsButNoRefreshTokenSubject() {
		this.runner
			.withPropertyValues("countersign.connections.enabled=true", "countersign.vault.refresh-token-key=" + KEY,
					"countersign.console.client-id=console-app", "countersign.console.client-secret=s3cret",
					"countersign.console.redirect-uri=https://countersign.example/console/callback")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).hasSingleBean(ConsoleSignIn.class).hasSingleBean(ConnectedAccounts.class);
				// the sign-in's refresh token is not a write subject unless asked for
				assertThat(context).doesNotHaveBean(WriteSubject.class);
			});
	}

	@Test
	void startWhenConnectionsOffThenNoConnectedAccounts() {
		this.runner.run((context) -> assertThat(context).doesNotHaveBean(ConnectedAccounts.class));
	}

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties({ WriteSubjectProperties.class, ConsoleProperties.class, AuthProperties.class,
			dev.countersign.server.provider.VaultProperties.class, HttpProperties.class, ConnectionsProperties.class })
	static class Collaborators {

		@Bean
		TrustStore trustStore() {
			return new InMemoryTrustStore();
		}

		@Bean
		ProviderTokens providerTokens() {
			return new ProviderTokens() {

				@Override
				public Mono<String> forRead(Caller caller, String connection) {
					return Mono.error(new IllegalStateException("not used"));
				}

				@Override
				public void invalidate(String user, String connection) {
				}

			};
		}

		@Bean
		SettingsAudit settingsAudit(Clock clock) {
			return new SettingsAudit(
					new AuditTrail(new InMemoryAuditStore(), CheckpointSigner.ephemeral("k1"), (checkpoint) -> {
					}, AuditConfig.defaults(), clock));
		}

		@Bean
		ReactiveJwtDecoder jwtDecoder() {
			return (token) -> Mono.error(new IllegalStateException("not used"));
		}

		@Bean
		Callers callers() {
			return new Callers(java.util.List.of("console-app"), "countersign-ciba");
		}

		@Bean
		ApprovalAudit approvalAudit() {
			return ApprovalAudit.none();
		}

		@Bean
		PublicUrls publicUrls(HttpProperties http) {
			return new PublicUrls(http);
		}

		@Bean
		Clock clock() {
			return Clock.systemUTC();
		}

	}

}
