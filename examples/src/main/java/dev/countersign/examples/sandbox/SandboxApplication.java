package dev.countersign.examples.sandbox;

import java.time.Clock;
import java.util.Arrays;
import java.util.Map;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

import dev.countersign.server.CountersignApplication;
import dev.countersign.server.auth.AuthProperties;
import dev.countersign.server.provider.VaultProperties;

/**
 * Starts Countersign with the emulated Auth0 tenant and providers. Run it with
 * {@code java -jar examples/target/countersign-sandbox.jar}; the usual Spring Boot
 * arguments apply ({@code --server.port=9090}).
 *
 * <p>
 * With {@code --countersign.sandbox.emulations-only=true} (or the environment variable
 * {@code COUNTERSIGN_SANDBOX_EMULATIONS_ONLY=true}) it starts the emulations alone, for
 * Countersign replicas started separately against them (benchmarks, several replicas).
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@EnableConfigurationProperties(SandboxProperties.class)
@Import({ CountersignApplication.class, SandboxConfiguration.class, EmulatedProvidersConfiguration.class })
public class SandboxApplication {

	static final String EMULATIONS_ONLY = "countersign.sandbox.emulations-only";

	public static void main(String[] args) {
		if (emulationsOnly(args)) {
			SpringApplication application = new SpringApplication(Emulations.class);
			application.setDefaultProperties(Map.of("spring.ai.mcp.server.enabled", "false"));
			application.run(args);
		}
		else {
			SpringApplication.run(SandboxApplication.class, args);
		}
	}

	static boolean emulationsOnly(String[] args) {
		return Arrays.asList(args).contains("--" + EMULATIONS_ONLY + "=true")
				|| Arrays.asList(args).contains("--" + EMULATIONS_ONLY)
				|| "true".equalsIgnoreCase(System.getenv("COUNTERSIGN_SANDBOX_EMULATIONS_ONLY"));
	}

	@Bean
	ApplicationListener<ApplicationReadyEvent> sandboxBanner(EmulatedTenant tenant, AuthProperties auth) {
		return (event) -> SandboxBanner.print(System.out, auth.requireAudience(),
				tenant.accessToken(SandboxUsers.DEFAULT_USER, "claude-desktop", SandboxConfiguration.AGENT_SCOPES),
				tenant.tokenLifetime());
	}

	/**
	 * The emulated tenant and providers alone, without Countersign.
	 */
	@SpringBootConfiguration
	@EnableAutoConfiguration
	@EnableConfigurationProperties({ SandboxProperties.class, AuthProperties.class, VaultProperties.class })
	@Import({ SandboxConfiguration.class, EmulatedProvidersConfiguration.class })
	static class Emulations {

		@Bean
		Clock clock() {
			return Clock.systemUTC();
		}

		@Bean
		ApplicationListener<ApplicationReadyEvent> emulationsBanner(SandboxProperties sandbox) {
			return (event) -> System.out.println("Countersign sandbox EMULATIONS ONLY (Auth0 tenant at "
					+ sandbox.issuer() + ", Google and GitHub under /sandbox/); start Countersign separately.");
		}

	}

}
