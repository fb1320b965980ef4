package dev.countersign.examples.sandbox;

import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * An EMULATED Auth0 tenant under {@code /auth0/}: OIDC discovery, a JWKS and RS256 access
 * tokens shaped like Auth0's. Countersign trusts it exactly as it would a real tenant;
 * only the issuer URL differs. Its signing key is made at each start and never leaves
 * memory.
 */
final class EmulatedTenant {

	static final String BASE_PATH = "/auth0";

	private final String issuer;

	private final String audience;

	private final Duration tokenLifetime;

	private final Clock clock;

	private final RSAKey key;

	private final RSASSASigner signer;

	private final RSASSAVerifier verifier;

	EmulatedTenant(String issuer, String audience, Duration tokenLifetime, Clock clock) {
		this.issuer = issuer;
		this.audience = audience;
		this.tokenLifetime = tokenLifetime;
		this.clock = clock;
		try {
			this.key = new RSAKeyGenerator(2048).keyID("sandbox-" + UUID.randomUUID().toString().substring(0, 8))
				.keyUse(KeyUse.SIGNATURE)
				.algorithm(JWSAlgorithm.RS256)
				.generate();
			this.signer = new RSASSASigner(this.key);
			this.verifier = new RSASSAVerifier(this.key.toRSAPublicKey());
		}
		catch (JOSEException ex) {
			throw new IllegalStateException("Could not make the sandbox signing key", ex);
		}
	}

	String issuer() {
		return this.issuer;
	}

	Duration tokenLifetime() {
		return this.tokenLifetime;
	}

	/**
	 * The My Account API's audience, {@code ISSUER/me/}.
	 * @return the audience
	 */
	String myAccountAudience() {
		return this.issuer + "me/";
	}

	String tokenEndpoint() {
		return this.issuer + "oauth/token";
	}

	/**
	 * A token this tenant refuses; the message is fit for an {@code error_description}.
	 */
	static final class RejectedTokenException extends RuntimeException {

		private static final long serialVersionUID = 1L;

		RejectedTokenException(String message) {
			super(message);
		}

	}

	/**
	 * Mints an access token for a user acting through a client, as Auth0 would after a
	 * sign-in.
	 * @param user the sandbox user name
	 * @param client the client id ({@code azp})
	 * @param scope space-separated scopes
	 * @return the compact JWT
	 */
	String accessToken(String user, String client, String scope) {
		return accessToken(user, client, scope, List.of(this.audience, this.issuer + "userinfo"));
	}

	/**
	 * Mints an access token for a user acting through a client, for another audience (the
	 * My Account API's {@code ISSUER/me/}, say).
	 * @param user the sandbox user name
	 * @param client the client id ({@code azp})
	 * @param scope space-separated scopes
	 * @param audiences the audiences ({@code aud})
	 * @return the compact JWT
	 */
	String accessToken(String user, String client, String scope, List<String> audiences) {
		Instant now = this.clock.instant();
		JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(this.issuer)
			.subject(SandboxUsers.subject(user))
			.audience(audiences)
			.issueTime(Date.from(now))
			.expirationTime(Date.from(now.plus(this.tokenLifetime)))
			.jwtID(UUID.randomUUID().toString())
			.claim("azp", client)
			.claim("scope", scope)
			.claim("email", SandboxUsers.email(user))
			.build();
		return sign(claims);
	}

	/**
	 * Mints the access token of an approved CIBA request, as Auth0 does on redemption.
	 * @param user the sandbox user name ({@code sub})
	 * @param client the CIBA client id ({@code azp})
	 * @param audience the audience the request named ({@code aud})
	 * @return the compact JWT, living {@link #tokenLifetime()}
	 */
	String cibaAccessToken(String user, String client, String audience) {
		Instant now = this.clock.instant();
		JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(this.issuer)
			.subject(SandboxUsers.subject(user))
			.audience(audience)
			.issueTime(Date.from(now))
			.expirationTime(Date.from(now.plus(this.tokenLifetime)))
			.jwtID(UUID.randomUUID().toString())
			.claim("azp", client)
			.claim("scope", "openid")
			.build();
		return sign(claims);
	}

	/**
	 * Mints an ID token for a user and a client.
	 * @param user the sandbox user name ({@code sub})
	 * @param client the client id ({@code aud})
	 * @return the compact JWT
	 */
	String idToken(String user, String client) {
		return idToken(user, client, null);
	}

	/**
	 * Mints an ID token for a user and a client, echoing the sign-in's {@code nonce}.
	 * @param user the sandbox user name ({@code sub})
	 * @param client the client id ({@code aud})
	 * @param nonce the authentication request's nonce, or null
	 * @return the compact JWT
	 */
	String idToken(String user, String client, @Nullable String nonce) {
		Instant now = this.clock.instant();
		JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().issuer(this.issuer)
			.subject(SandboxUsers.subject(user))
			.audience(client)
			.issueTime(Date.from(now))
			.expirationTime(Date.from(now.plus(Duration.ofHours(10))))
			.claim("email", SandboxUsers.email(user));
		if (nonce != null) {
			claims.claim("nonce", nonce);
		}
		return sign(claims.build());
	}

	/**
	 * Validates an access token this tenant issued, as Auth0 does when one is presented
	 * to it (for example as a Token Vault subject token): an RS256 signature by this
	 * tenant's key, its issuer, an audience that contains {@code audience}, and
	 * {@code exp}/{@code nbf} against the clock, without leeway.
	 * @param token the compact JWT
	 * @param audience an audience the token must name
	 * @return the token's claims
	 * @throws RejectedTokenException saying why the token is refused
	 */
	JWTClaimsSet verify(String token, String audience) {
		SignedJWT jwt;
		JWTClaimsSet claims;
		try {
			jwt = SignedJWT.parse(token);
			claims = jwt.getJWTClaimsSet();
		}
		catch (ParseException ex) {
			throw new RejectedTokenException("Invalid token: not a signed JWT");
		}
		// Never none, never HMAC: only the algorithm this tenant signs with.
		if (!JWSAlgorithm.RS256.equals(jwt.getHeader().getAlgorithm())) {
			throw new RejectedTokenException("Invalid token: unexpected algorithm");
		}
		try {
			if (!jwt.verify(this.verifier)) {
				throw new RejectedTokenException("Invalid token: bad signature");
			}
		}
		catch (JOSEException ex) {
			throw new RejectedTokenException("Invalid token: bad signature");
		}
		if (!this.issuer.equals(claims.getIssuer())) {
			throw new RejectedTokenException("Invalid token: unexpected issuer");
		}
		if (claims.getAudience() == null || !claims.getAudience().contains(audience)) {
			throw new RejectedTokenException("Invalid token: unexpected audience");
		}
		Instant now = this.clock.instant();
		Date expiry = claims.getExpirationTime();
		if (expiry == null || !now.isBefore(expiry.toInstant())) {
			throw new RejectedTokenException("Invalid token: expired");
		}
		Date notBefore = claims.getNotBeforeTime();
		if (notBefore != null && now.isBefore(notBefore.toInstant())) {
			throw new RejectedTokenException("Invalid token: not yet valid");
		}
		return claims;
	}

	private String sign(JWTClaimsSet claims) {
		SignedJWT jwt = new SignedJWT(
				new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(this.key.getKeyID()).type(JOSEObjectType.JWT).build(),
				claims);
		try {
			jwt.sign(this.signer);
		}
		catch (JOSEException ex) {
			throw new IllegalStateException("Could not sign a sandbox token", ex);
		}
		return jwt.serialize();
	}

	RouterFunction<ServerResponse> routes() {
		return RouterFunctions.route()
			.GET(BASE_PATH + "/.well-known/openid-configuration", this::discovery)
			.GET(BASE_PATH + "/.well-known/jwks.json", this::jwks)
			.build();
	}

	private Mono<ServerResponse> discovery(ServerRequest request) {
		return ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(metadata());
	}

	/**
	 * The tenant's metadata, served as OIDC discovery and as RFC 8414 authorization
	 * server metadata.
	 * @return a new map
	 */
	Map<String, Object> metadata() {
		Map<String, Object> metadata = new LinkedHashMap<>();
		metadata.put("issuer", this.issuer);
		metadata.put("authorization_endpoint", this.issuer + "authorize");
		metadata.put("jwks_uri", this.issuer + ".well-known/jwks.json");
		metadata.put("token_endpoint", tokenEndpoint());
		metadata.put("device_authorization_endpoint", this.issuer + "oauth/device/code");
		metadata.put("backchannel_authentication_endpoint", this.issuer + "bc-authorize");
		metadata.put("backchannel_token_delivery_modes_supported", List.of("poll"));
		metadata.put("grant_types_supported",
				List.of(EmulatedTokenVault.GRANT_TYPE, EmulatedCiba.GRANT_TYPE, EmulatedAuthorization.GRANT_TYPE,
						EmulatedDeviceFlow.GRANT_TYPE, EmulatedDeviceFlow.REFRESH_GRANT_TYPE));
		metadata.put("code_challenge_methods_supported", List.of("S256"));
		metadata.put("response_types_supported", List.of("code"));
		metadata.put("subject_types_supported", List.of("public"));
		metadata.put("id_token_signing_alg_values_supported", List.of("RS256"));
		metadata.put("scopes_supported", List.of("openid", "profile", "email", "offline_access"));
		// RFC 7591: dynamic client registration, for MCP clients that sign in by
		// themselves
		metadata.put("registration_endpoint", this.issuer + "oidc/register");
		metadata.put("token_endpoint_auth_methods_supported",
				List.of("client_secret_basic", "client_secret_post", "none"));
		return metadata;
	}

	private Mono<ServerResponse> jwks(ServerRequest request) {
		return ServerResponse.ok()
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(new JWKSet(this.key.toPublicJWK()).toJSONObject());
	}

}
