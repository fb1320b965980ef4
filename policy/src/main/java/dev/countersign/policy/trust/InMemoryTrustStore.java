package dev.countersign.policy.trust;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A {@link TrustStore} in memory: the embedded default. Updates are atomic per (user,
 * agent) ({@link ConcurrentMap#compute}). Nothing survives a restart.
 *
 * <pre>{@code
 * TrustStore store = new InMemoryTrustStore();
 * store.update(user, agent, (current) -> (current != null) ? current.withRevoked(true)
 *         : AgentTrust.newAgent(user, agent, TrustLevel.L1, now).withRevoked(true)).block();
 * }</pre>
 */
public final class InMemoryTrustStore implements TrustStore {

	private final ConcurrentMap<String, ConcurrentMap<String, AgentTrust>> users = new ConcurrentHashMap<>();

	private final ConcurrentMap<String, Long> epochs = new ConcurrentHashMap<>();

	@Override
	public Mono<AgentTrust> find(String user, String agent) {
		Objects.requireNonNull(agent, "agent must not be null");
		return Mono.fromSupplier(() -> agents(user).get(agent));
	}

	@Override
	public Flux<AgentTrust> findByUser(String user) {
		return Flux.defer(() -> {
			List<AgentTrust> records = new ArrayList<>(agents(user).values());
			records.sort(Comparator.comparing(AgentTrust::agent));
			return Flux.fromIterable(records);
		});
	}

	@Override
	public Mono<AgentTrust> update(String user, String agent, Function<@Nullable AgentTrust, AgentTrust> change) {
		Objects.requireNonNull(user, "user must not be null");
		Objects.requireNonNull(agent, "agent must not be null");
		Objects.requireNonNull(change, "change must not be null");
		return Mono.fromCallable(() -> this.users.computeIfAbsent(user, (key) -> new ConcurrentHashMap<>())
			.compute(agent, (key, current) -> {
				AgentTrust next = Objects.requireNonNull(change.apply(current), "change must not return null");
				if (!next.user().equals(user) || !next.agent().equals(agent)) {
					throw new IllegalStateException("change must keep user " + user + " and agent " + agent
							+ ", but returned " + next.user() + "/" + next.agent());
				}
				return next.withVersion((current != null) ? current.version() + 1 : 1);
			}));
	}

	@Override
	public Mono<Long> credentialEpoch(String user) {
		Objects.requireNonNull(user, "user must not be null");
		return Mono.fromSupplier(() -> this.epochs.getOrDefault(user, 0L));
	}

	@Override
	public Mono<Long> advanceCredentialEpoch(String user) {
		Objects.requireNonNull(user, "user must not be null");
		return Mono.fromSupplier(() -> this.epochs.merge(user, 1L, Long::sum));
	}

	private ConcurrentMap<String, AgentTrust> agents(String user) {
		ConcurrentMap<String, AgentTrust> agents = this.users
			.get(Objects.requireNonNull(user, "user must not be null"));
		return (agents != null) ? agents : new ConcurrentHashMap<>();
	}

	@Override
	public String toString() {
		return "InMemoryTrustStore[users=" + this.users.size() + "]";
	}

}
