package dev.countersign.examples.sandbox;

import org.junit.jupiter.api.Test;

import dev.countersign.server.auth.InvalidConfigurationException;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The sandbox never runs its emulations next to a real tenant.
 */
class SandboxStartupIT {

	@Test
	void startWhenRealTenantConfiguredThenRefusesNamingTheSetting() {
		assertThatThrownBy(() -> RunningSandbox.start("--countersign.auth.issuer=https://countersign.eu.auth0.com/"))
			.rootCause()
			.isInstanceOf(InvalidConfigurationException.class)
			.hasMessageContaining("countersign.auth.issuer")
			.hasMessageContaining("refuses to start its emulations");
	}

	@Test
	void startWhenPortZeroThenRefusesNamingTheSetting() {
		assertThatThrownBy(() -> RunningSandbox.startOnPort(0)).rootCause()
			.isInstanceOf(InvalidConfigurationException.class)
			.hasMessageContaining("server.port");
	}

}
