package dev.countersign.policy.audit;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Audit chains, one per user, append-only, with their checkpoints (DESIGN §8).
 *
 * <p>
 * {@link #append(String, AuditEventDraft)} is the only way to add an entry: the store
 * gives it the next sequence and chains it to the previous entry's hash atomically, so
 * concurrent appends for one user (threads or replicas) produce one unbroken chain.
 * Nothing is ever changed or removed; the store does not check the chain it holds —
 * {@link AuditTrail#verify(String, java.util.List)} does, and a store hands back what it
 * holds, tampered or not. Implementations are thread-safe; reads take no lock that an
 * append waits on for longer than a copy.
 *
 * <p>
 * {@link InMemoryAuditStore} is the embedded default; the shared contract is tested by
 * {@code AbstractAuditStoreTests} in policy's test-jar.
 */
public interface AuditStore {

	/**
	 * Appends an entry to a user's chain.
	 * @param user the user id
	 * @param draft what to record
	 * @return the stored entry, with the next sequence (1 for the first), the previous
	 * entry's hash (or {@link AuditEvent#GENESIS_HASH}) and its own hash
	 */
	Mono<AuditEvent> append(String user, AuditEventDraft draft);

	/**
	 * Reads part of a user's chain, in append order.
	 * @param user the user id
	 * @param fromSequence the first entry wanted, from 1: the entry appended as number
	 * {@code fromSequence} (in an intact chain, the one with that sequence)
	 * @param limit the most entries wanted, at least 1
	 * @return up to {@code limit} entries; empty past the end or for an unknown user
	 * @throws IllegalArgumentException if {@code fromSequence} or {@code limit} is below
	 * 1
	 */
	Flux<AuditEvent> read(String user, long fromSequence, int limit);

	/**
	 * The number of entries a user's chain holds.
	 * @param user the user id
	 * @return the length; 0 for an unknown user
	 */
	Mono<Long> length(String user);

	/**
	 * The checkpoint with the highest sequence.
	 * @param user the user id
	 * @return the checkpoint, or empty when the user has none
	 */
	Mono<AuditCheckpoint> lastCheckpoint(String user);

	/**
	 * Keeps a checkpoint; one at the same sequence is replaced.
	 * @param checkpoint the checkpoint, for {@link AuditCheckpoint#user()}
	 * @return completes when stored
	 */
	Mono<Void> saveCheckpoint(AuditCheckpoint checkpoint);

	/**
	 * A user's checkpoints.
	 * @param user the user id
	 * @return the checkpoints, lowest sequence first
	 */
	Flux<AuditCheckpoint> checkpoints(String user);

}
