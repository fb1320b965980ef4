package dev.countersign.policy.audit;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * An {@link AuditStore} in memory: the embedded default (a list per user). Each user's
 * chain sits behind one lock, so appends of one user are serialised and users never wait
 * on each other; a read holds the lock only to copy the entries it returns. Nothing
 * survives a restart.
 *
 * <pre>{@code
 * AuditStore store = new InMemoryAuditStore();
 * AuditEvent first = store.append("auth0|ada", draft).block();   // sequence 1
 * List<AuditEvent> all = store.read("auth0|ada", 1, 100).collectList().block();
 * }</pre>
 */
public final class InMemoryAuditStore implements AuditStore {

	private final ConcurrentMap<String, Chain> chains = new ConcurrentHashMap<>();

	@Override
	public Mono<AuditEvent> append(String user, AuditEventDraft draft) {
		AuditEvent.requireText("user", user);
		Objects.requireNonNull(draft, "draft must not be null");
		return Mono.fromCallable(() -> chain(user).append(user, draft));
	}

	@Override
	public Flux<AuditEvent> read(String user, long fromSequence, int limit) {
		if (fromSequence < 1) {
			throw new IllegalArgumentException("fromSequence must be positive, but was " + fromSequence);
		}
		if (limit < 1) {
			throw new IllegalArgumentException("limit must be positive, but was " + limit);
		}
		return Flux.defer(() -> Flux.fromIterable(existing(user).read(fromSequence, limit)));
	}

	@Override
	public Mono<Long> length(String user) {
		return Mono.fromSupplier(() -> existing(user).length());
	}

	@Override
	public Mono<AuditCheckpoint> lastCheckpoint(String user) {
		return Mono.fromSupplier(() -> existing(user).lastCheckpoint());
	}

	@Override
	public Mono<Void> saveCheckpoint(AuditCheckpoint checkpoint) {
		Objects.requireNonNull(checkpoint, "checkpoint must not be null");
		return Mono.fromRunnable(() -> chain(checkpoint.user()).saveCheckpoint(checkpoint));
	}

	@Override
	public Flux<AuditCheckpoint> checkpoints(String user) {
		return Flux.defer(() -> Flux.fromIterable(existing(user).checkpoints()));
	}

	/**
	 * Replaces what a user's chain holds, bypassing the chaining: for tamper tests only.
	 * @param user the user id
	 * @param entries the entries, in stored order
	 * @param checkpoints the checkpoints
	 */
	void overwrite(String user, List<AuditEvent> entries, List<AuditCheckpoint> checkpoints) {
		chain(user).overwrite(entries, checkpoints);
	}

	private Chain chain(String user) {
		return this.chains.computeIfAbsent(user, (key) -> new Chain());
	}

	private Chain existing(String user) {
		Chain chain = this.chains.get(Objects.requireNonNull(user, "user must not be null"));
		return (chain != null) ? chain : Chain.EMPTY;
	}

	@Override
	public String toString() {
		return "InMemoryAuditStore[users=" + this.chains.size() + "]";
	}

	/** One user's entries and checkpoints, behind one lock. */
	private static final class Chain {

		static final Chain EMPTY = new Chain();

		private final List<AuditEvent> entries = new ArrayList<>();

		private final NavigableMap<Long, AuditCheckpoint> checkpoints = new TreeMap<>();

		synchronized AuditEvent append(String user, AuditEventDraft draft) {
			String previousHash = this.entries.isEmpty() ? AuditEvent.GENESIS_HASH
					: this.entries.get(this.entries.size() - 1).hash();
			AuditEvent event = AuditEvent.chain(user, this.entries.size() + 1L, previousHash, draft);
			this.entries.add(event);
			return event;
		}

		synchronized List<AuditEvent> read(long fromSequence, int limit) {
			if (fromSequence > this.entries.size()) {
				return List.of();
			}
			int from = (int) (fromSequence - 1);
			int to = (int) Math.min(this.entries.size(), (long) from + limit);
			return List.copyOf(this.entries.subList(from, to));
		}

		synchronized long length() {
			return this.entries.size();
		}

		synchronized @Nullable AuditCheckpoint lastCheckpoint() {
			Map.Entry<Long, AuditCheckpoint> last = this.checkpoints.lastEntry();
			return (last != null) ? last.getValue() : null;
		}

		synchronized void saveCheckpoint(AuditCheckpoint checkpoint) {
			this.checkpoints.put(checkpoint.sequence(), checkpoint);
		}

		synchronized List<AuditCheckpoint> checkpoints() {
			return List.copyOf(this.checkpoints.values());
		}

		synchronized void overwrite(List<AuditEvent> entries, List<AuditCheckpoint> checkpoints) {
			this.entries.clear();
			this.entries.addAll(entries);
			this.checkpoints.clear();
			checkpoints.forEach((checkpoint) -> this.checkpoints.put(checkpoint.sequence(), checkpoint));
		}

	}

}
