package dev.countersign.policy.routing;

import reactor.core.publisher.Mono;

/**
 * Routing settings, kept per user. A user who never saved any has
 * {@link RoutingSettings#defaults()} at version 0. Saving is a compare-and-set on the
 * version, so two concurrent edits produce one winner. Implementations are thread-safe;
 * the shared contract is tested by {@code AbstractRoutingStoreTests} in policy's
 * test-jar.
 */
public interface RoutingStore {

	/**
	 * A user's settings.
	 * @param user the user id
	 * @return the settings and their version; the defaults at version 0 for a new user
	 */
	Mono<StoredRouting> find(String user);

	/**
	 * Replaces a user's settings if, and only if, they are still at the expected version.
	 * @param user the user id
	 * @param expectedVersion the version the caller read
	 * @param settings the new settings
	 * @return the stored settings at {@code expectedVersion + 1}; empty when the version
	 * moved on (the race was lost: never an error)
	 */
	Mono<StoredRouting> replace(String user, long expectedVersion, RoutingSettings settings);

}
