package dev.countersign.policy.audit;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The audit trail (DESIGN §8): records entries in a user's chain, seals the chain with
 * HMAC checkpoints, and verifies it.
 *
 * <p>
 * A checkpoint is made after every {@link AuditConfig#checkpointEvery()}-th entry and
 * whenever {@link #checkpoint(String)} is called (at batch close). Each one is saved in
 * the store and then handed to the anchor, which keeps it outside the store (the server
 * writes {@link AuditCheckpoint#toJsonLine()} to the application log). With those
 * anchors, {@link #verify(String, List)} detects an edited, deleted, moved or inserted
 * entry, a cut-off tail, a deleted stream, and a stream rewritten with recomputed hashes
 * by someone without the key. Entries after the last checkpoint are protected by the hash
 * chain alone: a rewrite of that tail with recomputed hashes is not detectable, which is
 * why checkpoints are also made at batch close.
 *
 * <p>
 * Thread-safe when the store is; the anchor may be called from several threads at once.
 *
 * <pre>{@code
 * AuditTrail trail = new AuditTrail(store, CheckpointSigner.of("k1", key),
 *         (checkpoint) -> log.info(checkpoint.toJsonLine()), AuditConfig.defaults(), clock);
 * trail.record(user, trail.draft(AuditEventType.APPROVED, AuditEvent.ACTOR_USER).withBatchId(batchId)).block();
 * AuditVerification verification = trail.verify(user, anchorsFromTheLog).block();
 * }</pre>
 */
public final class AuditTrail {

	private final AuditStore store;

	private final CheckpointSigner signer;

	private final Consumer<AuditCheckpoint> anchor;

	private final AuditConfig config;

	private final Clock clock;

	/**
	 * Makes a trail.
	 * @param store where the chains are kept
	 * @param signer makes and checks checkpoints; its keys never come from the store
	 * @param anchor receives every new checkpoint once it is stored; it should be quick
	 * and must not fail (a failure fails the {@code record} or {@code checkpoint} call
	 * that made the checkpoint, after the entry was stored)
	 * @param config the checkpoint interval and verification paging
	 * @param clock stamps drafts and checkpoints
	 */
	public AuditTrail(AuditStore store, CheckpointSigner signer, Consumer<AuditCheckpoint> anchor, AuditConfig config,
			Clock clock) {
		this.store = Objects.requireNonNull(store, "store must not be null");
		this.signer = Objects.requireNonNull(signer, "signer must not be null");
		this.anchor = Objects.requireNonNull(anchor, "anchor must not be null");
		this.config = Objects.requireNonNull(config, "config must not be null");
		this.clock = Objects.requireNonNull(clock, "clock must not be null");
	}

	/**
	 * Starts a draft that happened now.
	 * @param type what happened
	 * @param actor who did it
	 * @return the draft, at the clock's instant
	 */
	public AuditEventDraft draft(AuditEventType type, String actor) {
		return AuditEventDraft.of(type, actor, this.clock.instant());
	}

	/**
	 * Appends an entry to a user's chain, and checkpoints it when its sequence is a
	 * multiple of {@link AuditConfig#checkpointEvery()}.
	 * @param user the user id
	 * @param draft what to record
	 * @return the stored entry
	 */
	public Mono<AuditEvent> record(String user, AuditEventDraft draft) {
		return this.store.append(user, draft)
			.flatMap((event) -> (event.sequence() % this.config.checkpointEvery() == 0) ? seal(event).thenReturn(event)
					: Mono.just(event));
	}

	/**
	 * Checkpoints the last entry of a user's chain now (at batch close, say).
	 * @param user the user id
	 * @return the new checkpoint, or the existing one when the last entry is already
	 * checkpointed; empty when the chain is empty
	 */
	public Mono<AuditCheckpoint> checkpoint(String user) {
		return this.store.length(user)
			.filter((length) -> length > 0)
			.flatMap((length) -> this.store.lastCheckpoint(user)
				.filter((last) -> last.sequence() == length)
				.switchIfEmpty(Mono.defer(() -> this.store.read(user, length, 1).next().flatMap(this::seal))));
	}

	/**
	 * Walks a user's chain and names the first broken link. Checked, in order of
	 * sequence: each entry's sequence follows the one before (no gap, no move), its hash
	 * matches its content and its {@code previousHash} the entry before; every checkpoint
	 * (stored, and given as anchors) verifies with a configured key, lies within the
	 * chain (else the tail was cut off or the stream deleted) and matches the hash of the
	 * entry it seals (else the chain was rewritten). Entries appended while this runs are
	 * not looked at.
	 * @param user the user id
	 * @param anchors checkpoints kept outside the store, such as those read back from the
	 * application log; those of other users are ignored
	 * @return {@link AuditVerification.Intact} or {@link AuditVerification.Broken}
	 */
	public Mono<AuditVerification> verify(String user, List<AuditCheckpoint> anchors) {
		AuditEvent.requireText("user", user);
		List<AuditCheckpoint> given = List.copyOf(anchors);
		// checkpoints first: each seals an entry that exists by then, so the length read
		// next covers every one of them
		return this.store.checkpoints(user)
			.collectList()
			.map((stored) -> allCheckpoints(user, stored, given))
			.flatMap((checkpoints) -> this.store.length(user).flatMap((length) -> {
				Walk walk = new Walk(user, length, checkpoints);
				return entries(user, length).takeWhile(walk::accept).then(Mono.fromSupplier(walk::result));
			}));
	}

	private Mono<AuditCheckpoint> seal(AuditEvent event) {
		AuditCheckpoint checkpoint = this.signer.sign(event.user(), event.sequence(), event.hash(),
				this.clock.instant());
		return this.store.saveCheckpoint(checkpoint).then(Mono.fromCallable(() -> {
			this.anchor.accept(checkpoint);
			return checkpoint;
		}));
	}

	private static List<AuditCheckpoint> allCheckpoints(String user, List<AuditCheckpoint> stored,
			List<AuditCheckpoint> anchors) {
		Set<AuditCheckpoint> all = new LinkedHashSet<>(stored);
		for (AuditCheckpoint anchor : anchors) {
			if (anchor.user().equals(user)) {
				all.add(anchor);
			}
		}
		List<AuditCheckpoint> sorted = new ArrayList<>(all);
		sorted.sort(Comparator.comparingLong(AuditCheckpoint::sequence));
		return sorted;
	}

	private Flux<AuditEvent> entries(String user, long length) {
		return page(user, 1, length).expand((page) -> page(user, page.from() + page.events().size(), length))
			.concatMapIterable(Page::events);
	}

	private Mono<Page> page(String user, long from, long length) {
		if (from > length) {
			return Mono.empty();
		}
		int size = (int) Math.min(this.config.verifyPageSize(), length - from + 1);
		return this.store.read(user, from, size)
			.collectList()
			.filter((events) -> !events.isEmpty())
			.map((events) -> new Page(from, events));
	}

	@Override
	public String toString() {
		return "AuditTrail[store=" + this.store + ", signer=" + this.signer + ", config=" + this.config + "]";
	}

	private record Page(long from, List<AuditEvent> events) {

	}

	/** One verification walk: consumes entries in stored order until the first break. */
	private final class Walk {

		private final String user;

		private final long length;

		private final List<AuditCheckpoint> checkpoints;

		private final Map<Long, String> sealedHashes = new HashMap<>();

		private long count;

		private String lastHash = AuditEvent.GENESIS_HASH;

		private AuditVerification.@Nullable Broken broken;

		Walk(String user, long length, List<AuditCheckpoint> checkpoints) {
			this.user = user;
			this.length = length;
			this.checkpoints = checkpoints;
			for (AuditCheckpoint checkpoint : checkpoints) {
				this.sealedHashes.put(checkpoint.sequence(), "");
			}
		}

		boolean accept(AuditEvent event) {
			long expected = this.count + 1;
			if (event.sequence() != expected) {
				return stop(expected, "Entry " + expected + " is missing: sequence " + event.sequence()
						+ " is stored in its place (an entry was deleted, moved or inserted)");
			}
			if (!event.user().equals(this.user)) {
				return stop(expected, "Entry " + expected + " belongs to another user");
			}
			if (!event.hashMatches()) {
				return stop(expected, "Entry " + expected + " does not match its hash (its content was changed)");
			}
			if (!event.previousHash().equals(this.lastHash)) {
				return stop(expected, "Entry " + expected + " does not link to entry " + this.count
						+ " (its previousHash is not that entry's hash)");
			}
			this.count = expected;
			this.lastHash = event.hash();
			this.sealedHashes.computeIfPresent(expected, (sequence, none) -> event.hash());
			return true;
		}

		private boolean stop(long sequence, String reason) {
			this.broken = new AuditVerification.Broken(sequence, reason);
			return false;
		}

		AuditVerification result() {
			AuditVerification.Broken first = this.broken;
			if (first == null && this.count < this.length) {
				first = new AuditVerification.Broken(this.count + 1, "The store holds " + this.length
						+ " entries, but entry " + (this.count + 1) + " could not be read");
			}
			long limit = (first != null) ? first.sequence() : Long.MAX_VALUE;
			for (AuditCheckpoint checkpoint : this.checkpoints) {
				if (checkpoint.sequence() >= limit) {
					break;
				}
				AuditVerification.Broken wrong = check(checkpoint);
				if (wrong != null) {
					return wrong;
				}
			}
			return (first != null) ? first : new AuditVerification.Intact(this.count, this.lastHash);
		}

		private AuditVerification.@Nullable Broken check(AuditCheckpoint checkpoint) {
			long sequence = checkpoint.sequence();
			if (!AuditTrail.this.signer.verify(checkpoint)) {
				return new AuditVerification.Broken(sequence,
						"The checkpoint at entry " + sequence + " does not verify with key " + checkpoint.keyId()
								+ " (it was forged or made with another key)");
			}
			if (sequence > this.count) {
				String what = (this.count == 0) ? "The chain is empty" : "The chain ends at entry " + this.count;
				String cause = (this.count == 0) ? "the stream was deleted" : "its tail was cut off";
				return new AuditVerification.Broken(this.count + 1,
						what + ", but a checkpoint seals entry " + sequence + " (" + cause + ")");
			}
			if (!checkpoint.hash().equals(this.sealedHashes.get(sequence))) {
				return new AuditVerification.Broken(sequence,
						"Entry " + sequence + " no longer matches its checkpoint (the chain was rewritten up to here)");
			}
			return null;
		}

	}

}
