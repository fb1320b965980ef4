package dev.countersign.server.approval;

import java.time.Duration;
import java.util.Objects;

import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import dev.countersign.ciba.BackchannelAuthenticationRequest;
import dev.countersign.ciba.BackchannelAuthenticationResponse;
import dev.countersign.ciba.CibaClient;
import dev.countersign.ciba.PollResult;

/**
 * {@link ApprovalChannel} over the blocking {@link CibaClient}, wrapped once here on
 * {@link Schedulers#boundedElastic()}. Thread-safe.
 */
public final class CibaApprovalChannel implements ApprovalChannel {

	private final CibaClient client;

	/**
	 * Creates the channel.
	 * @param client the CIBA client
	 */
	public CibaApprovalChannel(CibaClient client) {
		this.client = Objects.requireNonNull(client, "client must not be null");
	}

	@Override
	public Mono<BackchannelAuthenticationResponse> start(BackchannelAuthenticationRequest request) {
		return Mono.fromCallable(() -> this.client.start(request)).subscribeOn(Schedulers.boundedElastic());
	}

	@Override
	public Mono<PollResult> poll(String authReqId, Duration interval) {
		return Mono.fromCallable(() -> this.client.pollOnce(authReqId, interval))
			.subscribeOn(Schedulers.boundedElastic());
	}

}
