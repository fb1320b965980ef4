package dev.countersign.examples.sandbox;

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
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
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
	 * Mints an access token for a user acting through a client, as Auth0 would after a
	 * sign-in.
	 * @param user the sandbox user name
	 * @param client the client id ({@code azp})
	 * @param scope space-separated scopes
	 * @return the compact JWT
	 */
	String accessToken(String user, String client, String scope) {
		Instant now = this.clock.instant();
		JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(this.issuer)
			.subject(SandboxUsers.subject(user))
			.audience(List.of(this.audience, this.issuer + "userinfo"))
			.issueTime(Date.from(now))
			.expirationTime(Date.from(now.plus(this.tokenLifetime)))
			.jwtID(UUID.randomUUID().toString())
			.claim("azp", client)
			.claim("scope", scope)
			.claim("email", SandboxUsers.email(user))
			.build();
		return sign(claims);
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
		Map<String, Object> metadata = new LinkedHashMap<>();
		metadata.put("issuer", this.issuer);
		metadata.put("jwks_uri", this.issuer + ".well-known/jwks.json");
		metadata.put("token_endpoint", this.issuer + "oauth/token");
		metadata.put("response_types_supported", List.of("code"));
		metadata.put("subject_types_supported", List.of("public"));
		metadata.put("id_token_signing_alg_values_supported", List.of("RS256"));
		metadata.put("scopes_supported", List.of("openid", "profile", "email", "offline_access"));
		return ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(metadata);
	}

	private Mono<ServerResponse> jwks(ServerRequest request) {
		return ServerResponse.ok()
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(new JWKSet(this.key.toPublicJWK()).toJSONObject());
	}

}
