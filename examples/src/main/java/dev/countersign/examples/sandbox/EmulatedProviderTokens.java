package dev.countersign.examples.sandbox;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The provider tokens the emulated Token Vault has issued: opaque, short-lived, each for
 * one user and one connection. The emulated provider APIs accept a token only for its own
 * connection and only until it expires, as the real ones do. Thread-safe.
 */
final class EmulatedProviderTokens {

	/** How long an issued provider token lives, like Google's access tokens. */
	static final Duration DEFAULT_LIFETIME = Duration.ofHours(1);

	private final SecureRandom random = new SecureRandom();

	private final Map<String, Grant> grants = new ConcurrentHashMap<>();

	private final Map<String, AtomicLong> exchanges = new ConcurrentHashMap<>();

	private final Clock clock;

	private final Duration lifetime;

	private volatile String canary = "";

	EmulatedProviderTokens(Clock clock, Duration lifetime) {
		this.clock = clock;
		this.lifetime = lifetime;
	}

	/**
	 * Issues a token, counting the exchange.
	 * @param user the sandbox user name
	 * @param connection the connection
	 * @return the grant, with the token and its expiry
	 */
	Grant issue(String user, String connection) {
		byte[] bytes = new byte[24];
		this.random.nextBytes(bytes);
		String prefix = this.canary + (connection.equals("github") ? "gho_" : "ya29.");
		String token = prefix + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
		Grant grant = new Grant(token, user, connection, this.clock.instant().plus(this.lifetime));
		this.grants.put(token, grant);
		this.exchanges.computeIfAbsent(key(user, connection), (key) -> new AtomicLong()).incrementAndGet();
		return grant;
	}

	/**
	 * Starts every token issued from now on with a marker, so that a test can search
	 * logs, metrics, the audit trail and MCP answers for any provider token.
	 * @param marker letters and digits
	 */
	void plantCanary(String marker) {
		if (!marker.matches("[A-Za-z0-9]+")) {
			throw new IllegalArgumentException("marker must be letters and digits, but was " + marker);
		}
		this.canary = marker;
	}

	/**
	 * The grant behind a token presented to an emulated provider.
	 * @param token the bearer token
	 * @param connection the connection of the API it was presented to
	 * @return the grant, or empty when the token is unknown, expired, or for another
	 * connection
	 */
	Optional<Grant> check(String token, String connection) {
		Grant grant = this.grants.get(token);
		if (grant == null || !grant.connection().equals(connection)) {
			return Optional.empty();
		}
		if (!this.clock.instant().isBefore(grant.expiresAt())) {
			this.grants.remove(token);
			return Optional.empty();
		}
		return Optional.of(grant);
	}

	/**
	 * How many exchanges were made for a user and connection.
	 * @param user the sandbox user name
	 * @param connection the connection
	 * @return the count
	 */
	long exchangeCount(String user, String connection) {
		AtomicLong count = this.exchanges.get(key(user, connection));
		return (count != null) ? count.get() : 0;
	}

	/**
	 * Every token value ever issued and still known, for tests that search for leaks.
	 * @return the token values
	 */
	java.util.Set<String> issuedTokens() {
		return java.util.Set.copyOf(this.grants.keySet());
	}

	Duration lifetime() {
		return this.lifetime;
	}

	private static String key(String user, String connection) {
		return user + "\n" + connection;
	}

	/**
	 * An issued provider token.
	 *
	 * @param token the opaque token
	 * @param user the sandbox user name
	 * @param connection the connection
	 * @param expiresAt when it stops working
	 */
	record Grant(String token, String user, String connection, Instant expiresAt) {

		@Override
		public String toString() {
			return "Grant[token=[redacted], user=" + this.user + ", connection=" + this.connection + ", expiresAt="
					+ this.expiresAt + "]";
		}

	}

}
