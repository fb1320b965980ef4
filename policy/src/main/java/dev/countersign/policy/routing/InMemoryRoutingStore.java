package dev.countersign.policy.routing;

import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import reactor.core.publisher.Mono;

/**
 * A {@link RoutingStore} in memory: the embedded default. Nothing survives a restart.
 *
 * <pre>{@code
 * RoutingStore store = new InMemoryRoutingStore();
 * StoredRouting current = store.find(user).block();
 * store.replace(user, current.version(), current.settings().withThresholds(new Thresholds(0.9, 0.5))).block();
 * }</pre>
 */
public final class InMemoryRoutingStore implements RoutingStore {

	private static final StoredRouting INITIAL = new StoredRouting(RoutingSettings.defaults(), 0);

	private final ConcurrentMap<String, StoredRouting> users = new ConcurrentHashMap<>();

	@Override
	public Mono<StoredRouting> find(String user) {
		Objects.requireNonNull(user, "user must not be null");
		return Mono.fromSupplier(() -> this.users.getOrDefault(user, INITIAL));
	}

	@Override
	public Mono<StoredRouting> replace(String user, long expectedVersion, RoutingSettings settings) {
		Objects.requireNonNull(user, "user must not be null");
		Objects.requireNonNull(settings, "settings must not be null");
		return Mono.fromSupplier(() -> {
			StoredRouting next = new StoredRouting(settings, expectedVersion + 1);
			StoredRouting stored = this.users.compute(user, (key, current) -> {
				long version = (current != null) ? current.version() : 0;
				return (version == expectedVersion) ? next : current;
			});
			return (stored == next) ? next : null;
		});
	}

	@Override
	public String toString() {
		return "InMemoryRoutingStore[users=" + this.users.size() + "]";
	}

}
