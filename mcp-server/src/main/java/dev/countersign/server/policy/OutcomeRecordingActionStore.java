package dev.countersign.server.policy;

import java.util.Objects;
import java.util.Set;
import java.util.function.UnaryOperator;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import dev.countersign.policy.action.Action;
import dev.countersign.policy.action.ActionStatus;
import dev.countersign.policy.action.ActionStore;

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
public final class OutcomeRecordingActionStore implements ActionStore {

	private final ActionStore delegate;

	private final ActionOutcomeListener listener;

	/**
	 * Wraps a store.
	 * @param delegate the store that keeps the actions
	 * @param listener told of every stored move
	 */
	public OutcomeRecordingActionStore(ActionStore delegate, ActionOutcomeListener listener) {
		this.delegate = Objects.requireNonNull(delegate, "delegate must not be null");
		this.listener = Objects.requireNonNull(listener, "listener must not be null");
	}

	/**
	 * The wrapped store.
	 * @return the store that keeps the actions
	 */
	public ActionStore delegate() {
		return this.delegate;
	}

	@Override
	public Mono<Action> insert(Action action) {
		return this.delegate.insert(action);
	}

	@Override
	public Mono<Action> find(String user, String id) {
		return this.delegate.find(user, id);
	}

	@Override
	public Mono<Action> findLive(String user, String agent, String digest) {
		return this.delegate.findLive(user, agent, digest);
	}

	@Override
	public Flux<Action> findByUser(String user, Set<ActionStatus> statuses) {
		return this.delegate.findByUser(user, statuses);
	}

	@Override
	public Flux<Action> findByBatch(String user, String batchId) {
		return this.delegate.findByBatch(user, batchId);
	}

	@Override
	public Mono<Long> changes(String user) {
		return this.delegate.changes(user);
	}

	@Override
	public Flux<String> findUsers(Set<ActionStatus> statuses) {
		return this.delegate.findUsers(statuses);
	}

	@Override
	public Mono<Long> countLive(String user, String agent) {
		return this.delegate.countLive(user, agent);
	}

	@Override
	public Mono<Action> transition(String user, String id, ActionStatus expected, long expectedVersion,
			UnaryOperator<Action> change) {
		return this.delegate.transition(user, id, expected, expectedVersion, change)
			.flatMap((moved) -> this.listener.moved(expected, moved).thenReturn(moved));
	}

	@Override
	public String toString() {
		return "OutcomeRecordingActionStore[" + this.delegate + "]";
	}

}
