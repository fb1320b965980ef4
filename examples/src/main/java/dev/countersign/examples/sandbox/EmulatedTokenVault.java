package dev.countersign.examples.sandbox;

import java.time.Clock;
import java.util.Map;
import java.util.Set;

import com.nimbusds.jwt.JWTClaimsSet;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpStatus;

/**
 * The emulated Token Vault exchange (Auth0 docs, "Token Vault token exchange"): the grant
 * {@value #GRANT_TYPE} of the emulated tenant's token endpoint. It validates the subject
 * token as Auth0 does (an access token: signature, issuer, audience, expiry; a refresh
 * token: issued by the tenant to the client presenting it, not revoked), checks that the
 * user has linked the connection, and issues a short-lived opaque provider token from
 * {@link EmulatedProviderTokens}. Thread-safe.
 *
 * <pre>{@code
 * POST /auth0/oauth/token
 * grant_type=urn:auth0:params:oauth:grant-type:token-exchange:federated-connection-access-token
 * &subject_token=eyJ...&subject_token_type=urn:ietf:params:oauth:token-type:access_token
 * &requested_token_type=http://auth0.com/oauth/token-type/federated-connection-access-token
 * &connection=google-oauth2&client_id=countersign-vault&client_secret=...
 * }</pre>
 */
final class EmulatedTokenVault implements EmulatedTokenEndpoint.Grant {

	static final String GRANT_TYPE = "urn:auth0:params:oauth:grant-type:token-exchange:federated-connection-access-token";

	static final String REQUESTED_TOKEN_TYPE = "http://auth0.com/oauth/token-type/federated-connection-access-token";

	static final String ACCESS_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:access_token";

	static final String REFRESH_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:refresh_token";

	static final String GOOGLE = "google-oauth2";

	static final String GITHUB = "github";

	/** The scopes each connection's provider tokens carry, as the user granted them. */
	static final Map<String, String> SCOPES = Map.of(GOOGLE,
			"openid https://www.googleapis.com/auth/userinfo.email https://www.googleapis.com/auth/calendar.events "
					+ "https://www.googleapis.com/auth/calendar.freebusy https://www.googleapis.com/auth/gmail.readonly "
					+ "https://www.googleapis.com/auth/gmail.compose https://www.googleapis.com/auth/gmail.send",
			GITHUB, "repo read:user");

	private static final Set<String> PARAMETERS = Set.of("grant_type", "subject_token", "subject_token_type",
			"requested_token_type", "connection", "login_hint");

	private final EmulatedTenant tenant;

	private final String audience;

	private final EmulatedProviderTokens tokens;

	private final EmulatedRefreshTokens refreshTokens;

	private final SandboxConnectedAccounts accounts;

	/**
	 * Creates the exchange, knowing no refresh tokens.
	 * @param tenant the tenant whose access tokens are accepted as subject tokens
	 * @param audience the Countersign API identifier that subject tokens must name
	 * @param tokens where provider tokens are issued
	 */
	EmulatedTokenVault(EmulatedTenant tenant, String audience, EmulatedProviderTokens tokens) {
		this(tenant, audience, tokens, new EmulatedRefreshTokens());
	}

	/**
	 * Creates the exchange.
	 * @param tenant the tenant whose access tokens are accepted as subject tokens
	 * @param audience the Countersign API identifier that subject tokens must name
	 * @param tokens where provider tokens are issued
	 * @param refreshTokens the refresh tokens the tenant issued, accepted as subject
	 * tokens from the client they were issued to
	 */
	EmulatedTokenVault(EmulatedTenant tenant, String audience, EmulatedProviderTokens tokens,
			EmulatedRefreshTokens refreshTokens) {
		this(tenant, audience, tokens, refreshTokens, new SandboxConnectedAccounts(Clock.systemUTC()));
	}

	/**
	 * Creates the exchange over the users' connected accounts.
	 * @param tenant the tenant whose access tokens are accepted as subject tokens
	 * @param audience the Countersign API identifier that subject tokens must name
	 * @param tokens where provider tokens are issued
	 * @param refreshTokens the refresh tokens the tenant issued
	 * @param accounts which accounts each user has connected
	 */
	EmulatedTokenVault(EmulatedTenant tenant, String audience, EmulatedProviderTokens tokens,
			EmulatedRefreshTokens refreshTokens, SandboxConnectedAccounts accounts) {
		this.tenant = tenant;
		this.audience = audience;
		this.tokens = tokens;
		this.refreshTokens = refreshTokens;
		this.accounts = accounts;
	}

	@Override
	public Map<String, @Nullable Object> grant(String client, Map<String, String> parameters) {
		for (String name : parameters.keySet()) {
			if (!PARAMETERS.contains(name)) {
				throw OAuthErrorException.invalidRequest("Unknown parameter: " + name);
			}
		}
		String subjectToken = require(parameters, "subject_token");
		String subjectTokenType = require(parameters, "subject_token_type");
		String requestedTokenType = require(parameters, "requested_token_type");
		String connection = require(parameters, "connection");
		boolean refresh = REFRESH_TOKEN_TYPE.equals(subjectTokenType);
		if (!refresh && !ACCESS_TOKEN_TYPE.equals(subjectTokenType)) {
			throw OAuthErrorException.invalidRequest("Unsupported subject_token_type: " + subjectTokenType);
		}
		if (!REQUESTED_TOKEN_TYPE.equals(requestedTokenType)) {
			throw OAuthErrorException.invalidRequest("Unsupported requested_token_type: " + requestedTokenType);
		}
		if (!SCOPES.containsKey(connection)) {
			throw OAuthErrorException.invalidRequest("Unknown connection: " + connection);
		}
		String user = refresh ? refreshTokenUser(subjectToken, client) : user(subjectToken);
		if (!this.accounts.connections(user).contains(connection)) {
			throw new OAuthErrorException(HttpStatus.UNAUTHORIZED, "federated_connection_refresh_token_not_found",
					"Federated connection Refresh Token not found.");
		}
		if (refresh) {
			this.refreshTokens.countExchange(user);
		}
		EmulatedProviderTokens.Grant grant = this.tokens.issue(user, connection);
		return Json.object("access_token", grant.token(), "expires_in", this.tokens.lifetime().toSeconds(), "scope",
				SCOPES.get(connection), "issued_token_type", REQUESTED_TOKEN_TYPE, "token_type", "Bearer");
	}

	/**
	 * Auth0 (refresh token exchange): only a refresh token the tenant issued, not
	 * revoked, presented by the client it was issued to.
	 */
	private String refreshTokenUser(String subjectToken, String client) {
		return this.refreshTokens.find(subjectToken, client)
			.map(EmulatedRefreshTokens.Grant::user)
			.orElseThrow(() -> new OAuthErrorException(HttpStatus.FORBIDDEN, "invalid_grant",
					"Unknown or invalid refresh token."));
	}

	private String user(String subjectToken) {
		JWTClaimsSet claims;
		try {
			claims = this.tenant.verify(subjectToken, this.audience);
		}
		catch (EmulatedTenant.RejectedTokenException ex) {
			throw new OAuthErrorException(HttpStatus.FORBIDDEN, "invalid_grant", ex.getMessage());
		}
		String subject = claims.getSubject();
		String prefix = SandboxUsers.subject("");
		if (subject == null || !subject.startsWith(prefix)) {
			throw new OAuthErrorException(HttpStatus.FORBIDDEN, "invalid_grant", "Invalid token: no user subject");
		}
		try {
			return SandboxUsers.checkName("sub", subject.substring(prefix.length()));
		}
		catch (IllegalArgumentException ex) {
			throw new OAuthErrorException(HttpStatus.FORBIDDEN, "invalid_grant", "Invalid token: unknown user");
		}
	}

	private static String require(Map<String, String> parameters, String name) {
		String value = parameters.get(name);
		if (value == null || value.isEmpty()) {
			throw OAuthErrorException.invalidRequest("Missing required parameter: " + name);
		}
		return value;
	}

}
