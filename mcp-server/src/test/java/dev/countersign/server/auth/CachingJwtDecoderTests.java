package dev.countersign.server.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;

import static org.assertj.core.api.Assertions.assertThat;

class CachingJwtDecoderTests {

	private static final Instant NOW = Instant.parse("2026-11-23T10:00:00Z");

	private final AtomicInteger validations = new AtomicInteger();

	private Instant now = NOW;

	private final Clock clock = new Clock() {
		@Override
		public ZoneOffset getZone() {
			return ZoneOffset.UTC;
		}

		@Override
		public Clock withZone(java.time.ZoneId zone) {
			return this;
		}

		@Override
		public Instant instant() {
			return CachingJwtDecoderTests.this.now;
		}
	};

	private ReactiveJwtDecoder validating(Duration lifetime) {
		return (token) -> {
			this.validations.incrementAndGet();
			if (token.startsWith("bad")) {
				return Mono.error(new BadJwtException("signature invalid"));
			}
			return Mono.just(Jwt.withTokenValue(token)
				.header("alg", "RS256")
				.subject("auth0|ada")
				.issuedAt(NOW)
				.expiresAt(NOW.plus(lifetime))
				.build());
		};
	}

	@Test
	void decodeWhenSameTokenAgainThenValidatedOnce() {
		CachingJwtDecoder decoder = new CachingJwtDecoder(validating(Duration.ofHours(1)), this.clock, Duration.ZERO);
		decoder.decode("token-a").block();
		decoder.decode("token-a").block();
		decoder.decode("token-b").block();
		assertThat(this.validations).hasValue(2);
	}

	@Test
	void decodeWhenTokenExpiredThenValidatedAgain() {
		CachingJwtDecoder decoder = new CachingJwtDecoder(validating(Duration.ofMinutes(1)), this.clock,
				Duration.ofSeconds(10));
		decoder.decode("token-a").block();
		this.now = NOW.plusSeconds(71);
		decoder.decode("token-a").block();
		assertThat(this.validations).hasValue(2);
	}

	@Test
	void decodeWhenRememberedLongerThanMaxAgeThenValidatedAgain() {
		CachingJwtDecoder decoder = new CachingJwtDecoder(validating(Duration.ofHours(24)), this.clock, Duration.ZERO);
		decoder.decode("token-a").block();
		this.now = NOW.plus(CachingJwtDecoder.DEFAULT_MAX_AGE).plusSeconds(1);
		decoder.decode("token-a").block();
		assertThat(this.validations).hasValue(2);
	}

	@Test
	void decodeWhenInvalidThenNeverRemembered() {
		CachingJwtDecoder decoder = new CachingJwtDecoder(validating(Duration.ofHours(1)), this.clock, Duration.ZERO);
		StepVerifier.create(decoder.decode("bad-token")).expectError(BadJwtException.class).verify();
		StepVerifier.create(decoder.decode("bad-token")).expectError(BadJwtException.class).verify();
		assertThat(this.validations).hasValue(2);
		assertThat(decoder.size()).isZero();
	}

}
