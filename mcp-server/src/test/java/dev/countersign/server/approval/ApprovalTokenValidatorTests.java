package dev.countersign.server.approval;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import java.util.function.Consumer;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;

import static org.assertj.core.api.Assertions.assertThat;

class ApprovalTokenValidatorTests {

	private static final String ISSUER = "https://tenant.example/";

	private static final String AUDIENCE = "https://countersign.example/mcp";

	private static final Instant STARTED = Instant.parse("2026-11-23T10:00:00Z");

	private final RSAKey key = key("k1");

	private final ApprovalTokenValidator validator = new ApprovalTokenValidator(decoder(this.key), ISSUER, AUDIENCE,
			"countersign-ciba", Clock.fixed(STARTED.plusSeconds(30), ZoneOffset.UTC), Duration.ofSeconds(5));

	@Test
	void validateWhenApprovalTokenForThisBatchThenValid() {
		StepVerifier.create(this.validator.validate(token((c) -> {
		}), "auth0|ada", STARTED))
			.assertNext((jwt) -> assertThat(jwt.getSubject()).isEqualTo("auth0|ada"))
			.verifyComplete();
	}

	@Test
	void validateWhenAnyClaimIsWrongThenRefusedNamingIt() {
		assertRefused(token((c) -> c.subject("auth0|mallory")), "sub");
		assertRefused(token((c) -> c.claim("azp", "claude-desktop")), "azp");
		assertRefused(token((c) -> c.issuer("https://evil.example/")), "iss");
		assertRefused(token((c) -> c.audience("https://other.api")), "aud");
		assertRefused(token((c) -> c.issueTime(Date.from(STARTED.minusSeconds(60)))), "iat");
		assertRefused(token((c) -> c.issueTime(Date.from(STARTED.plusSeconds(1)))
			.expirationTime(Date.from(STARTED.plusSeconds(10)))), "expired");
	}

	@Test
	void validateWhenSignedByAnotherKeyThenRefused() {
		ApprovalTokenValidator other = new ApprovalTokenValidator(decoder(key("k2")), ISSUER, AUDIENCE,
				"countersign-ciba", Clock.systemUTC(), Duration.ofSeconds(5));
		StepVerifier.create(other.validate(token((c) -> {
		}), "auth0|ada", STARTED)).expectError().verify();
	}

	private void assertRefused(String token, String claim) {
		StepVerifier.create(this.validator.validate(token, "auth0|ada", STARTED))
			.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOf(BadJwtException.class)
				.hasMessageContaining(claim)
				.hasMessageNotContaining(token))
			.verify();
	}

	private String token(Consumer<JWTClaimsSet.Builder> change) {
		JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().issuer(ISSUER)
			.subject("auth0|ada")
			.audience(List.of(AUDIENCE))
			.issueTime(Date.from(STARTED.plusSeconds(20)))
			.expirationTime(Date.from(STARTED.plusSeconds(86_400)))
			.claim("azp", "countersign-ciba");
		change.accept(claims);
		try {
			SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(this.key.getKeyID()).build(),
					claims.build());
			jwt.sign(new RSASSASigner(this.key));
			return jwt.serialize();
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static NimbusReactiveJwtDecoder decoder(RSAKey key) {
		try {
			NimbusReactiveJwtDecoder decoder = NimbusReactiveJwtDecoder.withPublicKey(key.toRSAPublicKey()).build();
			// Signature only: the validator checks the claims itself.
			decoder.setJwtValidator(
					(jwt) -> org.springframework.security.oauth2.core.OAuth2TokenValidatorResult.success());
			return decoder;
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static RSAKey key(String kid) {
		try {
			return new RSAKeyGenerator(2048).keyID(kid).generate();
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
