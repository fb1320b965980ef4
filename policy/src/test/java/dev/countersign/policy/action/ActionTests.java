package dev.countersign.policy.action;

import java.time.Instant;
import java.util.Map;

import dev.countersign.policy.tool.Risk;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ActionTests {

	@Test
	void constructorWhenRequiredFieldMissingThenNamesIt() {
		assertThatNullPointerException().isThrownBy(() -> TestActions.action().id(null).build())
			.withMessage("id must not be null");
	}

	@Test
	void constructorWhenConfidenceOutOfRangeThenRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> TestActions.action().confidence(1.01).build())
			.withMessage("confidence must be between 0 and 1, but was 1.01");
		assertThat(TestActions.action().confidence(null).build().confidence()).isNull();
	}

	@Test
	void constructorWhenStatusAndBatchIdDisagreeThenRefused() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> TestActions.action().status(ActionStatus.BATCHED).batchId(null).build())
			.withMessageContaining("must have a batchId");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> TestActions.action().status(ActionStatus.PENDING).batchId("bat_1").build())
			.withMessageContaining("must not have a batchId");
	}

	@Test
	void argumentsAreFrozen() {
		Action action = TestActions.action().build();
		assertThatThrownByPut(action.arguments());
		assertThatThrownByPut(action.preconditions());
		assertThat(action.withResult(Map.of("ok", true)).result()).isEqualTo(Map.of("ok", true));
	}

	private static void assertThatThrownByPut(Map<String, Object> map) {
		assertThatThrownBy(() -> map.put("x", 1)).isInstanceOf(UnsupportedOperationException.class);
	}

	@Test
	void alwaysListedWhenHighDestructiveOrLowConfidence() {
		assertThat(TestActions.action().build().alwaysListed()).isFalse();
		assertThat(TestActions.action().risk(Risk.HIGH).build().alwaysListed()).isTrue();
		assertThat(TestActions.action().destructive().build().alwaysListed()).isTrue();
		assertThat(TestActions.action().lowConfidence().build().alwaysListed()).isTrue();
	}

	@Test
	void requireLegalSuccessorWhenStatusOnlyChangesThenAccepted() {
		Action action = TestActions.action().build();
		Action next = action.batched("bat_1", Instant.EPOCH).withReason("closed");
		assertThat(action.requireLegalSuccessor(next)).isSameAs(next);
	}

	@Test
	void requireLegalSuccessorWhenIllegalMoveOrFrozenFieldChangedThenRefused() {
		Action action = TestActions.action().build();
		assertThatIllegalStateException()
			.isThrownBy(() -> action.requireLegalSuccessor(action.moveTo(ActionStatus.SUCCEEDED, Instant.EPOCH)))
			.withMessage("Action " + action.id() + " cannot move from PENDING to SUCCEEDED");
		Action batched = action.batched("bat_1", Instant.EPOCH);
		assertThatIllegalStateException().isThrownBy(() -> batched.requireLegalSuccessor(
				batched.batched("bat_2", Instant.EPOCH).moveTo(ActionStatus.APPROVED, Instant.EPOCH)));
		Action other = TestActions.action()
			.id(action.id())
			.argument("note", "other")
			.inStatus(ActionStatus.BATCHED)
			.build();
		assertThatIllegalStateException().isThrownBy(() -> action.requireLegalSuccessor(other))
			.withMessageContaining("must keep the fields fixed");
	}

	@Test
	void editedWhenPendingThenReDigestedAndAcceptedAsSuccessor() {
		Action action = TestActions.action().argument("amount", 100L).build();
		Map<String, Object> arguments = new java.util.LinkedHashMap<>(action.arguments());
		arguments.put("amount", 250L);
		Action edited = action.edited(arguments, Instant.EPOCH);
		assertThat(edited.digest()).isNotEqualTo(action.digest());
		assertThat(edited.digestMatches()).isTrue();
		assertThat(action.requireLegalSuccessor(edited)).isSameAs(edited);
	}

	@Test
	void editedWhenDigestForgedOrNotPendingThenRefused() {
		Action action = TestActions.action().argument("amount", 100L).build();
		Action forged = TestActions.action()
			.id(action.id())
			.argument("note", action.arguments().get("note"))
			.argument("amount", 999L)
			.digest(action.digest())
			.build();
		assertThatIllegalStateException().isThrownBy(() -> action.requireLegalSuccessor(forged));
		Action batched = action.batched("bat_1", Instant.EPOCH);
		assertThatIllegalStateException().isThrownBy(() -> batched.edited(action.arguments(), Instant.EPOCH));
	}

	@Test
	void digestMatchesWhenFieldsChangedThenFalse() {
		assertThat(TestActions.action().build().digestMatches()).isTrue();
		assertThat(TestActions.action().digest("0".repeat(64)).build().digestMatches()).isFalse();
	}

}
