package dev.countersign.server.policy;

import java.util.Objects;
import java.util.function.UnaryOperator;

import reactor.core.publisher.Mono;

import dev.countersign.policy.action.Action;
import dev.countersign.policy.action.ActionStatus;
import dev.countersign.policy.action.ActionStore;
import dev.countersign.policy.action.ForwardingActionStore;

/**
 * An {@link ActionStore} that tells an {@link ActionOutcomeListener} of every move it
 * stored: the one place where the ends of actions are learnt from, whoever moved them
 * (the batch executor, the approval loop, the auto-runner, the config API). Every other
 * operation goes straight to the store it wraps; a transition answers only after the
 * listener has recorded it (the listener never fails, so neither does that).
 *
 * <pre>{@code
 * ActionStore actions = new OutcomeRecordingActionStore(new InMemoryActionStore(), listener);
 * }</pre>
 */
public final class OutcomeRecordingActionStore extends ForwardingActionStore {

	private final ActionOutcomeListener listener;

	/**
	 * Wraps a store.
	 * @param delegate the store that keeps the actions
	 * @param listener told of every stored move
	 */
	public OutcomeRecordingActionStore(ActionStore delegate, ActionOutcomeListener listener) {
		super(delegate);
		this.listener = Objects.requireNonNull(listener, "listener must not be null");
	}

	@Override
	public Mono<Action> transition(String user, String id, ActionStatus expected, long expectedVersion,
			UnaryOperator<Action> change) {
		return delegate().transition(user, id, expected, expectedVersion, change)
			.flatMap((moved) -> this.listener.moved(expected, moved).thenReturn(moved));
	}

	@Override
	public Mono<Action> transitionFrom(Action current, UnaryOperator<Action> change) {
		return delegate().transitionFrom(current, change)
			.flatMap((moved) -> this.listener.moved(current.status(), moved).thenReturn(moved));
	}

	@Override
	public String toString() {
		return "OutcomeRecordingActionStore[" + delegate() + "]";
	}

}
