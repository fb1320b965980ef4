package dev.countersign.server.auth;

import java.util.List;

import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;

/**
 * The checks every inbound token passes after its signature (DESIGN §3): expiry and
 * not-before with a small skew, issuer, audience, and that a user stands behind it.
 */
final class TokenValidators {

	private TokenValidators() {
	}

	static OAuth2TokenValidator<Jwt> inbound(AuthProperties properties) {
		String audience = properties.requireAudience();
		return new DelegatingOAuth2TokenValidator<>(List.of(new JwtTimestampValidator(properties.effectiveClockSkew()),
				TokenValidators::requireExpiry, new JwtIssuerValidator(properties.requireIssuer().toString()),
				(jwt) -> (jwt.getAudience() != null && jwt.getAudience().contains(audience))
						? OAuth2TokenValidatorResult.success()
						: failure("the token is not for this API (aud must contain " + audience + ")"),
				TokenValidators::requireUser));
	}

	private static OAuth2TokenValidatorResult requireExpiry(Jwt jwt) {
		return (jwt.getExpiresAt() != null) ? OAuth2TokenValidatorResult.success()
				: failure("the token has no expiry (exp)");
	}

	/**
	 * A client-credentials token has no user: Auth0 marks it with
	 * {@code gty=client-credentials} and a {@code sub} ending in {@code @clients}.
	 */
	private static OAuth2TokenValidatorResult requireUser(Jwt jwt) {
		String subject = jwt.getSubject();
		if (subject == null || subject.isBlank()) {
			return failure("the token has no user (sub)");
		}
		if (subject.endsWith("@clients") || "client-credentials".equals(jwt.getClaimAsString("gty"))) {
			return failure("a client-credentials token has no user; sign in as a user");
		}
		if (Callers.client(jwt).isEmpty()) {
			return failure("the token names no client (azp)");
		}
		return OAuth2TokenValidatorResult.success();
	}

	private static OAuth2TokenValidatorResult failure(String description) {
		return OAuth2TokenValidatorResult.failure(new OAuth2Error(OAuth2ErrorCodes.INVALID_TOKEN, description, null));
	}

}
