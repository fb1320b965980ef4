package dev.countersign.policy.action;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static dev.countersign.policy.action.ActionStatus.APPROVED;
import static dev.countersign.policy.action.ActionStatus.BATCHED;
import static dev.countersign.policy.action.ActionStatus.CANCELLED;
import static dev.countersign.policy.action.ActionStatus.DENIED;
import static dev.countersign.policy.action.ActionStatus.EXECUTING;
import static dev.countersign.policy.action.ActionStatus.EXPIRED;
import static dev.countersign.policy.action.ActionStatus.FAILED;
import static dev.countersign.policy.action.ActionStatus.PENDING;
import static dev.countersign.policy.action.ActionStatus.SUCCEEDED;
import static dev.countersign.policy.action.ActionStatus.UNKNOWN;
import static org.assertj.core.api.Assertions.assertThat;

class ActionStatusTests {

	/** DESIGN §4, written out once more by hand: the test fails if the enum drifts. */
	private static final Map<ActionStatus, Set<ActionStatus>> LEGAL = new EnumMap<>(
			Map.of(PENDING, EnumSet.of(BATCHED, APPROVED, CANCELLED, EXPIRED), BATCHED,
					EnumSet.of(APPROVED, DENIED, EXPIRED, CANCELLED, FAILED), APPROVED, EnumSet.of(EXECUTING, EXPIRED),
					EXECUTING, EnumSet.of(SUCCEEDED, FAILED, UNKNOWN), UNKNOWN, EnumSet.of(SUCCEEDED, FAILED)));

	@ParameterizedTest
	@EnumSource(ActionStatus.class)
	void canMoveToWhenEveryPairThenOnlyTheLegalMoves(ActionStatus from) {
		Set<ActionStatus> legal = LEGAL.getOrDefault(from, EnumSet.noneOf(ActionStatus.class));
		for (ActionStatus to : ActionStatus.values()) {
			assertThat(from.canMoveTo(to)).as("%s -> %s", from, to).isEqualTo(legal.contains(to));
		}
		assertThat(from.next()).isEqualTo(legal);
	}

	@Test
	void canMoveToWhenSameStatusThenFalse() {
		for (ActionStatus status : ActionStatus.values()) {
			assertThat(status.canMoveTo(status)).isFalse();
		}
	}

	@Test
	void liveWhenWaitingOrRunningThenTrue() {
		assertThat(EnumSet.allOf(ActionStatus.class).stream().filter(ActionStatus::live)).containsExactly(PENDING,
				BATCHED, APPROVED, EXECUTING);
		assertThat(ActionStatus.liveStatuses()).containsExactlyInAnyOrder(PENDING, BATCHED, APPROVED, EXECUTING);
	}

	@Test
	void terminalWhenNoWayOutThenTrueAndUnknownIsNeither() {
		assertThat(EnumSet.allOf(ActionStatus.class).stream().filter(ActionStatus::terminal)).containsExactly(SUCCEEDED,
				FAILED, CANCELLED, DENIED, EXPIRED);
		assertThat(UNKNOWN.live()).isFalse();
		assertThat(UNKNOWN.terminal()).isFalse();
	}

	@Test
	void canMoveToWhenAutoApprovedThenPendingGoesStraightToApprovedAndOnToExecuting() {
		// DESIGN §4 step 1: an AutoApprove write never joins a batch
		assertThat(PENDING.canMoveTo(APPROVED)).isTrue();
		assertThat(APPROVED.canMoveTo(EXECUTING)).isTrue();
		assertThat(PENDING.canMoveTo(EXECUTING)).isFalse();
		assertThat(PENDING.canMoveTo(SUCCEEDED)).isFalse();
	}

	@Test
	void nothingReturnsToPending() {
		for (ActionStatus status : ActionStatus.values()) {
			assertThat(status.canMoveTo(PENDING)).isFalse();
		}
	}

}
