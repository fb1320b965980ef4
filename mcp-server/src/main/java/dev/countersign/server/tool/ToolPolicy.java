package dev.countersign.server.tool;

import reactor.core.publisher.Mono;

import dev.countersign.policy.action.Action;
import dev.countersign.policy.approval.SubmitRequest;
import dev.countersign.policy.decision.Decision;

/**
 * The user's policy at the MCP edge (DESIGN §4 step 1, §6): who may call at all, which
 * reads the user's rules deny, how each write is routed, and running the writes policy
 * auto-approved. The registry asks {@link #admit(ToolCall)} before any handler runs; the
 * write tools ask {@link #decideWrite(ToolCall, SubmitRequest)} just before freezing.
 * Refusals are {@link ToolFailure}s whose one sentence the agent can act on.
 *
 * <pre>{@code
 * policy.admit(call).then(handler.handle(call));
 * policy.decideWrite(call, request).flatMap((decision) -> ...);
 * }</pre>
 */
public interface ToolPolicy {

	/**
	 * Admits a call before its handler runs: a revoked agent is refused whatever it
	 * calls, and a read a rule of the user denies is refused with the rule's reason.
	 * Governance tools and writes pass here (writes are decided when frozen).
	 * @param call the call
	 * @return completes when admitted; an error {@link ToolFailure} when refused
	 */
	Mono<Void> admit(ToolCall call);

	/**
	 * Decides a write about to be frozen, with the user's rules and routing, the agent's
	 * effective trust level, the caller's email claim, the frozen arguments, the elevated
	 * risk and the stated confidence.
	 * @param call the call
	 * @param request the write as it would be frozen
	 * @return {@code AutoApprove}, {@code Batch}, {@code ReviewNow} or {@code Deny}; an
	 * error {@link ToolFailure} when the agent is revoked
	 */
	Mono<Decision> decideWrite(ToolCall call, SubmitRequest request);

	/**
	 * Runs a write policy auto-approved, now and once: obtains the provider token for it
	 * (a fresh exchange of the caller's token, never a cached read token), then freezes
	 * it by subscribing to {@code frozen}, then moves the action
	 * {@code PENDING → APPROVED → EXECUTING → SUCCEEDED | FAILED | UNKNOWN} by
	 * compare-and-set. Never retried.
	 * @param call the call
	 * @param frozen freezes the write (and records it) when subscribed
	 * @return the action as it ended; as found when it was not {@code PENDING} or another
	 * call claimed it first; an error {@link ToolFailure} when no provider token could be
	 * obtained (nothing is frozen then)
	 */
	Mono<Action> runNow(ToolCall call, Mono<Action> frozen);

	/**
	 * What the agent hears when a rule of the user refuses a call.
	 * @param tool the tool called
	 * @param deny the decision
	 * @return one sentence naming the rule and why, for example {@code github_list_issues
	 * was refused by your rule #1 (deny): tools github_*. Nothing was done.}
	 */
	static String refused(String tool, Decision.Deny deny) {
		return tool + " was refused by your " + deny.reason() + ". Nothing was done.";
	}

}
