package dev.countersign.policy.audit;

import java.util.List;

/**
 * The {@link AuditStore} contract for {@link InMemoryAuditStore}.
 */
class InMemoryAuditStoreTests extends AbstractAuditStoreTests {

	private InMemoryAuditStore store;

	@Override
	protected AuditStore createStore() {
		this.store = new InMemoryAuditStore();
		return this.store;
	}

	@Override
	protected void tamper(String user, List<AuditEvent> entries, List<AuditCheckpoint> checkpoints) {
		this.store.overwrite(user, entries, checkpoints);
	}

}
