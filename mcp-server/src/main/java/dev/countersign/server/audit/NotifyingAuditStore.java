package dev.countersign.server.audit;

import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import dev.countersign.policy.audit.AuditCheckpoint;
import dev.countersign.policy.audit.AuditEvent;
import dev.countersign.policy.audit.AuditEventDraft;
import dev.countersign.policy.audit.AuditStore;

/**
 * An {@link AuditStore} that tells {@link AuditListener}s of each appended entry.
 */
final class NotifyingAuditStore implements AuditStore {

	private static final Logger logger = LoggerFactory.getLogger(NotifyingAuditStore.class);

	private final AuditStore store;

	private final List<AuditListener> listeners;

	NotifyingAuditStore(AuditStore store, List<AuditListener> listeners) {
		this.store = store;
		this.listeners = listeners;
	}

	@Override
	public Mono<AuditEvent> append(String user, AuditEventDraft draft) {
		return this.store.append(user, draft).doOnNext(this::tell);
	}

	private void tell(AuditEvent event) {
		for (AuditListener listener : this.listeners) {
			try {
				listener.recorded(event);
			}
			catch (RuntimeException ex) {
				// never a detail: type and class only
				logger.warn("Audit listener {} failed on a {} entry: {}", listener.getClass().getSimpleName(),
						event.type(), ex.getClass().getSimpleName());
			}
		}
	}

	@Override
	public Flux<AuditEvent> read(String user, long fromSequence, int limit) {
		return this.store.read(user, fromSequence, limit);
	}

	@Override
	public Mono<Long> length(String user) {
		return this.store.length(user);
	}

	@Override
	public Mono<AuditCheckpoint> lastCheckpoint(String user) {
		return this.store.lastCheckpoint(user);
	}

	@Override
	public Mono<Void> saveCheckpoint(AuditCheckpoint checkpoint) {
		return this.store.saveCheckpoint(checkpoint);
	}

	@Override
	public Flux<AuditCheckpoint> checkpoints(String user) {
		return this.store.checkpoints(user);
	}

	@Override
	public String toString() {
		return "NotifyingAuditStore[" + this.store + "]";
	}

}
