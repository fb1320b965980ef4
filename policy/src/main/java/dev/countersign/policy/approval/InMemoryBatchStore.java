package dev.countersign.policy.approval;

import java.time.Instant;
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
 * A {@link BatchStore} in memory: the embedded default. Each user's batches sit behind
 * one lock, so every insert and transition of a user is atomic. Nothing survives a
 * restart.
 *
 * <pre>{@code
 * BatchStore store = new InMemoryBatchStore();
 * store.findOpenRequest("auth0|ada").block();
 * }</pre>
 */
public final class InMemoryBatchStore implements BatchStore {

	private static final Comparator<Batch> OLDEST_FIRST = Comparator.comparing(Batch::closedAt)
		.thenComparing(Batch::id);

	private final ConcurrentMap<String, Shelf> shelves = new ConcurrentHashMap<>();

	@Override
	public Mono<Batch> insert(Batch batch) {
		Objects.requireNonNull(batch, "batch must not be null");
		return Mono.fromCallable(() -> this.shelves.computeIfAbsent(batch.user(), (key) -> new Shelf()).insert(batch));
	}

	@Override
	public Mono<Batch> find(String user, String id) {
		return Mono.fromSupplier(() -> existing(user).get(id));
	}

	@Override
	public Flux<Batch> findByUser(String user, Set<BatchStatus> statuses) {
		Set<BatchStatus> wanted = Set.copyOf(statuses);
		return Flux.defer(() -> Flux.fromIterable(existing(user).select((batch) -> wanted.contains(batch.status()))));
	}

	@Override
	public Mono<Batch> findOpenRequest(String user) {
		return Flux
			.defer(() -> Flux.fromIterable(existing(user).select((batch) -> batch.status() == BatchStatus.REQUESTED)))
			.next();
	}

	@Override
	public Mono<Long> countRequestsSince(String user, Instant since) {
		Objects.requireNonNull(since, "since must not be null");
		return Mono.fromSupplier(() -> (long) existing(user)
			.select((batch) -> batch.requestedAt() != null && !batch.requestedAt().isBefore(since))
			.size());
	}

	@Override
	public Mono<Batch> transition(String user, String id, BatchStatus expected, long expectedVersion,
			UnaryOperator<Batch> change) {
		Objects.requireNonNull(expected, "expected must not be null");
		Objects.requireNonNull(change, "change must not be null");
		return Mono.fromCallable(() -> existing(user).transition(id, expected, expectedVersion, change));
	}

	private Shelf existing(String user) {
		Shelf shelf = this.shelves.get(Objects.requireNonNull(user, "user must not be null"));
		return (shelf != null) ? shelf : Shelf.EMPTY;
	}

	@Override
	public String toString() {
		return "InMemoryBatchStore[users=" + this.shelves.size() + "]";
	}

	/** One user's batches, behind one lock. */
	private static final class Shelf {

		static final Shelf EMPTY = new Shelf();

		private final Map<String, Batch> batches = new LinkedHashMap<>();

		synchronized Batch insert(Batch batch) {
			if (this.batches.containsKey(batch.id())) {
				throw new IllegalStateException("Batch " + batch.id() + " already exists");
			}
			this.batches.put(batch.id(), batch);
			return batch;
		}

		synchronized @Nullable Batch get(String id) {
			return this.batches.get(id);
		}

		synchronized List<Batch> select(Predicate<Batch> filter) {
			List<Batch> selected = new ArrayList<>();
			for (Batch batch : this.batches.values()) {
				if (filter.test(batch)) {
					selected.add(batch);
				}
			}
			selected.sort(OLDEST_FIRST);
			return selected;
		}

		synchronized @Nullable Batch transition(String id, BatchStatus expected, long expectedVersion,
				UnaryOperator<Batch> change) {
			Batch current = this.batches.get(id);
			if (current == null || current.status() != expected || current.version() != expectedVersion) {
				return null;
			}
			Batch next = current
				.requireLegalSuccessor(Objects.requireNonNull(change.apply(current), "change must not return null"));
			Batch stored = next.withVersion(expectedVersion + 1);
			this.batches.put(id, stored);
			return stored;
		}

	}

}
