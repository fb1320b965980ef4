package dev.countersign.policy.calibration;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A {@link CalibrationStore} in memory: the embedded default. Each user's state sits
 * behind one lock. Nothing survives a restart.
 *
 * <pre>{@code
 * CalibrationStore store = new InMemoryCalibrationStore();
 * OutcomeCounts counts = store.count(user, "claude", "email_create_draft", true).block();
 * }</pre>
 */
public final class InMemoryCalibrationStore implements CalibrationStore {

	private final ConcurrentMap<String, Shelf> shelves = new ConcurrentHashMap<>();

	@Override
	public Mono<OutcomeCounts> count(String user, String agent, String tool, boolean approved) {
		Objects.requireNonNull(agent, "agent must not be null");
		Objects.requireNonNull(tool, "tool must not be null");
		return Mono.fromSupplier(() -> shelf(user).count(agent, tool, approved));
	}

	@Override
	public Mono<OutcomeCounts> findCounts(String user, String agent, String tool) {
		return Mono.fromSupplier(() -> existing(user).counts(agent, tool));
	}

	@Override
	public Mono<Suggestion> offer(Suggestion candidate) {
		Objects.requireNonNull(candidate, "candidate must not be null");
		if (candidate.status() != SuggestionStatus.OPEN) {
			return Mono.error(new IllegalArgumentException(
					"candidate must be OPEN, but " + candidate.id() + " is " + candidate.status()));
		}
		return Mono.fromSupplier(() -> shelf(candidate.user()).offer(candidate));
	}

	@Override
	public Mono<Suggestion> find(String user, String id) {
		return Mono.fromSupplier(() -> existing(user).find(id));
	}

	@Override
	public Flux<Suggestion> findByUser(String user) {
		return Flux.defer(() -> Flux.fromIterable(existing(user).all()));
	}

	@Override
	public Mono<Suggestion> decide(String user, String id, SuggestionStatus status, Instant at) {
		Objects.requireNonNull(status, "status must not be null");
		Objects.requireNonNull(at, "at must not be null");
		if (status == SuggestionStatus.OPEN) {
			return Mono.error(new IllegalArgumentException("status must be ACCEPTED or DISMISSED, but was OPEN"));
		}
		return Mono.fromSupplier(() -> existing(user).decide(id, status, at));
	}

	private Shelf shelf(String user) {
		return this.shelves.computeIfAbsent(Objects.requireNonNull(user, "user must not be null"),
				(key) -> new Shelf());
	}

	private Shelf existing(String user) {
		Shelf shelf = this.shelves.get(Objects.requireNonNull(user, "user must not be null"));
		return (shelf != null) ? shelf : new Shelf();
	}

	@Override
	public String toString() {
		return "InMemoryCalibrationStore[users=" + this.shelves.size() + "]";
	}

	/** One user's counts and suggestions, behind one lock. */
	private static final class Shelf {

		private final Map<List<String>, OutcomeCounts> counts = new HashMap<>();

		private final Map<String, Suggestion> suggestions = new LinkedHashMap<>();

		synchronized OutcomeCounts count(String agent, String tool, boolean approved) {
			return this.counts.merge(List.of(agent, tool), OutcomeCounts.NONE.plus(approved),
					(current, one) -> current.plus(approved));
		}

		synchronized OutcomeCounts counts(String agent, String tool) {
			return this.counts.getOrDefault(List.of(agent, tool), OutcomeCounts.NONE);
		}

		synchronized @Nullable Suggestion offer(Suggestion candidate) {
			for (Suggestion existing : this.suggestions.values()) {
				if (existing.agent().equals(candidate.agent()) && existing.tool().equals(candidate.tool())) {
					if (existing.status() != SuggestionStatus.OPEN) {
						return null;
					}
					Suggestion refreshed = existing.withCounts(candidate.counts(), candidate.updatedAt());
					this.suggestions.put(existing.id(), refreshed);
					return refreshed;
				}
			}
			this.suggestions.put(candidate.id(), candidate);
			return candidate;
		}

		synchronized @Nullable Suggestion find(String id) {
			return this.suggestions.get(id);
		}

		synchronized List<Suggestion> all() {
			List<Suggestion> all = new ArrayList<>(this.suggestions.values());
			all.sort(Comparator.comparing(Suggestion::createdAt).thenComparing(Suggestion::id));
			return all;
		}

		synchronized @Nullable Suggestion decide(String id, SuggestionStatus status, Instant at) {
			Suggestion current = this.suggestions.get(id);
			if (current == null || current.status() != SuggestionStatus.OPEN) {
				return null;
			}
			Suggestion decided = current.withStatus(status, at);
			this.suggestions.put(id, decided);
			return decided;
		}

	}

}
