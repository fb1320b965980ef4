package dev.countersign.policy.audit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class AuditConfigTests {

	@Test
	void defaultsCheckpointEvery50() {
		assertThat(AuditConfig.defaults()).isEqualTo(new AuditConfig(50, 500));
		assertThat(AuditConfig.defaults().withCheckpointEvery(10).withVerifyPageSize(20))
			.isEqualTo(new AuditConfig(10, 20));
	}

	@Test
	void constructorWhenNotPositiveThenRefusedEchoingTheValue() {
		assertThatIllegalArgumentException().isThrownBy(() -> AuditConfig.defaults().withCheckpointEvery(0))
			.withMessage("checkpointEvery must be positive, but was 0");
		assertThatIllegalArgumentException().isThrownBy(() -> AuditConfig.defaults().withVerifyPageSize(-1))
			.withMessage("verifyPageSize must be positive, but was -1");
	}

}
