package dev.countersign.server.console;

import java.util.Objects;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import dev.countersign.policy.account.RefreshTokenCipher;
import dev.countersign.policy.account.RefreshTokenStore;
import dev.countersign.policy.account.RefreshTokenUnreadableException;
import dev.countersign.policy.approval.Batch;
import dev.countersign.server.approval.SubjectUnavailableException;
import dev.countersign.server.approval.WriteSubject;
import dev.countersign.server.approval.WriteSubjectProperties;
import dev.countersign.vault.SubjectTokenType;
import dev.countersign.vault.TokenVaultClient;

/**
 * The user's stored refresh token as the subject of write exchanges
 * ({@code countersign.vault.write-subject=refresh-token}): loaded from the store and
 * opened once per batch, after the approval checks passed. No stored token, or one that
 * cannot be opened, is a {@link SubjectUnavailableException} whose message tells the user
 * to sign in at the console. The opened token is handed to the executor only; it is never
 * logged. Thread-safe.
 */
public final class RefreshTokenSubject implements WriteSubject {

	private static final Logger logger = LoggerFactory.getLogger(RefreshTokenSubject.class);

	private final RefreshTokenStore store;

	private final RefreshTokenCipher cipher;

	private final String signInSentence;

	private final @Nullable TokenVaultClient client;

	/**
	 * Creates the subject, exchanged by the configured Token Vault client.
	 * @param store where sealed tokens are
	 * @param cipher opens them
	 * @param signInUrl where users sign in to the console, named in the failure sentence
	 */
	public RefreshTokenSubject(RefreshTokenStore store, RefreshTokenCipher cipher, String signInUrl) {
		this(store, cipher, signInUrl, null);
	}

	/**
	 * Creates the subject.
	 * @param store where sealed tokens are
	 * @param cipher opens them
	 * @param signInUrl where users sign in to the console, named in the failure sentence
	 * @param client the client the refresh tokens were issued to (Auth0 lets only it
	 * exchange them), or null for the configured Token Vault client
	 */
	public RefreshTokenSubject(RefreshTokenStore store, RefreshTokenCipher cipher, String signInUrl,
			@Nullable TokenVaultClient client) {
		this.client = client;
		this.store = Objects.requireNonNull(store, "store must not be null");
		this.cipher = Objects.requireNonNull(cipher, "cipher must not be null");
		this.signInSentence = signInSentence(Objects.requireNonNull(signInUrl, "signInUrl must not be null"));
	}

	/**
	 * The sentence an action gets when its user has no stored refresh token.
	 * @param signInUrl where users sign in
	 * @return the sentence
	 */
	public static String signInSentence(String signInUrl) {
		return "sign in to the Countersign console at " + signInUrl + " so Countersign can run approved writes";
	}

	@Override
	public TokenVaultClient exchangeClient(TokenVaultClient configured) {
		return (this.client != null) ? this.client : configured;
	}

	@Override
	public String name() {
		return WriteSubjectProperties.REFRESH_TOKEN;
	}

	@Override
	public Mono<Token> resolve(Batch batch, String approvedToken) {
		return this.store.find(batch.user())
			.switchIfEmpty(Mono.error(() -> new SubjectUnavailableException(this.signInSentence)))
			.map((stored) -> {
				try {
					// the opened token goes straight into the Token: never kept here
					return new Token(this.cipher.open(stored), SubjectTokenType.REFRESH_TOKEN);
				}
				catch (RefreshTokenUnreadableException ex) {
					logger.warn("Batch {}: {}", batch.id(), ex.getMessage());
					throw new SubjectUnavailableException(
							"the stored console sign-in could not be read; " + this.signInSentence);
				}
			});
	}

	@Override
	public String toString() {
		return "RefreshTokenSubject[store=" + this.store + ", cipher=" + this.cipher + "]";
	}

}
