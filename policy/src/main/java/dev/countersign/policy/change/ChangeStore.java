package dev.countersign.policy.change;

import java.util.Set;
import java.util.function.UnaryOperator;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Pending changes, kept per user: another user's ids are simply not found. The only way
 * to change a stored change is a compare-and-set on status and version
 * ({@link #transition}), so that two replicas racing to apply or expire it produce
 * exactly one winner. Implementations are thread-safe; the shared contract is tested by
 * {@code AbstractChangeStoreTests} in policy's test-jar.
 */
public interface ChangeStore {

	/**
	 * Stores a new change.
	 * @param change the change, normally {@code PENDING_APPROVAL} at version 0
	 * @return the stored change; an error {@link DuplicateChangeException} when the id is
	 * taken
	 */
	Mono<PendingChange> insert(PendingChange change);

	/**
	 * Finds one of a user's changes.
	 * @param user the user id
	 * @param changeId the change id
	 * @return the change, or empty
	 */
	Mono<PendingChange> find(String user, String changeId);

	/**
	 * Lists a user's changes in some statuses, oldest first ({@code createdAt}, then id).
	 * @param user the user id
	 * @param statuses the statuses wanted; empty means none
	 * @return the changes
	 */
	Flux<PendingChange> findByUser(String user, Set<ChangeStatus> statuses);

	/**
	 * Changes a stored change if, and only if, it is still in the expected status at the
	 * expected version. The function must return a
	 * {@linkplain PendingChange#requireLegalSuccessor(PendingChange) legal successor};
	 * the store sets the version to {@code expectedVersion + 1}.
	 * @param user the user id
	 * @param changeId the change id
	 * @param expected the status the caller saw
	 * @param expectedVersion the version the caller saw
	 * @param change makes the new state from the current one (quick, no side effects)
	 * @return the stored new state; empty when the change is unknown or moved on (the
	 * race was lost: never an error); an error {@link IllegalStateException} for an
	 * illegal move
	 */
	Mono<PendingChange> transition(String user, String changeId, ChangeStatus expected, long expectedVersion,
			UnaryOperator<PendingChange> change);

}
