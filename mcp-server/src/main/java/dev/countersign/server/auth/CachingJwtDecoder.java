package dev.countersign.server.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import reactor.core.publisher.Mono;

import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;

/**
 * Remembers tokens that passed full validation, so an agent that sends the same bearer
 * token with every call pays for the RSA signature check once, not on every call (it was
 * the largest single cost of Countersign's own request path in the read benchmark).
 *
 * <p>
 * Only exact token strings that validated are remembered, never failures. An entry is
 * used until the earlier of the token's {@code exp} (plus the configured skew) and
 * {@link #DEFAULT_MAX_AGE} after it was validated, so a key removed from the issuer's
 * JWKS stops being honoured within that time. At most {@link #DEFAULT_MAX_ENTRIES} tokens
 * are held; past that, expired entries go first, then everything. Thread-safe.
 */
final class CachingJwtDecoder implements ReactiveJwtDecoder {

	/** The longest a validation is reused. */
	static final Duration DEFAULT_MAX_AGE = Duration.ofMinutes(5);

	/** The most tokens remembered. */
	static final int DEFAULT_MAX_ENTRIES = 10_000;

	private final ReactiveJwtDecoder delegate;

	private final Clock clock;

	private final Duration skew;

	private final Map<String, Entry> validated = new ConcurrentHashMap<>();

	CachingJwtDecoder(ReactiveJwtDecoder delegate, Clock clock, Duration skew) {
		this.delegate = delegate;
		this.clock = clock;
		this.skew = skew;
	}

	@Override
	public Mono<Jwt> decode(String token) {
		Entry entry = this.validated.get(token);
		Instant now = this.clock.instant();
		if (entry != null) {
			if (now.isBefore(entry.usableUntil())) {
				return Mono.just(entry.jwt());
			}
			this.validated.remove(token, entry);
		}
		return this.delegate.decode(token).doOnNext((jwt) -> remember(token, jwt, now));
	}

	int size() {
		return this.validated.size();
	}

	private void remember(String token, Jwt jwt, Instant now) {
		if (jwt.getExpiresAt() == null) {
			return;
		}
		Instant usableUntil = jwt.getExpiresAt().plus(this.skew);
		Instant maxAge = now.plus(DEFAULT_MAX_AGE);
		if (maxAge.isBefore(usableUntil)) {
			usableUntil = maxAge;
		}
		if (this.validated.size() >= DEFAULT_MAX_ENTRIES) {
			this.validated.values().removeIf((e) -> !now.isBefore(e.usableUntil()));
			if (this.validated.size() >= DEFAULT_MAX_ENTRIES) {
				this.validated.clear();
			}
		}
		this.validated.put(token, new Entry(jwt, usableUntil));
	}

	private record Entry(Jwt jwt, Instant usableUntil) {
	}

}
