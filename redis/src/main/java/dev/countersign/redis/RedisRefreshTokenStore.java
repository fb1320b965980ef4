package dev.countersign.redis;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

import dev.countersign.policy.account.RefreshTokenStore;
import dev.countersign.policy.account.StoredRefreshToken;
import dev.countersign.redis.internal.RedisKeys;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.reactive.RedisReactiveCommands;
import reactor.core.publisher.Mono;

/**
 * A {@link RefreshTokenStore} in Redis. It holds only the sealed record it is given
 * (ciphertext and metadata), never a token, and logs nothing.
 *
 * <p>
 * Key, under the user's hash tag ({@link RedisKeys}), never expiring:
 * {@code cs:{u:USER}:refresh-token}, a hash with {@code keyId}, {@code ciphertext} and
 * {@code storedAt} (ISO-8601). Each operation is one command: {@code HSET} of all three
 * fields (so a save replaces the whole record atomically), {@code HGETALL}, {@code DEL}.
 *
 * <p>
 * Thread-safe: the store holds no mutable state, and the Lettuce connection it is given
 * is thread-safe. The caller owns the connection and closes it.
 *
 * <pre>{@code
 * RefreshTokenStore store = new RedisRefreshTokenStore(connection);
 * store.save(cipher.seal(user, refreshToken, clock.instant())).block();
 * }</pre>
 */
public final class RedisRefreshTokenStore implements RefreshTokenStore {

	private static final String KEY_ID = "keyId";

	private static final String CIPHERTEXT = "ciphertext";

	private static final String STORED_AT = "storedAt";

	private final RedisReactiveCommands<String, String> commands;

	/**
	 * A store.
	 * @param connection the connection to use; the caller owns and closes it
	 */
	public RedisRefreshTokenStore(StatefulRedisConnection<String, String> connection) {
		this.commands = Objects.requireNonNull(connection, "connection must not be null").reactive();
	}

	@Override
	public Mono<Void> save(StoredRefreshToken token) {
		Objects.requireNonNull(token, "token must not be null");
		String key = RedisKeys.of(token.user()).refreshToken();
		Map<String, String> fields = Map.of(KEY_ID, token.keyId(), CIPHERTEXT, token.ciphertext(), STORED_AT,
				token.storedAt().toString());
		return Mono.defer(() -> this.commands.hset(key, fields)).then();
	}

	@Override
	public Mono<StoredRefreshToken> find(String user) {
		Objects.requireNonNull(user, "user must not be null");
		String key = RedisKeys.of(user).refreshToken();
		return Mono
			.defer(() -> this.commands.hgetall(key).collectMap((entry) -> entry.getKey(), (entry) -> entry.getValue()))
			.filter((fields) -> !fields.isEmpty())
			.map((fields) -> read(user, fields));
	}

	@Override
	public Mono<Boolean> delete(String user) {
		Objects.requireNonNull(user, "user must not be null");
		String key = RedisKeys.of(user).refreshToken();
		return Mono.defer(() -> this.commands.del(key)).map((deleted) -> deleted > 0);
	}

	private static StoredRefreshToken read(String user, Map<String, String> fields) {
		String keyId = fields.get(KEY_ID);
		String ciphertext = fields.get(CIPHERTEXT);
		String storedAt = fields.get(STORED_AT);
		if (keyId == null || ciphertext == null || storedAt == null) {
			// name the fields, never their values
			throw new IllegalStateException("Stored refresh token of user " + user + " lacks one of the fields "
					+ KEY_ID + ", " + CIPHERTEXT + ", " + STORED_AT);
		}
		return new StoredRefreshToken(user, keyId, ciphertext, Instant.parse(storedAt));
	}

	@Override
	public String toString() {
		return "RedisRefreshTokenStore";
	}

}
