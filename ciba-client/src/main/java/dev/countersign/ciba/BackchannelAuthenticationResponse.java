package dev.countersign.ciba;

import java.time.Duration;
import java.util.Objects;

/**
 * A successful backchannel authentication answer (CIBA Core §7.3). Store
 * {@code authReqId} with the current interval: any process holding the same client
 * credentials can poll it.
 *
 * @param authReqId the {@code auth_req_id}
 * @param expiresIn the {@code expires_in}: how long the request lives
 * @param interval the {@code interval} between polls, {@link #DEFAULT_INTERVAL} when the
 * server sent none
 */
public record BackchannelAuthenticationResponse(String authReqId, Duration expiresIn, Duration interval) {

	/** CIBA Core §7.3: without {@code interval}, the client waits 5 s between polls. */
	public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(5);

	public BackchannelAuthenticationResponse {
		Objects.requireNonNull(authReqId, "authReqId must not be null");
		Objects.requireNonNull(expiresIn, "expiresIn must not be null");
		Objects.requireNonNull(interval, "interval must not be null");
		if (authReqId.isBlank()) {
			throw new IllegalArgumentException("authReqId must not be blank");
		}
		if (expiresIn.isNegative() || expiresIn.isZero()) {
			throw new IllegalArgumentException("expiresIn must be positive, but was " + expiresIn);
		}
		if (interval.isNegative() || interval.isZero()) {
			throw new IllegalArgumentException("interval must be positive, but was " + interval);
		}
	}

}
