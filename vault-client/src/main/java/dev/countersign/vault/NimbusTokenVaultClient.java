package dev.countersign.vault;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import com.nimbusds.oauth2.sdk.AuthorizationGrant;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.auth.ClientAuthentication;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.ClientSecretPost;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.id.Audience;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.token.TokenTypeURI;
import com.nimbusds.oauth2.sdk.token.TypelessToken;
import com.nimbusds.oauth2.sdk.tokenexchange.TokenExchangeGrant;
import dev.countersign.vault.internal.FederatedConnectionAccessTokenGrant;
import dev.countersign.vault.internal.TokenEndpointJson;
import org.jspecify.annotations.Nullable;

/**
 * {@link TokenVaultClient} on Nimbus OAuth 2.0 SDK: builds the token request with Nimbus,
 * sends it with {@link HTTPRequest} and reads the JSON answer itself. Thread-safe: all
 * state is immutable.
 */
final class NimbusTokenVaultClient implements TokenVaultClient {

	private static final String REDACTED = "[redacted]";

	private final TokenVaultOptions options;

	private final ClientAuthentication clientAuthentication;

	private final Clock clock;

	NimbusTokenVaultClient(TokenVaultOptions options) {
		this.options = Objects.requireNonNull(options, "options must not be null");
		ClientID clientId = new ClientID(options.clientId());
		Secret secret = new Secret(options.clientSecret());
		this.clientAuthentication = switch (options.clientAuthenticationMethod()) {
			case CLIENT_SECRET_POST -> new ClientSecretPost(clientId, secret);
			case CLIENT_SECRET_BASIC -> new ClientSecretBasic(clientId, secret);
		};
		this.clock = options.clock();
	}

	@Override
	public ProviderToken exchange(TokenExchangeRequest request) {
		Objects.requireNonNull(request, "request must not be null");
		HTTPRequest httpRequest = toHttpRequest(request);
		httpRequest.setConnectTimeout(Math.toIntExact(this.options.connectTimeout().toMillis()));
		httpRequest.setReadTimeout(Math.toIntExact(this.options.readTimeout().toMillis()));
		// Taken before sending, so that expiresAt errs early, never late.
		Instant requestedAt = this.clock.instant();
		HTTPResponse response;
		try {
			response = httpRequest.send();
		}
		catch (SocketTimeoutException ex) {
			throw new UpstreamUnavailableException("the token endpoint did not answer in time", request.connection(),
					null, 0, null, ex);
		}
		catch (IOException ex) {
			throw new UpstreamUnavailableException("the token endpoint could not be reached", request.connection(),
					null, 0, null, ex);
		}
		return readResponse(request, response, requestedAt);
	}

	private HTTPRequest toHttpRequest(TokenExchangeRequest request) {
		return switch (this.options.dialect()) {
			case AUTH0 -> auth0Request(request);
			case STANDARD -> standardRequest(request);
		};
	}

	private HTTPRequest auth0Request(TokenExchangeRequest request) {
		refuse(request.requestedTokenType() != null, "requestedTokenType");
		refuse(!request.audiences().isEmpty(), "audiences");
		refuse(!request.resources().isEmpty(), "resources");
		AuthorizationGrant grant = new FederatedConnectionAccessTokenGrant(request.subjectToken(),
				request.subjectTokenType().uri(), request.connection(), request.loginHint());
		return new TokenRequest.Builder(this.options.tokenEndpoint(), this.clientAuthentication, grant).build()
			.toHTTPRequest();
	}

	private HTTPRequest standardRequest(TokenExchangeRequest request) {
		if (request.loginHint() != null) {
			throw new IllegalArgumentException("loginHint is not sent in the STANDARD dialect; leave it unset");
		}
		List<Audience> audiences = request.audiences().isEmpty() ? null : Audience.create(request.audiences());
		TokenTypeURI requestedTokenType = (request.requestedTokenType() != null)
				? tokenType(request.requestedTokenType().toString()) : null;
		// RFC 8693 §2.1: subject_token and subject_token_type REQUIRED;
		// requested_token_type,
		// audience and resource OPTIONAL.
		AuthorizationGrant grant = new TokenExchangeGrant(new TypelessToken(request.subjectToken()),
				tokenType(request.subjectTokenType().uri()), null, null, requestedTokenType, audiences);
		TokenRequest.Builder builder = new TokenRequest.Builder(this.options.tokenEndpoint(), this.clientAuthentication,
				grant);
		if (!request.resources().isEmpty()) {
			builder.resources(request.resources().toArray(new URI[0]));
		}
		return builder.build().toHTTPRequest();
	}

	private ProviderToken readResponse(TokenExchangeRequest request, HTTPResponse response, Instant requestedAt) {
		int status = response.getStatusCode();
		String connection = request.connection();
		Map<String, Object> json = TokenEndpointJson.parseObject(response.getBody());
		if (status >= 200 && status < 300) {
			if (json == null) {
				throw new UpstreamUnavailableException(
						"the token endpoint answered HTTP " + status + " with a body that is not a JSON object",
						connection, null, status, null, null);
			}
			return readToken(connection, status, json, requestedAt);
		}
		String error = (json != null) ? TokenEndpointJson.string(json, "error") : null;
		String description = (json != null) ? scrub(TokenEndpointJson.string(json, "error_description"), request)
				: null;
		if (error != null) {
			switch (error) {
				case ConnectionNotLinkedException.ERROR_CODE:
					throw new ConnectionNotLinkedException(connection, status, description);
				case ReauthorizationRequiredException.ERROR_CODE:
					throw new ReauthorizationRequiredException(connection, status, description);
				case SubjectTokenRejectedException.ERROR_CODE:
					throw new SubjectTokenRejectedException(connection, status, description);
				default:
					break;
			}
		}
		// RFC 6749 §5.2 has temporarily_unavailable only for the authorization endpoint,
		// but
		// servers use it at the token endpoint too.
		if (status >= 500 || status == 429 || "temporarily_unavailable".equals(error)) {
			throw new UpstreamUnavailableException("the token endpoint answered HTTP " + status, connection, error,
					status, description, null);
		}
		if (error == null) {
			throw new UpstreamUnavailableException(
					"the token endpoint answered HTTP " + status + " without an OAuth error object", connection, null,
					status, null, null);
		}
		throw new TokenVaultException(
				"Token exchange for connection '" + connection + "' failed: " + error + " (HTTP " + status + ")"
						+ ((description != null) ? ": " + description : ""),
				connection, error, status, description, null);
	}

	private ProviderToken readToken(String connection, int status, Map<String, Object> json, Instant requestedAt) {
		String accessToken = TokenEndpointJson.string(json, "access_token");
		if (accessToken == null) {
			throw new UpstreamUnavailableException(
					"the token endpoint answered HTTP " + status + " without an access_token", connection, null, status,
					null, null);
		}
		Long expiresIn;
		try {
			expiresIn = TokenEndpointJson.nonNegativeLong(json, "expires_in");
		}
		catch (IllegalArgumentException ex) {
			throw new UpstreamUnavailableException(
					"the token endpoint answered HTTP " + status + " with an unreadable expires_in", connection, null,
					status, null, null);
		}
		// expires_in is RECOMMENDED only (RFC 8693 §2.2.1): without it, the token counts
		// as
		// expiring at once, so it serves this call and is never cached.
		Instant expiresAt = (expiresIn != null) ? requestedAt.plusSeconds(expiresIn) : requestedAt;
		String scope = TokenEndpointJson.string(json, "scope");
		Set<String> scopes = (scope != null) ? new LinkedHashSet<>(Arrays.asList(scope.trim().split("\\s+")))
				: Set.of();
		return new ProviderToken(connection, accessToken, expiresAt, scopes,
				TokenEndpointJson.string(json, "issued_token_type"));
	}

	/**
	 * Remove our own secrets from server text that goes into an exception, in case a
	 * server echoes them.
	 */
	private @Nullable String scrub(@Nullable String text, TokenExchangeRequest request) {
		if (text == null) {
			return null;
		}
		return text.replace(request.subjectToken(), REDACTED).replace(this.options.clientSecret(), REDACTED);
	}

	private static void refuse(boolean set, String field) {
		if (set) {
			throw new IllegalArgumentException(
					field + " is not sent in the AUTH0 dialect; leave it unset or use the STANDARD dialect");
		}
	}

	private static TokenTypeURI tokenType(String uri) {
		try {
			return TokenTypeURI.parse(uri);
		}
		catch (ParseException ex) {
			throw new IllegalArgumentException("token type must be a URI, but was " + uri, ex);
		}
	}

}
