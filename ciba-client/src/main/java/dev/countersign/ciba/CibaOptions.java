package dev.countersign.ciba;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * Immutable settings of a {@link CibaClient}: the dialect and its endpoints, the client
 * credentials, time-outs, the start-retry budget, and the {@link Clock} and
 * {@link Sleeper} that time is read and spent with. {@link #toString()} never shows the
 * secret.
 *
 * <pre>{@code
 * CibaOptions auth0 = CibaOptions.auth0("countersign.eu.auth0.com", clientId, clientSecret);
 * CibaOptions keycloak = CibaOptions.builder(clientId, clientSecret)
 *     .oidcIssuer(URI.create("https://sso.example.com/realms/main"))
 *     .clientAuthentication(ClientAuthentication.CLIENT_SECRET_BASIC)
 *     .readTimeout(Duration.ofSeconds(5))
 *     .build();
 * }</pre>
 */
public final class CibaOptions {

	/** Time allowed to open a connection: 5 s. */
	public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);

	/** Time allowed for an answer once a request is under way: 10 s. */
	public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(10);

	/**
	 * Most tries of one start request, the first included: 3 (DESIGN §4, and inside
	 * Auth0's 5 requests per minute per user). Also the largest value allowed.
	 */
	public static final int DEFAULT_MAX_START_ATTEMPTS = 3;

	/**
	 * Wait before the second try of a start request when the server named none: 2 s,
	 * doubled after.
	 */
	public static final Duration DEFAULT_START_BACKOFF = Duration.ofSeconds(2);

	/**
	 * Longest {@code Retry-After} a start request waits for: 20 s. A longer one ends the
	 * tries with a {@link CibaUnavailableException} that carries it.
	 */
	public static final Duration DEFAULT_MAX_RETRY_AFTER = Duration.ofSeconds(20);

	/** Auth0's largest {@code requested_expiry} that still sends a push: 300 s. */
	public static final Duration AUTH0_MAX_REQUESTED_EXPIRY = Duration.ofSeconds(300);

	private final String clientId;

	private final String clientSecret;

	private final CibaDialect dialect;

	private final @Nullable String auth0Base;

	private final @Nullable URI issuer;

	private final @Nullable URI backchannelAuthenticationEndpoint;

	private final @Nullable URI tokenEndpoint;

	private final ClientAuthentication clientAuthentication;

	private final @Nullable BindingMessageProfile bindingMessageProfile;

	private final Duration connectTimeout;

	private final Duration readTimeout;

	private final int maxStartAttempts;

	private final Duration startBackoff;

	private final Duration maxRetryAfter;

	private final Clock clock;

	private final Sleeper sleeper;

	private CibaOptions(Builder builder, CibaDialect dialect) {
		this.clientId = builder.clientId;
		this.clientSecret = builder.clientSecret;
		this.dialect = dialect;
		this.auth0Base = builder.auth0Base;
		this.issuer = builder.issuer;
		this.backchannelAuthenticationEndpoint = builder.backchannelAuthenticationEndpoint;
		this.tokenEndpoint = builder.tokenEndpoint;
		this.clientAuthentication = builder.clientAuthentication;
		this.bindingMessageProfile = (builder.bindingMessageProfileSet) ? builder.bindingMessageProfile
				: (dialect == CibaDialect.AUTH0) ? BindingMessageProfile.AUTH0 : null;
		this.connectTimeout = builder.connectTimeout;
		this.readTimeout = builder.readTimeout;
		this.maxStartAttempts = builder.maxStartAttempts;
		this.startBackoff = builder.startBackoff;
		this.maxRetryAfter = builder.maxRetryAfter;
		this.clock = builder.clock;
		this.sleeper = builder.sleeper;
	}

	/**
	 * Options for an Auth0 tenant, with every default.
	 * @param domain the tenant domain ({@code countersign.eu.auth0.com}, a custom
	 * domain), or a base URL such as {@code http://127.0.0.1:8080/auth0/} for an emulated
	 * tenant
	 * @param clientId the CIBA client's id
	 * @param clientSecret the CIBA client's secret
	 * @return the options
	 */
	public static CibaOptions auth0(String domain, String clientId, String clientSecret) {
		return builder(clientId, clientSecret).auth0(domain).build();
	}

	/**
	 * Options for a standard OIDC provider found by discovery, with every default.
	 * @param issuer the issuer identifier
	 * @param clientId the client's id
	 * @param clientSecret the client's secret
	 * @return the options
	 */
	public static CibaOptions oidc(URI issuer, String clientId, String clientSecret) {
		return builder(clientId, clientSecret).oidcIssuer(issuer).build();
	}

	/**
	 * Start building options; choose a dialect with {@link Builder#auth0(String)},
	 * {@link Builder#oidcIssuer(URI)} or {@link Builder#oidcEndpoints(URI, URI)}.
	 * @param clientId the client's id
	 * @param clientSecret the client's secret
	 * @return a builder
	 */
	public static Builder builder(String clientId, String clientSecret) {
		return new Builder(clientId, clientSecret);
	}

	/**
	 * The client's id.
	 * @return the {@code client_id}
	 */
	public String clientId() {
		return this.clientId;
	}

	String clientSecret() {
		return this.clientSecret;
	}

	/**
	 * The dialect.
	 * @return how the server speaks CIBA
	 */
	public CibaDialect dialect() {
		return this.dialect;
	}

	/**
	 * For {@link CibaDialect#AUTH0}: the tenant's base URL, ending with {@code /}; it is
	 * also the {@code iss} of the login hint.
	 * @return the base URL, or {@code null} for the standard dialect
	 */
	public @Nullable String auth0Base() {
		return this.auth0Base;
	}

	/**
	 * For {@link CibaDialect#STANDARD} with discovery: the issuer.
	 * @return the issuer, or {@code null} when the endpoints were given or for Auth0
	 */
	public @Nullable URI issuer() {
		return this.issuer;
	}

	@Nullable URI backchannelAuthenticationEndpoint() {
		return this.backchannelAuthenticationEndpoint;
	}

	@Nullable URI tokenEndpoint() {
		return this.tokenEndpoint;
	}

	/**
	 * How the client authenticates.
	 * @return the method; {@link ClientAuthentication#CLIENT_SECRET_POST} by default
	 */
	public ClientAuthentication clientAuthentication() {
		return this.clientAuthentication;
	}

	/**
	 * The profile every {@code binding_message} is sanitised with.
	 * @return the profile, {@link BindingMessageProfile#AUTH0} by default for Auth0, or
	 * {@code null} when messages are sent as they are (the standard dialect's default)
	 */
	public @Nullable BindingMessageProfile bindingMessageProfile() {
		return this.bindingMessageProfile;
	}

	/**
	 * The connect time-out.
	 * @return {@link #DEFAULT_CONNECT_TIMEOUT} unless set
	 */
	public Duration connectTimeout() {
		return this.connectTimeout;
	}

	/**
	 * The read time-out.
	 * @return {@link #DEFAULT_READ_TIMEOUT} unless set
	 */
	public Duration readTimeout() {
		return this.readTimeout;
	}

	/**
	 * The most tries of one start request.
	 * @return {@link #DEFAULT_MAX_START_ATTEMPTS} unless set
	 */
	public int maxStartAttempts() {
		return this.maxStartAttempts;
	}

	/**
	 * The first back-off between start tries.
	 * @return {@link #DEFAULT_START_BACKOFF} unless set
	 */
	public Duration startBackoff() {
		return this.startBackoff;
	}

	/**
	 * The longest {@code Retry-After} a start request waits for.
	 * @return {@link #DEFAULT_MAX_RETRY_AFTER} unless set
	 */
	public Duration maxRetryAfter() {
		return this.maxRetryAfter;
	}

	/**
	 * The clock.
	 * @return the system UTC clock unless set
	 */
	public Clock clock() {
		return this.clock;
	}

	/**
	 * The sleeper.
	 * @return {@link Sleeper#system()} unless set
	 */
	public Sleeper sleeper() {
		return this.sleeper;
	}

	@Override
	public String toString() {
		return "CibaOptions[dialect=" + this.dialect + ", clientId=" + this.clientId + ", clientSecret=<redacted>"
				+ ", auth0Base=" + this.auth0Base + ", issuer=" + this.issuer + ", backchannelAuthenticationEndpoint="
				+ this.backchannelAuthenticationEndpoint + ", tokenEndpoint=" + this.tokenEndpoint + "]";
	}

	static String auth0BaseOf(String domain) {
		String trimmed = domain.strip();
		String url = (trimmed.startsWith("https://") || trimmed.startsWith("http://")) ? trimmed : "https://" + trimmed;
		URI uri;
		try {
			uri = new URI(url);
		}
		catch (URISyntaxException ex) {
			throw new IllegalArgumentException("domain must be a host name or a base URL, but was " + domain, ex);
		}
		if (uri.getHost() == null || uri.getRawQuery() != null || uri.getRawFragment() != null
				|| uri.getRawUserInfo() != null) {
			throw new IllegalArgumentException("domain must be a host name or a base URL, but was " + domain);
		}
		return url.endsWith("/") ? url : url + "/";
	}

	/**
	 * Builds {@link CibaOptions}. Not thread-safe.
	 */
	public static final class Builder {

		private final String clientId;

		private final String clientSecret;

		private @Nullable CibaDialect dialect;

		private @Nullable String auth0Base;

		private @Nullable URI issuer;

		private @Nullable URI backchannelAuthenticationEndpoint;

		private @Nullable URI tokenEndpoint;

		private ClientAuthentication clientAuthentication = ClientAuthentication.CLIENT_SECRET_POST;

		private @Nullable BindingMessageProfile bindingMessageProfile;

		private boolean bindingMessageProfileSet;

		private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;

		private Duration readTimeout = DEFAULT_READ_TIMEOUT;

		private int maxStartAttempts = DEFAULT_MAX_START_ATTEMPTS;

		private Duration startBackoff = DEFAULT_START_BACKOFF;

		private Duration maxRetryAfter = DEFAULT_MAX_RETRY_AFTER;

		private Clock clock = Clock.systemUTC();

		private Sleeper sleeper = Sleeper.system();

		private Builder(String clientId, String clientSecret) {
			this.clientId = Objects.requireNonNull(clientId, "clientId must not be null");
			this.clientSecret = Objects.requireNonNull(clientSecret, "clientSecret must not be null");
			if (clientId.isBlank()) {
				throw new IllegalArgumentException("clientId must not be blank");
			}
		}

		/**
		 * Use the Auth0 dialect: {@code {base}bc-authorize} and
		 * {@code {base}oauth/token}.
		 * @param domain the tenant domain, or a base URL for an emulated tenant
		 * @return this builder
		 */
		public Builder auth0(String domain) {
			Objects.requireNonNull(domain, "domain must not be null");
			this.dialect = CibaDialect.AUTH0;
			this.auth0Base = auth0BaseOf(domain);
			this.issuer = null;
			this.backchannelAuthenticationEndpoint = URI.create(this.auth0Base + "bc-authorize");
			this.tokenEndpoint = URI.create(this.auth0Base + "oauth/token");
			return this;
		}

		/**
		 * Use the standard dialect with endpoints from
		 * {@code {issuer}/.well-known/openid-configuration}, read on first use.
		 * @param issuer the issuer identifier
		 * @return this builder
		 */
		public Builder oidcIssuer(URI issuer) {
			Objects.requireNonNull(issuer, "issuer must not be null");
			this.dialect = CibaDialect.STANDARD;
			this.auth0Base = null;
			this.issuer = issuer;
			this.backchannelAuthenticationEndpoint = null;
			this.tokenEndpoint = null;
			return this;
		}

		/**
		 * Use the standard dialect with known endpoints, without discovery.
		 * @param backchannelAuthenticationEndpoint the backchannel authentication
		 * endpoint
		 * @param tokenEndpoint the token endpoint
		 * @return this builder
		 */
		public Builder oidcEndpoints(URI backchannelAuthenticationEndpoint, URI tokenEndpoint) {
			this.dialect = CibaDialect.STANDARD;
			this.auth0Base = null;
			this.issuer = null;
			this.backchannelAuthenticationEndpoint = Objects.requireNonNull(backchannelAuthenticationEndpoint,
					"backchannelAuthenticationEndpoint must not be null");
			this.tokenEndpoint = Objects.requireNonNull(tokenEndpoint, "tokenEndpoint must not be null");
			return this;
		}

		/**
		 * Set how the client authenticates.
		 * @param clientAuthentication the method
		 * @return this builder
		 */
		public Builder clientAuthentication(ClientAuthentication clientAuthentication) {
			this.clientAuthentication = Objects.requireNonNull(clientAuthentication,
					"clientAuthentication must not be null");
			return this;
		}

		/**
		 * Set the profile every {@code binding_message} is sanitised with.
		 * @param bindingMessageProfile the profile, or {@code null} to send messages as
		 * they are
		 * @return this builder
		 */
		public Builder bindingMessageProfile(@Nullable BindingMessageProfile bindingMessageProfile) {
			this.bindingMessageProfile = bindingMessageProfile;
			this.bindingMessageProfileSet = true;
			return this;
		}

		/**
		 * Set the connect time-out.
		 * @param connectTimeout a positive duration
		 * @return this builder
		 */
		public Builder connectTimeout(Duration connectTimeout) {
			this.connectTimeout = requirePositive(connectTimeout, "connectTimeout");
			return this;
		}

		/**
		 * Set the read time-out.
		 * @param readTimeout a positive duration
		 * @return this builder
		 */
		public Builder readTimeout(Duration readTimeout) {
			this.readTimeout = requirePositive(readTimeout, "readTimeout");
			return this;
		}

		/**
		 * Set the most tries of one start request.
		 * @param maxStartAttempts from 1 (never retry) to
		 * {@link #DEFAULT_MAX_START_ATTEMPTS}
		 * @return this builder
		 */
		public Builder maxStartAttempts(int maxStartAttempts) {
			if (maxStartAttempts < 1 || maxStartAttempts > DEFAULT_MAX_START_ATTEMPTS) {
				throw new IllegalArgumentException("maxStartAttempts must be between 1 and "
						+ DEFAULT_MAX_START_ATTEMPTS + ", but was " + maxStartAttempts);
			}
			this.maxStartAttempts = maxStartAttempts;
			return this;
		}

		/**
		 * Set the first back-off between start tries.
		 * @param startBackoff a positive duration
		 * @return this builder
		 */
		public Builder startBackoff(Duration startBackoff) {
			this.startBackoff = requirePositive(startBackoff, "startBackoff");
			return this;
		}

		/**
		 * Set the longest {@code Retry-After} a start request waits for.
		 * @param maxRetryAfter a positive duration
		 * @return this builder
		 */
		public Builder maxRetryAfter(Duration maxRetryAfter) {
			this.maxRetryAfter = requirePositive(maxRetryAfter, "maxRetryAfter");
			return this;
		}

		/**
		 * Set the clock.
		 * @param clock the clock
		 * @return this builder
		 */
		public Builder clock(Clock clock) {
			this.clock = Objects.requireNonNull(clock, "clock must not be null");
			return this;
		}

		/**
		 * Set the sleeper.
		 * @param sleeper the sleeper
		 * @return this builder
		 */
		public Builder sleeper(Sleeper sleeper) {
			this.sleeper = Objects.requireNonNull(sleeper, "sleeper must not be null");
			return this;
		}

		/**
		 * Build the options.
		 * @return the options
		 * @throws IllegalStateException when no dialect was chosen
		 */
		public CibaOptions build() {
			if (this.dialect == null) {
				throw new IllegalStateException(
						"choose a dialect: auth0(domain), oidcIssuer(issuer) or oidcEndpoints(..)");
			}
			return new CibaOptions(this, this.dialect);
		}

		private static Duration requirePositive(Duration value, String name) {
			Objects.requireNonNull(value, name + " must not be null");
			if (value.isNegative() || value.isZero()) {
				throw new IllegalArgumentException(name + " must be positive, but was " + value);
			}
			return value;
		}

	}

}
