package dev.countersign.policy.approval;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class ApprovalConfigTests {

	@Test
	void defaultsWhenCreatedThenDesignValues() {
		ApprovalConfig config = ApprovalConfig.defaults();
		assertThat(config.pendingTtl()).isEqualTo(Duration.ofMinutes(15));
		assertThat(config.maxPendingPerAgent()).isEqualTo(50);
		assertThat(config.batchWindow()).isEqualTo(Duration.ofSeconds(30));
		assertThat(config.maxBatchSize()).isEqualTo(9);
		assertThat(config.executionWindow()).isEqualTo(Duration.ofSeconds(120));
		assertThat(config.lowConfidenceAt()).isEqualTo(0.50);
	}

	@Test
	void maxBatchSizeWhenOutOfRangeThenRefusedEchoingTheValue() {
		assertThatIllegalArgumentException().isThrownBy(() -> ApprovalConfig.defaults().withMaxBatchSize(51))
			.withMessage("maxBatchSize must be between 1 and 50, but was 51");
		assertThatIllegalArgumentException().isThrownBy(() -> ApprovalConfig.defaults().withMaxBatchSize(0))
			.withMessage("maxBatchSize must be between 1 and 50, but was 0");
		assertThat(ApprovalConfig.defaults().withMaxBatchSize(50).maxBatchSize()).isEqualTo(50);
	}

	@Test
	void durationsWhenNotPositiveThenRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> ApprovalConfig.defaults().withBatchWindow(Duration.ZERO))
			.withMessage("batchWindow must be positive, but was PT0S");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> ApprovalConfig.defaults().withPendingTtl(Duration.ofSeconds(-1)))
			.withMessage("pendingTtl must be positive, but was PT-1S");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> ApprovalConfig.defaults().withExecutionWindow(Duration.ZERO))
			.withMessageStartingWith("executionWindow must be positive");
	}

	@Test
	void otherValuesWhenOutOfRangeThenRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> ApprovalConfig.defaults().withMaxPendingPerAgent(0))
			.withMessage("maxPendingPerAgent must be positive, but was 0");
		assertThatIllegalArgumentException().isThrownBy(() -> ApprovalConfig.defaults().withLowConfidenceAt(1.5))
			.withMessage("lowConfidenceAt must be between 0 and 1, but was 1.5");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> ApprovalConfig.defaults().withLowConfidenceAt(Double.NaN));
	}

	@Test
	void isLowConfidenceWhenAtOrBelowOrMissingThenTrue() {
		ApprovalConfig config = ApprovalConfig.defaults();
		assertThat(config.isLowConfidence(null)).isTrue();
		assertThat(config.isLowConfidence(0.0)).isTrue();
		assertThat(config.isLowConfidence(0.5)).isTrue();
		assertThat(config.isLowConfidence(0.51)).isFalse();
		assertThat(config.isLowConfidence(1.0)).isFalse();
	}

}
