package dev.countersign.server.observability;

import java.time.Duration;

import reactor.core.publisher.Mono;

import dev.countersign.ciba.BackchannelAuthenticationRequest;
import dev.countersign.ciba.BackchannelAuthenticationResponse;
import dev.countersign.ciba.CibaOutcome;
import dev.countersign.ciba.CibaStartOutcomeUnknownException;
import dev.countersign.ciba.CibaStartRejectedException;
import dev.countersign.ciba.CibaUnavailableException;
import dev.countersign.ciba.PollResult;
import dev.countersign.server.approval.ApprovalChannel;

/**
 * Counts the CIBA requests and polls of an {@link ApprovalChannel} by outcome; answers
 * and errors pass through unchanged.
 */
final class MeteredApprovalChannel implements ApprovalChannel {

	private final ApprovalChannel delegate;

	private final CountersignMetrics metrics;

	MeteredApprovalChannel(ApprovalChannel delegate, CountersignMetrics metrics) {
		this.delegate = delegate;
		this.metrics = metrics;
	}

	@Override
	public Mono<BackchannelAuthenticationResponse> start(BackchannelAuthenticationRequest request) {
		return this.delegate.start(request)
			.doOnNext((started) -> this.metrics.cibaRequest("started"))
			.doOnError((ex) -> this.metrics.cibaRequest(startOutcome(ex)));
	}

	@Override
	public Mono<PollResult> poll(String authReqId, Duration interval) {
		return this.delegate.poll(authReqId, interval)
			.doOnNext((result) -> this.metrics.cibaPoll(pollOutcome(result)))
			.doOnError(
					(ex) -> this.metrics.cibaPoll((ex instanceof CibaUnavailableException) ? "unavailable" : "error"));
	}

	static String startOutcome(Throwable ex) {
		if (ex instanceof CibaStartRejectedException) {
			return "rejected";
		}
		if (ex instanceof CibaStartOutcomeUnknownException) {
			return "unknown";
		}
		return (ex instanceof CibaUnavailableException) ? "unavailable" : "error";
	}

	static String pollOutcome(PollResult result) {
		if (result instanceof PollResult.Pending) {
			return "pending";
		}
		if (result instanceof PollResult.SlowDown) {
			return "slow_down";
		}
		if (result instanceof CibaOutcome.Approved) {
			return "approved";
		}
		if (result instanceof CibaOutcome.Denied) {
			return "denied";
		}
		return (result instanceof CibaOutcome.Expired) ? "expired" : "failed";
	}

	@Override
	public String toString() {
		return "MeteredApprovalChannel[" + this.delegate + "]";
	}

}
