package dev.countersign.server.approval;

import java.time.Duration;

import reactor.core.publisher.Mono;

import dev.countersign.ciba.BackchannelAuthenticationRequest;
import dev.countersign.ciba.BackchannelAuthenticationResponse;
import dev.countersign.ciba.PollResult;

/**
 * Where the approval loop asks users to approve a batch and looks for their answer: CIBA
 * in poll mode ({@link CibaApprovalChannel}). The errors are {@code ciba-client}'s:
 * {@code CibaStartRejectedException}, {@code CibaStartOutcomeUnknownException} and
 * {@code CibaUnavailableException}. Implementations are thread-safe.
 */
public interface ApprovalChannel {

	/**
	 * Sends one backchannel authentication request: one push on the user's phone. Never
	 * retried blindly.
	 * @param request the request
	 * @return the {@code auth_req_id} with its lifetime and polling interval
	 */
	Mono<BackchannelAuthenticationResponse> start(BackchannelAuthenticationRequest request);

	/**
	 * Polls once for the answer: exactly one request.
	 * @param authReqId the {@code auth_req_id}
	 * @param interval the interval in force
	 * @return pending, slow down, or the outcome
	 */
	Mono<PollResult> poll(String authReqId, Duration interval);

}
