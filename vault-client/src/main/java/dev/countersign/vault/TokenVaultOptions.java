package dev.countersign.vault;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * Immutable settings of a {@link TokenVaultClient}. Build with
 * {@link #builder(URI, String)}; the token endpoint, client id and client secret are
 * required, everything else has a default:
 * <ul>
 * <li>client authentication: {@link #DEFAULT_CLIENT_AUTHENTICATION_METHOD}
 * ({@code client_secret_post}, as Auth0 expects);</li>
 * <li>dialect: {@link #DEFAULT_DIALECT} (Auth0 Token Vault);</li>
 * <li>connect timeout: {@link #DEFAULT_CONNECT_TIMEOUT} (2 s); read timeout:
 * {@link #DEFAULT_READ_TIMEOUT} (5 s);</li>
 * <li>clock: {@link Clock#systemUTC()}, used to turn {@code expires_in} into an
 * instant.</li>
 * </ul>
 * {@link #toString()} never prints the client secret. Instances are thread-safe.
 */
public final class TokenVaultOptions {

	/**
	 * Default time allowed to open the connection to the token endpoint: 2 seconds.
	 */
	public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(2);

	/**
	 * Default time allowed to wait for the token endpoint's answer: 5 seconds.
	 */
	public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(5);

	/**
	 * Default dialect: {@link TokenExchangeDialect#AUTH0}.
	 */
	public static final TokenExchangeDialect DEFAULT_DIALECT = TokenExchangeDialect.AUTH0;

	/**
	 * Default client authentication:
	 * {@link ClientAuthenticationMethod#CLIENT_SECRET_POST}.
	 */
	public static final ClientAuthenticationMethod DEFAULT_CLIENT_AUTHENTICATION_METHOD = ClientAuthenticationMethod.CLIENT_SECRET_POST;

	private final URI tokenEndpoint;

	private final String clientId;

	private final String clientSecret;

	private final ClientAuthenticationMethod clientAuthenticationMethod;

	private final TokenExchangeDialect dialect;

	private final Duration connectTimeout;

	private final Duration readTimeout;

	private final Clock clock;

	private TokenVaultOptions(Builder builder, String clientSecret) {
		this.tokenEndpoint = builder.tokenEndpoint;
		this.clientId = builder.clientId;
		this.clientSecret = clientSecret;
		this.clientAuthenticationMethod = builder.clientAuthenticationMethod;
		this.dialect = builder.dialect;
		this.connectTimeout = builder.connectTimeout;
		this.readTimeout = builder.readTimeout;
		this.clock = builder.clock;
	}

	/**
	 * Start building options.
	 * @param tokenEndpoint the absolute token endpoint, e.g.
	 * {@code https://tenant.eu.auth0.com/oauth/token}
	 * @param clientId the client id (for Auth0 access token exchange: the Custom API
	 * Client's)
	 * @return a new builder
	 * @throws NullPointerException if an argument is {@code null}
	 * @throws IllegalArgumentException if the endpoint is not an absolute http(s) URI or
	 * the client id is blank
	 */
	public static Builder builder(URI tokenEndpoint, String clientId) {
		return new Builder(tokenEndpoint, clientId);
	}

	/**
	 * Return the token endpoint.
	 * @return the absolute token endpoint URI
	 */
	public URI tokenEndpoint() {
		return this.tokenEndpoint;
	}

	/**
	 * Return the client id.
	 * @return the client id
	 */
	public String clientId() {
		return this.clientId;
	}

	/**
	 * The client secret; package-private so that it does not leak through the API.
	 */
	String clientSecret() {
		return this.clientSecret;
	}

	/**
	 * Return how the client authenticates.
	 * @return the client authentication method
	 */
	public ClientAuthenticationMethod clientAuthenticationMethod() {
		return this.clientAuthenticationMethod;
	}

	/**
	 * Return the exchange dialect.
	 * @return the dialect
	 */
	public TokenExchangeDialect dialect() {
		return this.dialect;
	}

	/**
	 * Return the connect timeout.
	 * @return the connect timeout, positive
	 */
	public Duration connectTimeout() {
		return this.connectTimeout;
	}

	/**
	 * Return the read timeout.
	 * @return the read timeout, positive
	 */
	public Duration readTimeout() {
		return this.readTimeout;
	}

	/**
	 * Return the clock used to compute {@link ProviderToken#expiresAt()}.
	 * @return the clock
	 */
	public Clock clock() {
		return this.clock;
	}

	@Override
	public String toString() {
		return "TokenVaultOptions[tokenEndpoint=" + this.tokenEndpoint + ", clientId=" + this.clientId
				+ ", client_secret=[redacted], clientAuthenticationMethod=" + this.clientAuthenticationMethod
				+ ", dialect=" + this.dialect + ", connectTimeout=" + this.connectTimeout + ", readTimeout="
				+ this.readTimeout + "]";
	}

	/**
	 * Builder for {@link TokenVaultOptions}. Not thread-safe.
	 */
	public static final class Builder {

		private final URI tokenEndpoint;

		private final String clientId;

		private @Nullable String clientSecret;

		private ClientAuthenticationMethod clientAuthenticationMethod = DEFAULT_CLIENT_AUTHENTICATION_METHOD;

		private TokenExchangeDialect dialect = DEFAULT_DIALECT;

		private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;

		private Duration readTimeout = DEFAULT_READ_TIMEOUT;

		private Clock clock = Clock.systemUTC();

		private Builder(URI tokenEndpoint, String clientId) {
			Objects.requireNonNull(tokenEndpoint, "tokenEndpoint must not be null");
			Objects.requireNonNull(clientId, "clientId must not be null");
			String scheme = tokenEndpoint.getScheme();
			if (!tokenEndpoint.isAbsolute() || !("https".equalsIgnoreCase(scheme) || "http".equalsIgnoreCase(scheme))) {
				throw new IllegalArgumentException(
						"tokenEndpoint must be an absolute http(s) URI, but was " + tokenEndpoint);
			}
			if (clientId.isBlank()) {
				throw new IllegalArgumentException("clientId must not be blank");
			}
			this.tokenEndpoint = tokenEndpoint;
			this.clientId = clientId;
		}

		/**
		 * Set the client secret. Required.
		 * @param clientSecret the client secret
		 * @return this builder
		 * @throws IllegalArgumentException if the secret is blank (the value is not
		 * echoed)
		 */
		public Builder clientSecret(String clientSecret) {
			Objects.requireNonNull(clientSecret, "clientSecret must not be null");
			if (clientSecret.isBlank()) {
				throw new IllegalArgumentException("clientSecret must not be blank");
			}
			this.clientSecret = clientSecret;
			return this;
		}

		/**
		 * Set how the client secret is presented. Default
		 * {@link #DEFAULT_CLIENT_AUTHENTICATION_METHOD}.
		 * @param method the method
		 * @return this builder
		 */
		public Builder clientAuthenticationMethod(ClientAuthenticationMethod method) {
			this.clientAuthenticationMethod = Objects.requireNonNull(method,
					"clientAuthenticationMethod must not be null");
			return this;
		}

		/**
		 * Set the exchange dialect. Default {@link #DEFAULT_DIALECT}.
		 * @param dialect the dialect
		 * @return this builder
		 */
		public Builder dialect(TokenExchangeDialect dialect) {
			this.dialect = Objects.requireNonNull(dialect, "dialect must not be null");
			return this;
		}

		/**
		 * Set the connect timeout. Default {@link #DEFAULT_CONNECT_TIMEOUT}.
		 * @param connectTimeout a positive duration of at most {@link Integer#MAX_VALUE}
		 * milliseconds
		 * @return this builder
		 */
		public Builder connectTimeout(Duration connectTimeout) {
			this.connectTimeout = requireTimeout("connectTimeout", connectTimeout);
			return this;
		}

		/**
		 * Set the read timeout. Default {@link #DEFAULT_READ_TIMEOUT}.
		 * @param readTimeout a positive duration of at most {@link Integer#MAX_VALUE}
		 * milliseconds
		 * @return this builder
		 */
		public Builder readTimeout(Duration readTimeout) {
			this.readTimeout = requireTimeout("readTimeout", readTimeout);
			return this;
		}

		/**
		 * Set the clock. Default {@link Clock#systemUTC()}.
		 * @param clock the clock
		 * @return this builder
		 */
		public Builder clock(Clock clock) {
			this.clock = Objects.requireNonNull(clock, "clock must not be null");
			return this;
		}

		/**
		 * Build the options.
		 * @return the options
		 * @throws IllegalStateException if no client secret was set
		 */
		public TokenVaultOptions build() {
			String secret = this.clientSecret;
			if (secret == null) {
				throw new IllegalStateException("clientSecret must be set");
			}
			return new TokenVaultOptions(this, secret);
		}

		private static Duration requireTimeout(String name, Duration timeout) {
			Objects.requireNonNull(timeout, name + " must not be null");
			if (timeout.isNegative() || timeout.isZero()) {
				throw new IllegalArgumentException(name + " must be positive, but was " + timeout);
			}
			if (timeout.compareTo(Duration.ofMillis(Integer.MAX_VALUE)) > 0) {
				throw new IllegalArgumentException(
						name + " must be at most " + Integer.MAX_VALUE + " ms, but was " + timeout);
			}
			return timeout;
		}

	}

}
