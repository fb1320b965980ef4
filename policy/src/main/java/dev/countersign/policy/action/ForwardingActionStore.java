package dev.countersign.policy.action;

import java.time.Instant;
import java.util.Objects;
import java.util.Set;
import java.util.function.UnaryOperator;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * An {@link ActionStore} that hands every call to another: extend it and override the
 * calls to watch or change. Thread-safe when the delegate is.
 */
public class ForwardingActionStore implements ActionStore {

	private final ActionStore delegate;

	/**
	 * A store forwarding to another.
	 * @param delegate the store that answers
	 */
	public ForwardingActionStore(ActionStore delegate) {
		this.delegate = Objects.requireNonNull(delegate, "delegate must not be null");
	}

	/**
	 * The store that answers.
	 * @return the delegate
	 */
	public final ActionStore delegate() {
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
	public Flux<Action> findDue(String user, Set<ActionStatus> statuses, Instant now) {
		return this.delegate.findDue(user, statuses, now);
	}

	@Override
	public Mono<Instant> earliestDue(String user, Set<ActionStatus> statuses) {
		return this.delegate.earliestDue(user, statuses);
	}

	@Override
	public Flux<Action> findByBatch(String user, String batchId) {
		return this.delegate.findByBatch(user, batchId);
	}

	@Override
	public Flux<String> findUsers(Set<ActionStatus> statuses) {
		return this.delegate.findUsers(statuses);
	}

	@Override
	public Mono<Long> changes(String user) {
		return this.delegate.changes(user);
	}

	@Override
	public Mono<Action> insert(Action action, int maxLivePerAgent) {
		return this.delegate.insert(action, maxLivePerAgent);
	}

	@Override
	public Mono<Long> countLive(String user, String agent) {
		return this.delegate.countLive(user, agent);
	}

	@Override
	public Mono<Action> transition(String user, String id, ActionStatus expected, long expectedVersion,
			UnaryOperator<Action> change) {
		return this.delegate.transition(user, id, expected, expectedVersion, change);
	}

	@Override
	public Mono<Action> transitionFrom(Action current, UnaryOperator<Action> change) {
		return this.delegate.transitionFrom(current, change);
	}

}
