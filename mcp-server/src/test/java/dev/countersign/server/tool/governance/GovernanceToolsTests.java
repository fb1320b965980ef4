package dev.countersign.server.tool.governance;

import java.time.Clock;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.countersign.policy.action.Action;
import dev.countersign.policy.action.ActionStatus;
import dev.countersign.policy.action.InMemoryActionStore;
import dev.countersign.policy.action.TestActions;
import dev.countersign.server.provider.ToolCalls;
import dev.countersign.server.tool.ToolFailure;

import static org.assertj.core.api.Assertions.assertThat;

class GovernanceToolsTests {

	private final InMemoryActionStore store = new InMemoryActionStore();

	private Action stored(Action action) {
		return this.store.insert(action).block();
	}

	@Test
	void actionStatusWhenOwnActionThenItsStatus() {
		Action action = stored(TestActions.action().build());
		Map<String, Object> result = ToolCalls.answer(GovernanceTools.status(this.store),
				ToolCalls.call("action_status", Map.of("action_id", action.id())));
		assertThat(result).containsEntry("action_id", action.id())
			.containsEntry("status", "pending_approval")
			.containsKey("approve_by");
	}

	@Test
	void actionStatusWhenAnotherAgentsOrUsersActionThenSameAnswerAsUnknown() {
		Action otherAgent = stored(TestActions.action().agent(TestActions.OTHER_AGENT).build());
		Action otherUser = stored(TestActions.action().user(TestActions.OTHER_USER).build());
		String unknown = ToolCalls
			.failure(GovernanceTools.status(this.store), ToolCalls.call("action_status", Map.of("action_id", "act_X")))
			.getMessage();
		for (Action action : List.of(otherAgent, otherUser)) {
			RuntimeException failure = ToolCalls.failure(GovernanceTools.status(this.store),
					ToolCalls.call("action_status", Map.of("action_id", action.id())));
			assertThat(failure).isInstanceOf(ToolFailure.class);
			assertThat(failure.getMessage().replace(action.id(), "act_X")).isEqualTo(unknown);
		}
	}

	@Test
	void listPendingActionsThenOnlyOwnWaitingOnesOldestFirst() {
		Action first = stored(TestActions.action().build());
		Action second = stored(TestActions.action().build());
		stored(TestActions.action().agent(TestActions.OTHER_AGENT).build());
		stored(TestActions.action().status(ActionStatus.CANCELLED).build());
		Map<String, Object> result = ToolCalls.answer(GovernanceTools.pending(this.store),
				ToolCalls.call("list_pending_actions", Map.of()));
		assertThat(result).containsEntry("count", 2);
		List<Object> ids = ((List<?>) result.get("actions")).stream()
			.map((a) -> ((Map<?, ?>) a).get("action_id"))
			.map(Object.class::cast)
			.toList();
		assertThat(ids).containsExactly(first.id(), second.id());
	}

	@Test
	void listPendingActionsWhenNoneThenEmpty() {
		Map<String, Object> result = ToolCalls.answer(GovernanceTools.pending(this.store),
				ToolCalls.call("list_pending_actions", Map.of()));
		assertThat(result).containsEntry("count", 0);
	}

	@Test
	void cancelActionWhenPendingThenCancelled() {
		Action action = stored(TestActions.action().build());
		Map<String, Object> result = ToolCalls.answer(GovernanceTools.cancel(this.store, Clock.systemUTC()),
				ToolCalls.call("cancel_action", Map.of("action_id", action.id())));
		assertThat(result).containsEntry("status", "cancelled");
		assertThat(this.store.find(action.user(), action.id()).block().status()).isEqualTo(ActionStatus.CANCELLED);
	}

	@Test
	void cancelActionWhenAlreadyFinishedThenRefusedNamingTheStatus() {
		Action action = stored(TestActions.action().status(ActionStatus.SUCCEEDED).build());
		RuntimeException failure = ToolCalls.failure(GovernanceTools.cancel(this.store, Clock.systemUTC()),
				ToolCalls.call("cancel_action", Map.of("action_id", action.id())));
		assertThat(failure).hasMessageContaining("succeeded").hasMessageContaining("can no longer be cancelled");
	}

	@Test
	void cancelActionWhenAnotherAgentsThenNotFoundAndUntouched() {
		Action action = stored(TestActions.action().agent(TestActions.OTHER_AGENT).build());
		ToolCalls.failure(GovernanceTools.cancel(this.store, Clock.systemUTC()),
				ToolCalls.call("cancel_action", Map.of("action_id", action.id())));
		assertThat(this.store.find(action.user(), action.id()).block().status()).isEqualTo(ActionStatus.PENDING);
	}

}
