package dev.countersign.policy.action;

import java.time.Instant;
import java.util.Comparator;
import java.util.Objects;
import java.util.Set;
import java.util.function.BinaryOperator;
import java.util.function.UnaryOperator;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Actions, kept per user: one user never sees another's (another user's id is simply not
 * found).
 *
 * <p>
 * The only way to change a stored action is
 * {@link #transition(String, String, ActionStatus, long, UnaryOperator)}, a
 * compare-and-set on status and version, so that two replicas (or two threads) racing the
 * same move produce exactly one winner. Implementations are thread-safe; lists come
 * oldest first ({@code createdAt}, then id).
 *
 * <p>
 * {@link dev.countersign.policy.action.InMemoryActionStore} is the embedded default; the
 * shared contract is tested by {@code AbstractActionStoreTests} in policy's test-jar.
 */
public interface ActionStore {

	/**
	 * Stores a new action.
	 * @param action the action, normally {@code PENDING} at version 0
	 * @return the stored action; an error {@link DuplicateActionException} when the id is
	 * taken, or when a {@link ActionStatus#live() live} action of the same user and agent
	 * has the same digest (checked atomically with the insert)
	 */
	Mono<Action> insert(Action action);

	/**
	 * Stores a new live action unless its agent already holds {@code maxLivePerAgent}
	 * live actions for the user; the count and the insert are one atomic step, so inserts
	 * racing each other (on any replica) never pass the limit. A live twin (same user,
	 * agent and digest) is reported before the limit: an agent retrying a write it made
	 * is answered with {@link DuplicateActionException} even at the limit.
	 * @param action the action, {@link ActionStatus#live() live}, normally
	 * {@code PENDING} at version 0
	 * @param maxLivePerAgent the most live actions the agent may hold for the user, this
	 * one included; at least 1
	 * @return the stored action; an error {@link DuplicateActionException} as for
	 * {@link #insert(Action)}, or {@link LiveActionLimitException} at the limit
	 */
	Mono<Action> insert(Action action, int maxLivePerAgent);

	/**
	 * Finds one of a user's actions.
	 * @param user the user id
	 * @param id the action id
	 * @return the action, or empty when the user has no such action
	 */
	Mono<Action> find(String user, String id);

	/**
	 * Finds the live action an agent already holds for the same write.
	 * @param user the user id
	 * @param agent the agent id
	 * @param digest the action digest
	 * @return the live ({@code PENDING}, {@code BATCHED}, {@code APPROVED},
	 * {@code EXECUTING}) action with that digest, or empty
	 */
	Mono<Action> findLive(String user, String agent, String digest);

	/**
	 * Lists a user's actions in some statuses.
	 * @param user the user id
	 * @param statuses the statuses wanted; empty means none
	 * @return the actions, oldest first
	 */
	Flux<Action> findByUser(String user, Set<ActionStatus> statuses);

	/**
	 * Lists a user's actions in some statuses whose {@code approveBy} is at or before a
	 * time: those overdue. Expiry reads these at every pass of a user; a store that can
	 * tell them apart where it keeps them should read only them, not every action
	 * waiting.
	 * @param user the user id
	 * @param statuses the statuses wanted; empty means none
	 * @param now the time
	 * @return the overdue actions, oldest first
	 */
	default Flux<Action> findDue(String user, Set<ActionStatus> statuses, Instant now) {
		Objects.requireNonNull(now, "now must not be null");
		return findByUser(user, statuses).filter((action) -> !now.isBefore(action.approveBy()));
	}

	/**
	 * When the first of a user's actions in some statuses falls due: the earliest
	 * {@code approveBy} among them, or a time at most a millisecond before it (a store
	 * may keep due times to the millisecond, rounded down, so the answer is never late).
	 * The approval loop rests a user until then; like {@link #findDue}, a store should
	 * answer it without reading every action.
	 * @param user the user id
	 * @param statuses the statuses
	 * @return the time; empty when the user has no such action
	 */
	default Mono<Instant> earliestDue(String user, Set<ActionStatus> statuses) {
		return findByUser(user, statuses).map(Action::approveBy)
			.reduce(BinaryOperator.minBy(Comparator.naturalOrder()));
	}

	/**
	 * Lists the actions closed into a batch.
	 * @param user the user id
	 * @param batchId the batch id
	 * @return the actions whose {@code batchId} is this one, whatever their status,
	 * oldest first
	 */
	Flux<Action> findByBatch(String user, String batchId);

	/**
	 * Lists the users that have at least one action in one of some statuses; the batcher
	 * and expiry use it to find work.
	 * @param statuses the statuses
	 * @return the user ids, each once, in no particular order
	 */
	Flux<String> findUsers(Set<ActionStatus> statuses);

	/**
	 * A count of the changes to a user's actions: it grows with every insert and every
	 * transition stored, and with nothing else. A caller that reads the same count twice
	 * knows that none of the user's actions changed in between (the approval loop leaves
	 * a user alone while nothing changed and nothing is due).
	 * @param user the user id
	 * @return the count; 0 for a user who never had an action
	 */
	Mono<Long> changes(String user);

	/**
	 * Counts an agent's live actions for a user.
	 * @param user the user id
	 * @param agent the agent id
	 * @return the number of {@code PENDING}, {@code BATCHED}, {@code APPROVED} and
	 * {@code EXECUTING} actions
	 */
	Mono<Long> countLive(String user, String agent);

	/**
	 * Changes an action if, and only if, it is still in the expected status at the
	 * expected version. The change must return the action in a new status that
	 * {@code expected} {@linkplain ActionStatus#canMoveTo(ActionStatus) may move to} and
	 * must keep the fields fixed at freezing
	 * ({@link Action#requireLegalSuccessor(Action)}); the store sets the version to
	 * {@code expectedVersion + 1}. The change runs inside the compare-and-set, so it must
	 * be quick and free of side effects.
	 * @param user the user id
	 * @param id the action id
	 * @param expected the status the caller saw
	 * @param expectedVersion the version the caller saw
	 * @param change makes the new action from the current one
	 * @return the stored new action; empty when the action is unknown or its status or
	 * version moved on (the race was lost: never an error); an error
	 * {@link IllegalStateException} when the change makes an illegal move
	 */
	Mono<Action> transition(String user, String id, ActionStatus expected, long expectedVersion,
			UnaryOperator<Action> change);

	/**
	 * {@link #transition(String, String, ActionStatus, long, UnaryOperator)} of an action
	 * the caller read from this store, at the status and version it was read at. The
	 * store may apply the change to the caller's copy instead of reading the action
	 * again: the compare-and-set still refuses it if the action moved on since.
	 * Decorators that watch transitions override both methods.
	 * @param current the action as this store answered it
	 * @param change makes the new action from the current one
	 * @return as {@link #transition(String, String, ActionStatus, long, UnaryOperator)}
	 */
	default Mono<Action> transitionFrom(Action current, UnaryOperator<Action> change) {
		return transition(current.user(), current.id(), current.status(), current.version(), change);
	}

}
