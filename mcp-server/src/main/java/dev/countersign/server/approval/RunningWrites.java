package dev.countersign.server.approval;

import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import reactor.core.publisher.Mono;

/**
 * The auto-approved writes this replica is running now, by action id, so that crash
 * recovery ({@link ApprovalLoop}) never takes one of them for an orphan. Batch executions
 * are known to the loop itself. Thread-safe.
 *
 * <pre>{@code
 * writes.track(action.id(), writer.write(action, token));
 * boolean mine = writes.running(action.id());
 * }</pre>
 */
public final class RunningWrites {

	private final Set<String> running = ConcurrentHashMap.newKeySet();

	/**
	 * Marks an action as running here while {@code write} runs.
	 * @param <T> what the write answers
	 * @param actionId the action's id
	 * @param write the write; marked from subscription until it ends, fails or is
	 * cancelled
	 * @return {@code write}, marked
	 */
	public <T> Mono<T> track(String actionId, Mono<T> write) {
		Objects.requireNonNull(actionId, "actionId must not be null");
		Objects.requireNonNull(write, "write must not be null");
		return Mono.defer(() -> {
			this.running.add(actionId);
			return write.doFinally((signal) -> this.running.remove(actionId));
		});
	}

	/**
	 * Whether an action is being written by this replica now.
	 * @param actionId the action's id
	 * @return true while its write runs here
	 */
	public boolean running(String actionId) {
		return this.running.contains(actionId);
	}

	@Override
	public String toString() {
		return "RunningWrites[" + this.running.size() + "]";
	}

}
