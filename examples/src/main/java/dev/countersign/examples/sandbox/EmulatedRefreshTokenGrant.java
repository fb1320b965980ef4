package dev.countersign.examples.sandbox;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpStatus;

/**
 * The emulated tenant's {@code refresh_token} grant with Auth0's multi-resource refresh
 * tokens: a refresh token the tenant issued, presented by the client it was issued to,
 * answers an access token for the Countersign API or, with {@code audience=ISSUER/me/},
 * for the My Account API with no scopes but {@link #MY_ACCOUNT_SCOPES}. A revoked or
 * another client's refresh token is {@code invalid_grant}; an audience the refresh token
 * policy does not list is {@code access_denied}. Thread-safe.
 */
final class EmulatedRefreshTokenGrant implements EmulatedTokenEndpoint.Grant {

	static final String GRANT_TYPE = "refresh_token";

	/** The My Account scopes the console client's refresh token policy allows. */
	static final Set<String> MY_ACCOUNT_SCOPES = Set.of("create:me:connected_accounts", "read:me:connected_accounts",
			"delete:me:connected_accounts");

	private static final Set<String> PARAMETERS = Set.of("grant_type", "refresh_token", "audience", "scope");

	private final EmulatedTenant tenant;

	private final String audience;

	private final EmulatedRefreshTokens refreshTokens;

	EmulatedRefreshTokenGrant(EmulatedTenant tenant, String audience, EmulatedRefreshTokens refreshTokens) {
		this.tenant = tenant;
		this.audience = audience;
		this.refreshTokens = refreshTokens;
	}

	@Override
	public Map<String, @Nullable Object> grant(String client, Map<String, String> parameters) {
		for (String name : parameters.keySet()) {
			if (!PARAMETERS.contains(name)) {
				throw OAuthErrorException.invalidRequest("Unknown parameter: " + name);
			}
		}
		String token = parameters.get("refresh_token");
		if (token == null || token.isEmpty()) {
			throw OAuthErrorException.invalidRequest("Missing required parameter: refresh_token");
		}
		EmulatedRefreshTokens.Grant grant = this.refreshTokens.find(token, client)
			.orElseThrow(() -> new OAuthErrorException(HttpStatus.FORBIDDEN, "invalid_grant",
					"Unknown or invalid refresh token."));
		String requested = parameters.getOrDefault("audience", this.audience);
		String scope;
		List<String> audiences;
		if (requested.equals(this.tenant.myAccountAudience())) {
			scope = parameters.getOrDefault("scope", String.join(" ", MY_ACCOUNT_SCOPES));
			for (String one : Arrays.asList(scope.split(" "))) {
				if (!MY_ACCOUNT_SCOPES.contains(one)) {
					throw new OAuthErrorException(HttpStatus.FORBIDDEN, "access_denied",
							"Scope " + one + " is not allowed by the refresh token policy for " + requested);
				}
			}
			audiences = List.of(requested);
		}
		else if (requested.equals(this.audience)) {
			scope = parameters.getOrDefault("scope", "openid");
			audiences = List.of(this.audience, this.tenant.issuer() + "userinfo");
		}
		else {
			throw new OAuthErrorException(HttpStatus.FORBIDDEN, "access_denied",
					"Service not found or not allowed by the refresh token policy: " + requested);
		}
		Map<String, @Nullable Object> body = new LinkedHashMap<>();
		body.put("access_token", this.tenant.accessToken(grant.user(), client, scope, audiences));
		body.put("scope", scope);
		body.put("expires_in", this.tenant.tokenLifetime().toSeconds());
		body.put("token_type", "Bearer");
		return body;
	}

}
