package dev.countersign.policy.trust;

import java.util.function.Function;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The trust ledger's state: one {@link AgentTrust} per (user, agent). Keyed by user: one
 * user never sees another's agents.
 *
 * <p>
 * The only way to change a record is {@link #update(String, String, Function)}, which
 * applies a function to the current record atomically (a Redis implementation may retry
 * it under WATCH/MULTI, so it must be quick and free of side effects). Implementations
 * are thread-safe. The shared contract is tested by {@code AbstractTrustStoreTests} in
 * policy's test-jar.
 */
public interface TrustStore {

	/**
	 * Finds a user's record of an agent.
	 * @param user the user id
	 * @param agent the agent id
	 * @return the record, or empty when the user has no record of that agent
	 */
	Mono<AgentTrust> find(String user, String agent);

	/**
	 * Lists a user's records, by agent id.
	 * @param user the user id
	 * @return the records
	 */
	Flux<AgentTrust> findByUser(String user);

	/**
	 * Changes a record atomically. The function receives the current record, or
	 * {@code null} when there is none, and returns the new one for the same user and
	 * agent; the store sets its version to the current version + 1 (1 for a new record).
	 * @param user the user id
	 * @param agent the agent id
	 * @param change makes the new record from the current one
	 * @return the stored record; an error {@link IllegalStateException} when the function
	 * returns a record of another user or agent (nothing is stored then), or whatever the
	 * function threw
	 */
	Mono<AgentTrust> update(String user, String agent, Function<@Nullable AgentTrust, AgentTrust> change);

	/**
	 * Returns the user's credential epoch: a counter that every event which must drop the
	 * user's cached provider tokens advances (an agent revoked, an account disconnected).
	 * Read-token caches include it in their key, so an advance made through a shared
	 * store drops the cached tokens on every replica at once.
	 * @param user the user id
	 * @return the epoch, 0 when it was never advanced
	 */
	Mono<Long> credentialEpoch(String user);

	/**
	 * Advances the user's credential epoch by one, atomically.
	 * @param user the user id
	 * @return the new epoch
	 */
	Mono<Long> advanceCredentialEpoch(String user);

}
