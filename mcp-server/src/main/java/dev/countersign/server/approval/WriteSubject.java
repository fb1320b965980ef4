package dev.countersign.server.approval;

import java.util.Objects;

import reactor.core.publisher.Mono;

import dev.countersign.policy.approval.Batch;
import dev.countersign.vault.SubjectTokenType;
import dev.countersign.vault.TokenVaultClient;

/**
 * Which token is the subject of the Token Vault exchanges that run an approved batch
 * ({@code countersign.vault.write-subject}, DESIGN §3 Writes). {@link BatchExecutor} asks
 * for it once per batch, only AFTER every approval check passed and the batch was
 * claimed, and only when the batch writes through a provider connection.
 */
public interface WriteSubject {

	/**
	 * The setting's value this subject stands for, as recorded in the audit trail.
	 * @return {@code ciba-token} or {@code refresh-token}
	 */
	String name();

	/**
	 * The subject token for a batch.
	 * @param batch the claimed batch
	 * @param approvedToken the validated CIBA access token of the approval
	 * @return the token; an error {@link SubjectUnavailableException} saying what the
	 * user must do when there is none
	 */
	Mono<Token> resolve(Batch batch, String approvedToken);

	/**
	 * The client that exchanges this subject. Auth0 lets only the application a refresh
	 * token was issued to exchange it, so {@code refresh-token} answers a client with the
	 * console client's credentials; {@code ciba-token} keeps the configured one.
	 * @param configured the Token Vault client of {@code countersign.vault.*}
	 * @return the client to exchange with
	 */
	default TokenVaultClient exchangeClient(TokenVaultClient configured) {
		return configured;
	}

	/**
	 * The approved CIBA access token is the subject ({@code ciba-token}, the default).
	 * @return the subject
	 */
	static WriteSubject cibaToken() {
		return new WriteSubject() {

			@Override
			public String name() {
				return WriteSubjectProperties.CIBA_TOKEN;
			}

			@Override
			public Mono<Token> resolve(Batch batch, String approvedToken) {
				return Mono.just(new Token(approvedToken, SubjectTokenType.ACCESS_TOKEN));
			}

			@Override
			public String toString() {
				return "WriteSubject[ciba-token]";
			}

		};
	}

	/**
	 * A subject token: lives in the executor's local variables for one batch, never
	 * stored, logged or returned. {@link #toString()} never prints it.
	 *
	 * @param value the token
	 * @param type what it is, sent as {@code subject_token_type}
	 */
	record Token(String value, SubjectTokenType type) {

		public Token {
			Objects.requireNonNull(value, "value must not be null");
			Objects.requireNonNull(type, "type must not be null");
		}

		@Override
		public String toString() {
			return "Token[value=[redacted], type=" + this.type + "]";
		}

	}

}
