package dev.countersign.redis.internal;

import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

import io.lettuce.core.api.reactive.RedisReactiveCommands;
import reactor.core.publisher.Mono;

/**
 * How a store reads the keys it may serve from memory: through a cache kept fresh by
 * Redis ({@code dev.countersign.redis.RedisReadCache}) or {@linkplain #direct straight
 * from Redis}. A store calls {@link #invalidate(String)} after each of its own writes of
 * such a key.
 */
public interface CachedReads {

	/**
	 * Reads a key, from memory when the cache holds it.
	 * @param <T> what the key decodes to
	 * @param key the one key {@code load} reads
	 * @param load reads and decodes the key with the given commands; empty when absent
	 * @return the value, or an empty optional when the key is absent
	 */
	<T> Mono<Optional<T>> read(String key, Function<RedisReactiveCommands<String, String>, Mono<T>> load);

	/**
	 * Drops a key this replica just wrote, so its next read sees the write.
	 * @param key the key
	 */
	void invalidate(String key);

	/**
	 * Reads that always go to Redis.
	 * @param commands the connection's commands
	 * @return reads without a cache
	 */
	static CachedReads direct(RedisReactiveCommands<String, String> commands) {
		Objects.requireNonNull(commands, "commands must not be null");
		return new CachedReads() {

			@Override
			public <T> Mono<Optional<T>> read(String key,
					Function<RedisReactiveCommands<String, String>, Mono<T>> load) {
				return Mono.defer(() -> load.apply(commands)).map(Optional::of).defaultIfEmpty(Optional.empty());
			}

			@Override
			public void invalidate(String key) {
			}

		};
	}

}
