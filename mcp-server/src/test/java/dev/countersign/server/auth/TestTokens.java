package dev.countersign.server.auth;

import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.function.Consumer;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

/**
 * Mints tokens as an Auth0 tenant would, and the broken ones an attacker would try.
 */
public final class TestTokens {

	public static final String AUDIENCE = "https://api.countersign.test";

	private final String issuer;

	private final RSAKey key = generate("tenant-key");

	private final RSAKey strangerKey = generate("tenant-key-2");

	public TestTokens(String issuer) {
		this.issuer = issuer;
	}

	public String jwks() {
		return new JWKSet(this.key.toPublicJWK()).toString();
	}

	JWTClaimsSet.Builder claims(String user, String client) {
		Instant now = Instant.now();
		return new JWTClaimsSet.Builder().issuer(this.issuer)
			.subject(user)
			.audience(List.of(AUDIENCE, this.issuer + "userinfo"))
			.issueTime(Date.from(now))
			.expirationTime(Date.from(now.plusSeconds(600)))
			.claim("azp", client)
			.claim("scope", "openid profile email");
	}

	public String agent(String user, String client) {
		return sign(claims(user, client).build());
	}

	public String with(String user, String client, Consumer<JWTClaimsSet.Builder> change) {
		JWTClaimsSet.Builder builder = claims(user, client);
		change.accept(builder);
		return sign(builder.build());
	}

	String sign(JWTClaimsSet claims) {
		return sign(claims, this.key);
	}

	String signWithUnknownKey(JWTClaimsSet claims) {
		return sign(claims, this.strangerKey);
	}

	/** An unsigned token ({@code alg: none}). */
	String unsigned(JWTClaimsSet claims) {
		Base64.Encoder encoder = Base64.getUrlEncoder().withoutPadding();
		return encoder.encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes()) + "."
				+ encoder.encodeToString(claims.toString().getBytes()) + ".";
	}

	/**
	 * HS256 keyed with the tenant's public key: the classic algorithm-confusion attack.
	 */
	String hmacWithPublicKey(JWTClaimsSet claims) {
		try {
			byte[] secret = this.key.toRSAPublicKey().getEncoded();
			SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(this.key.getKeyID()).build(),
					claims);
			jwt.sign(new MACSigner(secret));
			return jwt.serialize();
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static String sign(JWTClaimsSet claims, RSAKey key) {
		try {
			SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(),
					claims);
			jwt.sign(new RSASSASigner(key));
			return jwt.serialize();
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static RSAKey generate(String kid) {
		try {
			return new RSAKeyGenerator(2048).keyID(kid).generate();
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
