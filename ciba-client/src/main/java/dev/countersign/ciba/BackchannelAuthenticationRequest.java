package dev.countersign.ciba;

import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;

import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.util.JSONArrayUtils;

import org.jspecify.annotations.Nullable;

/**
 * A backchannel authentication request (CIBA Core §7.1): ask {@code user} to approve, on
 * their authentication device, what {@code bindingMessage} summarises.
 *
 * <pre>{@code
 * BackchannelAuthenticationRequest request = BackchannelAuthenticationRequest
 *     .builder("auth0|62b1c0ffee", "Countersign: 2 actions - 2 email #7K2Q")
 *     .audience("https://api.countersign.dev")
 *     .requestedExpiry(Duration.ofSeconds(300))
 *     .authorizationDetails("[{\"type\":\"urn:auth0:schemas:authorization-details:v1:countersign-batch\"}]")
 *     .build();
 * }</pre>
 *
 * @param user who is asked: for {@link CibaDialect#AUTH0} the user's {@code sub}, wrapped
 * in an {@code iss_sub} login hint; for {@link CibaDialect#STANDARD} sent as
 * {@code login_hint} as it is
 * @param bindingMessage the {@code binding_message} shown on both devices; the client
 * sanitises it with the options' {@link BindingMessageProfile}
 * @param scope the {@code scope}, space-delimited, containing {@code openid}
 * @param audience the {@code audience} (Auth0: the API the access token is for), or
 * {@code null} to send none
 * @param requestedExpiry the {@code requested_expiry}, whole seconds, or {@code null} to
 * let the server choose; the Auth0 dialect refuses more than 300 s
 * @param authorizationDetails the {@code authorization_details} (RFC 9396) as a JSON
 * array, or {@code null}
 */
public record BackchannelAuthenticationRequest(String user, String bindingMessage, String scope,
		@Nullable String audience, @Nullable Duration requestedExpiry, @Nullable String authorizationDetails) {

	/** The scope when none is given: {@code openid}. */
	public static final String DEFAULT_SCOPE = "openid";

	public BackchannelAuthenticationRequest {
		Objects.requireNonNull(user, "user must not be null");
		Objects.requireNonNull(bindingMessage, "bindingMessage must not be null");
		Objects.requireNonNull(scope, "scope must not be null");
		if (user.isBlank()) {
			throw new IllegalArgumentException("user must not be blank");
		}
		if (Arrays.stream(scope.split(" ")).noneMatch("openid"::equals)) {
			// CIBA Core §7.1: the openid scope is REQUIRED.
			throw new IllegalArgumentException("scope must contain openid, but was " + scope);
		}
		if (requestedExpiry != null
				&& (requestedExpiry.isNegative() || requestedExpiry.isZero() || requestedExpiry.toNanosPart() != 0)) {
			throw new IllegalArgumentException(
					"requestedExpiry must be a positive whole number of seconds, but was " + requestedExpiry);
		}
		if (authorizationDetails != null) {
			try {
				JSONArrayUtils.parse(authorizationDetails);
			}
			catch (ParseException ex) {
				throw new IllegalArgumentException(
						"authorizationDetails must be a JSON array, but was " + authorizationDetails, ex);
			}
		}
	}

	/**
	 * Start a request for a user.
	 * @param user the user's {@code sub} (Auth0) or login hint (standard)
	 * @param bindingMessage the message shown to the user
	 * @return a builder with scope {@value #DEFAULT_SCOPE} and nothing else set
	 */
	public static Builder builder(String user, String bindingMessage) {
		return new Builder(user, bindingMessage);
	}

	/**
	 * Builds a {@link BackchannelAuthenticationRequest}. Not thread-safe.
	 */
	public static final class Builder {

		private final String user;

		private final String bindingMessage;

		private String scope = DEFAULT_SCOPE;

		private @Nullable String audience;

		private @Nullable Duration requestedExpiry;

		private @Nullable String authorizationDetails;

		private Builder(String user, String bindingMessage) {
			this.user = user;
			this.bindingMessage = bindingMessage;
		}

		/**
		 * Set the scope.
		 * @param scope space-delimited scopes containing {@code openid}
		 * @return this builder
		 */
		public Builder scope(String scope) {
			this.scope = scope;
			return this;
		}

		/**
		 * Set the audience.
		 * @param audience the API identifier, or {@code null} for none
		 * @return this builder
		 */
		public Builder audience(@Nullable String audience) {
			this.audience = audience;
			return this;
		}

		/**
		 * Set the requested expiry.
		 * @param requestedExpiry whole seconds, or {@code null} for the server's default
		 * @return this builder
		 */
		public Builder requestedExpiry(@Nullable Duration requestedExpiry) {
			this.requestedExpiry = requestedExpiry;
			return this;
		}

		/**
		 * Set the authorization details.
		 * @param authorizationDetails a JSON array, or {@code null} for none
		 * @return this builder
		 */
		public Builder authorizationDetails(@Nullable String authorizationDetails) {
			this.authorizationDetails = authorizationDetails;
			return this;
		}

		/**
		 * Build the request.
		 * @return the request
		 * @throws IllegalArgumentException when a value is invalid
		 */
		public BackchannelAuthenticationRequest build() {
			return new BackchannelAuthenticationRequest(this.user, this.bindingMessage, this.scope, this.audience,
					this.requestedExpiry, this.authorizationDetails);
		}

	}

}
