package dev.countersign.policy.approval;

import java.util.EnumSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static dev.countersign.policy.approval.BatchStatus.APPROVED;
import static dev.countersign.policy.approval.BatchStatus.DENIED;
import static dev.countersign.policy.approval.BatchStatus.EXPIRED;
import static dev.countersign.policy.approval.BatchStatus.FAILED;
import static dev.countersign.policy.approval.BatchStatus.OPEN;
import static dev.countersign.policy.approval.BatchStatus.REQUESTED;
import static org.assertj.core.api.Assertions.assertThat;

class BatchStatusTests {

	@Test
	void canMoveToWhenEveryPairThenOnlyTheLegalMoves() {
		for (BatchStatus from : BatchStatus.values()) {
			Set<BatchStatus> legal = switch (from) {
				case OPEN -> EnumSet.of(REQUESTED, EXPIRED, FAILED);
				case REQUESTED -> EnumSet.of(APPROVED, DENIED, EXPIRED, FAILED);
				default -> EnumSet.noneOf(BatchStatus.class);
			};
			for (BatchStatus to : BatchStatus.values()) {
				assertThat(from.canMoveTo(to)).as("%s -> %s", from, to).isEqualTo(legal.contains(to));
			}
			assertThat(from.terminal()).isEqualTo(legal.isEmpty());
		}
	}

}
