package dev.countersign.server.audit;

import java.util.List;
import java.util.Objects;

import dev.countersign.policy.audit.AuditEvent;
import dev.countersign.policy.audit.AuditStore;

/**
 * Told of every entry after it is appended to a user's chain, for metrics. Called on the
 * appending thread, in append order for one user; it must be quick, must not block, and
 * must not keep the event's details beyond the call (they are screened for credentials,
 * but they are the user's). An exception it throws is logged and dropped: a listener
 * never changes an outcome. Declare one as a bean; {@link AuditConfiguration} hands each
 * to the trail.
 */
@FunctionalInterface
public interface AuditListener {

	/**
	 * One entry was appended.
	 * @param event the stored entry
	 */
	void recorded(AuditEvent event);

	/**
	 * A store that tells the listeners of each entry it appends; reads go straight
	 * through.
	 * @param store the store
	 * @param listeners the listeners, possibly none
	 * @return the store itself when there are no listeners, else a notifying view of it
	 */
	static AuditStore notifying(AuditStore store, List<AuditListener> listeners) {
		Objects.requireNonNull(store, "store must not be null");
		Objects.requireNonNull(listeners, "listeners must not be null");
		return listeners.isEmpty() ? store : new NotifyingAuditStore(store, List.copyOf(listeners));
	}

}
