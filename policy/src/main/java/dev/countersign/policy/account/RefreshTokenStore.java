package dev.countersign.policy.account;

import reactor.core.publisher.Mono;

/**
 * Where each user's sealed refresh token is kept: at most one per user, ciphertext and
 * metadata only ({@link StoredRefreshToken}). Implementations never see the token itself
 * and never log what they hold. Implementations are thread-safe.
 *
 * <pre>{@code
 * store.save(cipher.seal(user, refreshToken, clock.instant())).block();
 * String token = store.find(user).map(cipher::open).block();
 * }</pre>
 */
public interface RefreshTokenStore {

	/**
	 * Stores a user's sealed token, replacing the one stored before.
	 * @param token the sealed token
	 * @return completes when stored
	 */
	Mono<Void> save(StoredRefreshToken token);

	/**
	 * Finds a user's sealed token.
	 * @param user the user id
	 * @return the sealed token, or empty when the user has none
	 */
	Mono<StoredRefreshToken> find(String user);

	/**
	 * Forgets a user's sealed token.
	 * @param user the user id
	 * @return true when one was stored, false when there was none
	 */
	Mono<Boolean> delete(String user);

}
