package dev.countersign.server.provider;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import dev.countersign.server.auth.Caller;

/**
 * Provider tokens for tests: hands out one fixed token for reads and another for writes,
 * and records every request and invalidation as {@code user connection}.
 */
public final class FakeProviderTokens implements ProviderTokens {

	/** The token every read gets, a canary that must never appear in a result. */
	public static final String TOKEN = "ya29.canary-3f9c1e7a5b";

	/** The token every write exchange gets, another canary. */
	public static final String WRITE_TOKEN = "ya29.write-canary-8d2e4f6a1c";

	private final List<String> reads = new CopyOnWriteArrayList<>();

	private final List<String> writes = new CopyOnWriteArrayList<>();

	private final List<String> invalidations = new CopyOnWriteArrayList<>();

	private volatile @Nullable RuntimeException failure;

	@Override
	public Mono<String> forRead(Caller caller, String connection) {
		this.reads.add(caller.user() + " " + connection);
		RuntimeException failure = this.failure;
		return (failure != null) ? Mono.error(failure) : Mono.just(TOKEN);
	}

	@Override
	public Mono<String> forWrite(Caller caller, String connection) {
		this.writes.add(caller.user() + " " + connection + " subject=" + caller.token().value());
		RuntimeException failure = this.failure;
		return (failure != null) ? Mono.error(failure) : Mono.just(WRITE_TOKEN);
	}

	@Override
	public void invalidate(String user, String connection) {
		this.invalidations.add(user + " " + connection);
	}

	/**
	 * Makes every later read fail.
	 * @param failure the failure
	 */
	public void failWith(RuntimeException failure) {
		this.failure = failure;
	}

	public List<String> reads() {
		return List.copyOf(this.reads);
	}

	/**
	 * The uncached write exchanges, as {@code user connection subject=<subject token>}.
	 * @return the exchanges in order
	 */
	public List<String> writes() {
		return List.copyOf(this.writes);
	}

	public List<String> invalidations() {
		return List.copyOf(this.invalidations);
	}

}
