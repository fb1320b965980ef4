package dev.countersign.examples.sandbox;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which provider accounts each sandbox user has connected, as Token Vault and the My
 * Account API see them. A user starts as {@link SandboxUsers#connections(String)} says
 * ({@code grace} with nothing, everyone else with Google and GitHub); connecting and
 * disconnecting through {@link EmulatedMyAccount} change it. Thread-safe.
 */
final class SandboxConnectedAccounts {

	private final Clock clock;

	private final SecureRandom random = new SecureRandom();

	private final Map<String, Map<String, Account>> users = new ConcurrentHashMap<>();

	SandboxConnectedAccounts(Clock clock) {
		this.clock = clock;
	}

	/**
	 * A connected account.
	 *
	 * @param id its id, as the My Account API names it
	 * @param connection its connection
	 * @param createdAt when it was connected
	 */
	record Account(String id, String connection, Instant createdAt) {
	}

	/**
	 * The connections a user has linked.
	 * @param user the sandbox user name
	 * @return connection names
	 */
	Set<String> connections(String user) {
		return Set.copyOf(accounts(user).keySet());
	}

	/**
	 * The user's connected accounts.
	 * @param user the sandbox user name
	 * @return the accounts, by connection
	 */
	List<Account> list(String user) {
		return List.copyOf(accounts(user).values());
	}

	/**
	 * Connects (or reconnects) an account.
	 * @param user the sandbox user name
	 * @param connection the connection
	 * @return the account
	 */
	Account connect(String user, String connection) {
		Account account = new Account(id(), connection, this.clock.instant());
		accounts(user).put(connection, account);
		return account;
	}

	/**
	 * Removes an account by its id.
	 * @param user the sandbox user name
	 * @param id the account id
	 * @return the removed account, or empty when the user has none with that id
	 */
	Optional<Account> remove(String user, String id) {
		Map<String, Account> accounts = accounts(user);
		for (Account account : accounts.values()) {
			if (account.id().equals(id) && accounts.remove(account.connection(), account)) {
				return Optional.of(account);
			}
		}
		return Optional.empty();
	}

	private Map<String, Account> accounts(String user) {
		return this.users.computeIfAbsent(user, (name) -> {
			Map<String, Account> seeded = new ConcurrentHashMap<>();
			for (String connection : SandboxUsers.connections(name)) {
				seeded.put(connection, new Account(id(), connection, this.clock.instant()));
			}
			return seeded;
		});
	}

	private String id() {
		byte[] bytes = new byte[12];
		this.random.nextBytes(bytes);
		return "cac_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
	}

}
