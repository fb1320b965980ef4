package dev.countersign.policy.account;

import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import reactor.core.publisher.Mono;

/**
 * A {@link RefreshTokenStore} in memory: the embedded default. What it holds lives no
 * longer than the process, so users sign in again after a restart. Thread-safe.
 */
public final class InMemoryRefreshTokenStore implements RefreshTokenStore {

	private final ConcurrentMap<String, StoredRefreshToken> tokens = new ConcurrentHashMap<>();

	@Override
	public Mono<Void> save(StoredRefreshToken token) {
		Objects.requireNonNull(token, "token must not be null");
		return Mono.fromRunnable(() -> this.tokens.put(token.user(), token));
	}

	@Override
	public Mono<StoredRefreshToken> find(String user) {
		Objects.requireNonNull(user, "user must not be null");
		return Mono.fromSupplier(() -> this.tokens.get(user));
	}

	@Override
	public Mono<Boolean> delete(String user) {
		Objects.requireNonNull(user, "user must not be null");
		return Mono.fromSupplier(() -> this.tokens.remove(user) != null);
	}

	@Override
	public String toString() {
		return "InMemoryRefreshTokenStore[users=" + this.tokens.size() + "]";
	}

}
