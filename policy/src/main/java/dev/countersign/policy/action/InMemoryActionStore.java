package dev.countersign.policy.action;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * An {@link ActionStore} in memory: the embedded default. Each user's actions sit behind
 * one lock, so every insert and transition of a user is atomic, and users never wait on
 * each other. Nothing survives a restart.
 *
 * <pre>{@code
 * ActionStore store = new InMemoryActionStore();
 * store.insert(action).block();
 * store.transition(user, action.id(), ActionStatus.PENDING, action.version(),
 *         (current) -> current.moveTo(ActionStatus.CANCELLED, clock.instant())).block();
 * }</pre>
 */
public final class InMemoryActionStore implements ActionStore {

	private static final Comparator<Action> OLDEST_FIRST = Comparator.comparing(Action::createdAt)
		.thenComparing(Action::id);

	private final ConcurrentMap<String, Shelf> shelves = new ConcurrentHashMap<>();

	@Override
	public Mono<Action> insert(Action action) {
		Objects.requireNonNull(action, "action must not be null");
		return Mono.fromCallable(() -> shelf(action.user()).insert(action, 0));
	}

	@Override
	public Mono<Action> insert(Action action, int maxLivePerAgent) {
		Objects.requireNonNull(action, "action must not be null");
		if (maxLivePerAgent < 1) {
			throw new IllegalArgumentException("maxLivePerAgent must be positive, but was " + maxLivePerAgent);
		}
		return Mono.fromCallable(() -> shelf(action.user()).insert(action, maxLivePerAgent));
	}

	@Override
	public Mono<Action> find(String user, String id) {
		return Mono.fromSupplier(() -> existing(user).get(id));
	}

	@Override
	public Mono<Action> findLive(String user, String agent, String digest) {
		return Mono.fromSupplier(() -> existing(user).findLive(agent, digest));
	}

	@Override
	public Flux<Action> findByUser(String user, Set<ActionStatus> statuses) {
		Set<ActionStatus> wanted = Set.copyOf(statuses);
		return Flux.defer(() -> Flux.fromIterable(existing(user).select((action) -> wanted.contains(action.status()))));
	}

	@Override
	public Flux<Action> findByBatch(String user, String batchId) {
		Objects.requireNonNull(batchId, "batchId must not be null");
		return Flux.defer(() -> Flux.fromIterable(existing(user).select((action) -> batchId.equals(action.batchId()))));
	}

	@Override
	public Flux<String> findUsers(Set<ActionStatus> statuses) {
		Set<ActionStatus> wanted = Set.copyOf(statuses);
		return Flux.defer(() -> Flux.fromIterable(List.copyOf(this.shelves.keySet()))
			.filter((user) -> !existing(user).select((action) -> wanted.contains(action.status())).isEmpty()));
	}

	@Override
	public Mono<Long> changes(String user) {
		return Mono.fromSupplier(() -> existing(user).changes());
	}

	@Override
	public Mono<Long> countLive(String user, String agent) {
		return Mono.fromSupplier(() -> existing(user).countLive(agent));
	}

	@Override
	public Mono<Action> transition(String user, String id, ActionStatus expected, long expectedVersion,
			UnaryOperator<Action> change) {
		Objects.requireNonNull(expected, "expected must not be null");
		Objects.requireNonNull(change, "change must not be null");
		return Mono.fromCallable(() -> existing(user).transition(id, expected, expectedVersion, change));
	}

	private Shelf shelf(String user) {
		return this.shelves.computeIfAbsent(user, (key) -> new Shelf());
	}

	private Shelf existing(String user) {
		Shelf shelf = this.shelves.get(Objects.requireNonNull(user, "user must not be null"));
		return (shelf != null) ? shelf : Shelf.EMPTY;
	}

	@Override
	public String toString() {
		return "InMemoryActionStore[users=" + this.shelves.size() + "]";
	}

	/** One user's actions, behind one lock. */
	private static final class Shelf {

		static final Shelf EMPTY = new Shelf();

		private final Map<String, Action> actions = new LinkedHashMap<>();

		private long changes;

		/** Inserts; {@code maxLivePerAgent} 0 for no limit. */
		synchronized Action insert(Action action, int maxLivePerAgent) {
			if (this.actions.containsKey(action.id())) {
				throw new DuplicateActionException(action.id(), "Action " + action.id() + " already exists");
			}
			if (action.status().live()) {
				Action twin = findLive(action.agent(), action.digest());
				if (twin != null) {
					throw new DuplicateActionException(action.id(), "Agent " + action.agent()
							+ " already has live action " + twin.id() + " with digest " + action.digest());
				}
				if (maxLivePerAgent > 0 && countLive(action.agent()) >= maxLivePerAgent) {
					throw new LiveActionLimitException(action.agent(), maxLivePerAgent);
				}
			}
			this.actions.put(action.id(), action);
			this.changes++;
			return action;
		}

		synchronized long countLive(String agent) {
			long live = 0;
			for (Action action : this.actions.values()) {
				if (action.agent().equals(agent) && action.status().live()) {
					live++;
				}
			}
			return live;
		}

		synchronized long changes() {
			return this.changes;
		}

		synchronized @Nullable Action get(String id) {
			return this.actions.get(id);
		}

		synchronized @Nullable Action findLive(String agent, String digest) {
			for (Action action : this.actions.values()) {
				if (action.status().live() && action.agent().equals(agent) && action.digest().equals(digest)) {
					return action;
				}
			}
			return null;
		}

		synchronized List<Action> select(Predicate<Action> filter) {
			List<Action> selected = new ArrayList<>();
			for (Action action : this.actions.values()) {
				if (filter.test(action)) {
					selected.add(action);
				}
			}
			selected.sort(OLDEST_FIRST);
			return selected;
		}

		synchronized @Nullable Action transition(String id, ActionStatus expected, long expectedVersion,
				UnaryOperator<Action> change) {
			Action current = this.actions.get(id);
			if (current == null || current.status() != expected || current.version() != expectedVersion) {
				return null;
			}
			Action next = current
				.requireLegalSuccessor(Objects.requireNonNull(change.apply(current), "change must not return null"));
			Action stored = next.withVersion(expectedVersion + 1);
			this.actions.put(id, stored);
			this.changes++;
			return stored;
		}

	}

}
