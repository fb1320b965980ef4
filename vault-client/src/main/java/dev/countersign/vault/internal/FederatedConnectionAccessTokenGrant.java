package dev.countersign.vault.internal;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import com.nimbusds.oauth2.sdk.AuthorizationGrant;
import com.nimbusds.oauth2.sdk.GrantType;
import org.jspecify.annotations.Nullable;

/**
 * Auth0's Token Vault grant (Auth0 docs, "Token Vault token exchange"), a profile of RFC
 * 8693 with its own grant type, a fixed requested token type and a {@code connection}.
 * Nimbus has no class for it. Sends no {@code scope}. Immutable; {@link #toString()} does
 * not print the subject token.
 */
public final class FederatedConnectionAccessTokenGrant extends AuthorizationGrant {

	/**
	 * {@code urn:auth0:params:oauth:grant-type:token-exchange:federated-connection-access-token}.
	 */
	public static final GrantType GRANT_TYPE = new GrantType(
			"urn:auth0:params:oauth:grant-type:token-exchange:federated-connection-access-token");

	/**
	 * The only {@code requested_token_type} Token Vault accepts.
	 */
	public static final String REQUESTED_TOKEN_TYPE = "http://auth0.com/oauth/token-type/federated-connection-access-token";

	private final String subjectToken;

	private final String subjectTokenType;

	private final String connection;

	private final @Nullable String loginHint;

	/**
	 * Create the grant.
	 * @param subjectToken the Auth0 access or refresh token
	 * @param subjectTokenType its RFC 8693 token type URI
	 * @param connection the Auth0 connection name, e.g. {@code google-oauth2}
	 * @param loginHint the {@code login_hint}, or {@code null}
	 */
	public FederatedConnectionAccessTokenGrant(String subjectToken, String subjectTokenType, String connection,
			@Nullable String loginHint) {
		super(GRANT_TYPE);
		this.subjectToken = Objects.requireNonNull(subjectToken, "subjectToken must not be null");
		this.subjectTokenType = Objects.requireNonNull(subjectTokenType, "subjectTokenType must not be null");
		this.connection = Objects.requireNonNull(connection, "connection must not be null");
		this.loginHint = loginHint;
	}

	@Override
	public Map<String, List<String>> toParameters() {
		Map<String, List<String>> parameters = new LinkedHashMap<>();
		parameters.put("grant_type", List.of(GRANT_TYPE.getValue()));
		parameters.put("subject_token", List.of(this.subjectToken));
		parameters.put("subject_token_type", List.of(this.subjectTokenType));
		parameters.put("requested_token_type", List.of(REQUESTED_TOKEN_TYPE));
		parameters.put("connection", List.of(this.connection));
		if (this.loginHint != null) {
			parameters.put("login_hint", List.of(this.loginHint));
		}
		return parameters;
	}

	@Override
	public String toString() {
		return "FederatedConnectionAccessTokenGrant[subject_token=[redacted], subjectTokenType=" + this.subjectTokenType
				+ ", connection=" + this.connection + "]";
	}

}
