package dev.countersign.policy.change;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.UnaryOperator;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A {@link ChangeStore} in memory: the embedded default. Each user's changes sit behind
 * one lock. Nothing survives a restart.
 *
 * <pre>{@code
 * ChangeStore store = new InMemoryChangeStore();
 * store.transition(user, id, ChangeStatus.PENDING_APPROVAL, version,
 *         (current) -> current.decide(ChangeStatus.APPLIED, clock.instant())).block();
 * }</pre>
 */
public final class InMemoryChangeStore implements ChangeStore {

	private static final Comparator<PendingChange> OLDEST_FIRST = Comparator.comparing(PendingChange::createdAt)
		.thenComparing(PendingChange::changeId);

	private final ConcurrentMap<String, Shelf> shelves = new ConcurrentHashMap<>();

	@Override
	public Mono<PendingChange> insert(PendingChange change) {
		Objects.requireNonNull(change, "change must not be null");
		return Mono
			.fromCallable(() -> this.shelves.computeIfAbsent(change.user(), (key) -> new Shelf()).insert(change));
	}

	@Override
	public Mono<PendingChange> find(String user, String changeId) {
		return Mono.fromSupplier(() -> existing(user).get(changeId));
	}

	@Override
	public Flux<PendingChange> findByUser(String user, Set<ChangeStatus> statuses) {
		Set<ChangeStatus> wanted = Set.copyOf(statuses);
		return Flux.defer(() -> Flux.fromIterable(existing(user).select(wanted)));
	}

	@Override
	public Mono<PendingChange> transition(String user, String changeId, ChangeStatus expected, long expectedVersion,
			UnaryOperator<PendingChange> change) {
		Objects.requireNonNull(expected, "expected must not be null");
		Objects.requireNonNull(change, "change must not be null");
		return Mono.fromCallable(() -> existing(user).transition(changeId, expected, expectedVersion, change));
	}

	private Shelf existing(String user) {
		Shelf shelf = this.shelves.get(Objects.requireNonNull(user, "user must not be null"));
		return (shelf != null) ? shelf : new Shelf();
	}

	@Override
	public String toString() {
		return "InMemoryChangeStore[users=" + this.shelves.size() + "]";
	}

	/** One user's changes, behind one lock. */
	private static final class Shelf {

		private final Map<String, PendingChange> changes = new LinkedHashMap<>();

		synchronized PendingChange insert(PendingChange change) {
			if (this.changes.containsKey(change.changeId())) {
				throw new DuplicateChangeException(change.changeId());
			}
			this.changes.put(change.changeId(), change);
			return change;
		}

		synchronized @Nullable PendingChange get(String changeId) {
			return this.changes.get(changeId);
		}

		synchronized List<PendingChange> select(Set<ChangeStatus> statuses) {
			List<PendingChange> selected = new ArrayList<>();
			for (PendingChange change : this.changes.values()) {
				if (statuses.contains(change.status())) {
					selected.add(change);
				}
			}
			selected.sort(OLDEST_FIRST);
			return selected;
		}

		synchronized @Nullable PendingChange transition(String changeId, ChangeStatus expected, long expectedVersion,
				UnaryOperator<PendingChange> change) {
			PendingChange current = this.changes.get(changeId);
			if (current == null || current.status() != expected || current.version() != expectedVersion) {
				return null;
			}
			PendingChange next = current
				.requireLegalSuccessor(Objects.requireNonNull(change.apply(current), "change must not return null"));
			PendingChange stored = next.withVersion(expectedVersion + 1);
			this.changes.put(changeId, stored);
			return stored;
		}

	}

}
