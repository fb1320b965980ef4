package dev.countersign.server.approval;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

import reactor.core.publisher.Mono;

import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;

/**
 * Checks the access token a CIBA approval returned before a batch runs on its strength
 * (DESIGN §3, Writes): signature and algorithm (by the decoder it is given, the same JWKS
 * and allow-list as inbound tokens), then {@code iss}, {@code aud}, {@code exp}, and that
 * it is this approval's token: {@code sub} is the batch's user, {@code azp} is
 * Countersign's CIBA client, and {@code iat} is not before the request started. Any
 * failure is a {@link BadJwtException} naming the claim, never the token. Thread-safe.
 */
public final class ApprovalTokenValidator {

	private final ReactiveJwtDecoder signatureChecked;

	private final String issuer;

	private final String audience;

	private final String cibaClientId;

	private final Clock clock;

	private final Duration skew;

	/**
	 * Creates the validator.
	 * @param signatureChecked a decoder that checks signature and algorithm only
	 * @param issuer the expected {@code iss}
	 * @param audience the Countersign API identifier, expected in {@code aud}
	 * @param cibaClientId Countersign's CIBA client, expected in {@code azp}
	 * @param clock the clock
	 * @param skew the leeway on time claims
	 */
	public ApprovalTokenValidator(ReactiveJwtDecoder signatureChecked, String issuer, String audience,
			String cibaClientId, Clock clock, Duration skew) {
		this.signatureChecked = Objects.requireNonNull(signatureChecked, "signatureChecked must not be null");
		this.issuer = Objects.requireNonNull(issuer, "issuer must not be null");
		this.audience = Objects.requireNonNull(audience, "audience must not be null");
		this.cibaClientId = Objects.requireNonNull(cibaClientId, "cibaClientId must not be null");
		this.clock = Objects.requireNonNull(clock, "clock must not be null");
		this.skew = Objects.requireNonNull(skew, "skew must not be null");
	}

	/**
	 * Validates an approval token for one batch.
	 * @param token the access token from the CIBA token response
	 * @param user the batch's user
	 * @param requestStartedAt when the backchannel request for the batch was sent
	 * @return the validated token, or a {@link BadJwtException} naming what was wrong
	 */
	public Mono<Jwt> validate(String token, String user, Instant requestStartedAt) {
		return this.signatureChecked.decode(token).flatMap((jwt) -> {
			String problem = problem(jwt, user, requestStartedAt);
			return (problem != null) ? Mono.error(new BadJwtException("approval token refused: " + problem))
					: Mono.just(jwt);
		});
	}

	private String problem(Jwt jwt, String user, Instant requestStartedAt) {
		Instant now = this.clock.instant();
		if (jwt.getIssuer() == null || !this.issuer.equals(jwt.getIssuer().toString())) {
			return "iss is not " + this.issuer;
		}
		if (jwt.getAudience() == null || !jwt.getAudience().contains(this.audience)) {
			return "aud does not contain " + this.audience;
		}
		if (jwt.getExpiresAt() == null || !now.isBefore(jwt.getExpiresAt().plus(this.skew))) {
			return "it has expired";
		}
		if (!user.equals(jwt.getSubject())) {
			return "sub is not the batch's user";
		}
		if (!this.cibaClientId.equals(jwt.getClaimAsString("azp"))) {
			return "azp is not Countersign's CIBA client";
		}
		if (jwt.getIssuedAt() == null || jwt.getIssuedAt().isBefore(requestStartedAt.minus(this.skew))) {
			return "iat is before the approval was requested";
		}
		return null;
	}

}
