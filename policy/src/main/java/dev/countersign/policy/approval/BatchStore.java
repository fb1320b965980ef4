package dev.countersign.policy.approval;

import java.time.Instant;
import java.util.Set;
import java.util.function.UnaryOperator;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Batches, kept per user: one user never sees another's.
 *
 * <p>
 * The only way to change a stored batch is
 * {@link #transition(String, String, BatchStatus, long, UnaryOperator)}, a
 * compare-and-set on status and version. Implementations are thread-safe; lists come
 * oldest first ({@code closedAt}, then id). {@link InMemoryBatchStore} is the embedded
 * default; the shared contract is tested by {@code AbstractBatchStoreTests} in policy's
 * test-jar.
 */
public interface BatchStore {

	/**
	 * Stores a new batch.
	 * @param batch the batch, normally {@code OPEN} at version 0
	 * @return the stored batch; an error {@link IllegalStateException} when the id is
	 * taken
	 */
	Mono<Batch> insert(Batch batch);

	/**
	 * Finds one of a user's batches.
	 * @param user the user id
	 * @param id the batch id
	 * @return the batch, or empty when the user has no such batch
	 */
	Mono<Batch> find(String user, String id);

	/**
	 * Lists a user's batches in some statuses.
	 * @param user the user id
	 * @param statuses the statuses wanted; empty means none
	 * @return the batches, oldest first
	 */
	Flux<Batch> findByUser(String user, Set<BatchStatus> statuses);

	/**
	 * Finds the user's batch whose CIBA request is open ({@code REQUESTED}). There is at
	 * most one: the {@link Batcher} starts no second request while one is open.
	 * @param user the user id
	 * @return the oldest {@code REQUESTED} batch, or empty
	 */
	Mono<Batch> findOpenRequest(String user);

	/**
	 * Counts the CIBA requests started for a user at or after an instant, whatever became
	 * of them (Auth0 limits requests per user per minute).
	 * @param user the user id
	 * @param since the start of the period, inclusive
	 * @return the number of batches whose {@code requestedAt} is at or after
	 * {@code since}
	 */
	Mono<Long> countRequestsSince(String user, Instant since);

	/**
	 * Changes a batch if, and only if, it is still in the expected status at the expected
	 * version. The change must make a legal move and keep the fields fixed at closing
	 * ({@link Batch#requireLegalSuccessor(Batch)}); the store sets the version to
	 * {@code expectedVersion + 1}. The change runs inside the compare-and-set, so it must
	 * be quick and free of side effects.
	 * @param user the user id
	 * @param id the batch id
	 * @param expected the status the caller saw
	 * @param expectedVersion the version the caller saw
	 * @param change makes the new batch from the current one
	 * @return the stored new batch; empty when the batch is unknown or moved on (the race
	 * was lost: never an error); an error {@link IllegalStateException} when the change
	 * makes an illegal move
	 */
	Mono<Batch> transition(String user, String id, BatchStatus expected, long expectedVersion,
			UnaryOperator<Batch> change);

}
