package dev.countersign.vault;

import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * One token exchange (RFC 8693 §2.1; Auth0 "Token Vault token exchange"). Which fields
 * are sent depends on the client's {@link TokenExchangeDialect}:
 * <ul>
 * <li>{@link TokenExchangeDialect#AUTH0}: {@code subjectToken}, {@code subjectTokenType},
 * {@code connection} and the optional {@code loginHint}. {@code requestedTokenType},
 * {@code audiences} and {@code resources} MUST be unset: the client refuses them.</li>
 * <li>{@link TokenExchangeDialect#STANDARD}: {@code subjectToken},
 * {@code subjectTokenType} and the optional {@code requestedTokenType}, {@code audiences}
 * and {@code resources}. {@code connection} is not sent, it only names the result;
 * {@code loginHint} MUST be unset.</li>
 * </ul>
 * There is deliberately no {@code scope}: Countersign enforces least privilege itself,
 * per tool. {@link #toString()} never prints the subject token. The constructor throws
 * {@link NullPointerException} for a {@code null} required component and
 * {@link IllegalArgumentException} for a blank value or a URI unfit for its field.
 *
 * @param subjectToken the token to exchange, not blank
 * @param subjectTokenType what the subject token is
 * @param connection the provider connection, e.g. {@code google-oauth2} or
 * {@code github}; not blank
 * @param loginHint which of the user's identities on the connection to use, or
 * {@code null}
 * @param requestedTokenType the RFC 8693 {@code requested_token_type}, or {@code null}
 * @param audiences the RFC 8693 {@code audience} values, possibly empty
 * @param resources the RFC 8707 {@code resource} values (absolute URIs without fragment),
 * possibly empty
 */
public record TokenExchangeRequest(String subjectToken, SubjectTokenType subjectTokenType, String connection,
		@Nullable String loginHint, @Nullable URI requestedTokenType, List<String> audiences, List<URI> resources) {

	public TokenExchangeRequest {
		Objects.requireNonNull(subjectToken, "subjectToken must not be null");
		Objects.requireNonNull(subjectTokenType, "subjectTokenType must not be null");
		Objects.requireNonNull(connection, "connection must not be null");
		Objects.requireNonNull(audiences, "audiences must not be null");
		Objects.requireNonNull(resources, "resources must not be null");
		if (subjectToken.isBlank()) {
			throw new IllegalArgumentException("subjectToken must not be blank");
		}
		if (connection.isBlank()) {
			throw new IllegalArgumentException("connection must not be blank");
		}
		if (loginHint != null && loginHint.isBlank()) {
			throw new IllegalArgumentException("loginHint must not be blank when set");
		}
		if (requestedTokenType != null && !requestedTokenType.isAbsolute()) {
			throw new IllegalArgumentException(
					"requestedTokenType must be an absolute URI, but was " + requestedTokenType);
		}
		audiences = List.copyOf(audiences);
		for (String audience : audiences) {
			if (audience.isBlank()) {
				throw new IllegalArgumentException("audiences must not contain a blank value");
			}
		}
		resources = List.copyOf(resources);
		for (URI resource : resources) {
			// RFC 8707 §2: an absolute URI that MUST NOT include a fragment
			if (!resource.isAbsolute() || resource.getRawFragment() != null) {
				throw new IllegalArgumentException(
						"resources must be absolute URIs without fragment, but was " + resource);
			}
		}
	}

	/**
	 * Create the usual read exchange: the caller's access token for a provider token of
	 * {@code connection}.
	 * @param subjectToken the caller's access token
	 * @param connection the connection, e.g. {@code github}
	 * @return the request
	 */
	public static TokenExchangeRequest of(String subjectToken, String connection) {
		return builder(subjectToken, connection).build();
	}

	/**
	 * Start building a request; the subject token type defaults to
	 * {@link SubjectTokenType#ACCESS_TOKEN}.
	 * @param subjectToken the token to exchange
	 * @param connection the connection the result is for
	 * @return a new builder
	 */
	public static Builder builder(String subjectToken, String connection) {
		return new Builder(subjectToken, connection);
	}

	@Override
	public String toString() {
		return "TokenExchangeRequest[subject_token=[redacted], subjectTokenType=" + this.subjectTokenType
				+ ", connection=" + this.connection + ", loginHint=" + this.loginHint + ", requestedTokenType="
				+ this.requestedTokenType + ", audiences=" + this.audiences + ", resources=" + this.resources + "]";
	}

	/**
	 * Builder for {@link TokenExchangeRequest}. Not thread-safe.
	 */
	public static final class Builder {

		private final String subjectToken;

		private final String connection;

		private SubjectTokenType subjectTokenType = SubjectTokenType.ACCESS_TOKEN;

		private @Nullable String loginHint;

		private @Nullable URI requestedTokenType;

		private final List<String> audiences = new ArrayList<>();

		private final List<URI> resources = new ArrayList<>();

		private Builder(String subjectToken, String connection) {
			this.subjectToken = Objects.requireNonNull(subjectToken, "subjectToken must not be null");
			this.connection = Objects.requireNonNull(connection, "connection must not be null");
		}

		/**
		 * Set the subject token type. Default {@link SubjectTokenType#ACCESS_TOKEN}.
		 * @param subjectTokenType the type
		 * @return this builder
		 */
		public Builder subjectTokenType(SubjectTokenType subjectTokenType) {
			this.subjectTokenType = Objects.requireNonNull(subjectTokenType, "subjectTokenType must not be null");
			return this;
		}

		/**
		 * Set the Auth0 {@code login_hint} (AUTH0 dialect only).
		 * @param loginHint the hint, or {@code null} for none
		 * @return this builder
		 */
		public Builder loginHint(@Nullable String loginHint) {
			this.loginHint = loginHint;
			return this;
		}

		/**
		 * Set the RFC 8693 {@code requested_token_type} (STANDARD dialect only).
		 * @param requestedTokenType the token type URI, or {@code null} for none
		 * @return this builder
		 */
		public Builder requestedTokenType(@Nullable URI requestedTokenType) {
			this.requestedTokenType = requestedTokenType;
			return this;
		}

		/**
		 * Add RFC 8693 {@code audience} values (STANDARD dialect only).
		 * @param audiences the audiences
		 * @return this builder
		 */
		public Builder audience(String... audiences) {
			this.audiences.addAll(Arrays.asList(audiences));
			return this;
		}

		/**
		 * Add RFC 8707 {@code resource} values (STANDARD dialect only).
		 * @param resources absolute URIs without fragment
		 * @return this builder
		 */
		public Builder resource(URI... resources) {
			this.resources.addAll(Arrays.asList(resources));
			return this;
		}

		/**
		 * Build the request.
		 * @return the request
		 * @throws IllegalArgumentException if a value is invalid
		 */
		public TokenExchangeRequest build() {
			return new TokenExchangeRequest(this.subjectToken, this.subjectTokenType, this.connection, this.loginHint,
					this.requestedTokenType, this.audiences, this.resources);
		}

	}

}
