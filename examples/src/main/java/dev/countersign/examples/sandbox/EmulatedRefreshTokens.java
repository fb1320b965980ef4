package dev.countersign.examples.sandbox;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The refresh tokens the emulated tenant issued at the {@code authorization_code} grant
 * when {@code offline_access} was asked: opaque, each for one user and the client it was
 * issued to, valid until revoked, like Auth0's non-rotating refresh tokens (Token Vault
 * does not support rotation). Counts their uses as Token Vault subjects. Thread-safe.
 */
final class EmulatedRefreshTokens {

	private final SecureRandom random = new SecureRandom();

	private final Map<String, Grant> grants = new ConcurrentHashMap<>();

	private final Map<String, AtomicLong> exchanges = new ConcurrentHashMap<>();

	/**
	 * Issues a refresh token.
	 * @param user the sandbox user name
	 * @param client the client it is issued to
	 * @return the opaque token
	 */
	String issue(String user, String client) {
		byte[] bytes = new byte[32];
		this.random.nextBytes(bytes);
		String token = "v1.M" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
		this.grants.put(token, new Grant(user, client));
		return token;
	}

	/**
	 * The grant behind a refresh token presented by a client.
	 * @param token the token
	 * @param client the authenticated client presenting it
	 * @return the grant, or empty when the token is unknown, revoked, or issued to
	 * another client
	 */
	Optional<Grant> find(String token, String client) {
		Grant grant = this.grants.get(token);
		return (grant != null && grant.client().equals(client)) ? Optional.of(grant) : Optional.empty();
	}

	/**
	 * Revokes a refresh token.
	 * @param token the token
	 * @return true when it was known
	 */
	boolean revoke(String token) {
		return this.grants.remove(token) != null;
	}

	/** Counts one Token Vault exchange with a user's refresh token as subject. */
	void countExchange(String user) {
		this.exchanges.computeIfAbsent(user, (key) -> new AtomicLong()).incrementAndGet();
	}

	/**
	 * How many Token Vault exchanges used a refresh token of this user as subject.
	 * @param user the sandbox user name
	 * @return the count
	 */
	long exchangeCount(String user) {
		AtomicLong count = this.exchanges.get(user);
		return (count != null) ? count.get() : 0;
	}

	/**
	 * Every refresh token issued and not revoked, for tests that search for leaks.
	 * @return the tokens
	 */
	Set<String> issuedTokens() {
		return Set.copyOf(this.grants.keySet());
	}

	/**
	 * Whom a refresh token stands for.
	 *
	 * @param user the sandbox user name
	 * @param client the client it was issued to
	 */
	record Grant(String user, String client) {

	}

}
