package dev.countersign.server.tool;

import reactor.core.publisher.Mono;

/**
 * A limit on how often a caller may call tools (DESIGN §9). The registry asks
 * {@link #admit(ToolCall)} first, before the user's policy and before any handler, so a
 * refused call costs no store or provider work.
 *
 * <pre>{@code
 * limit.admit(call).then(policy.admit(call)).then(handler.handle(call));
 * }</pre>
 */
public interface ToolCallLimit {

	/** No limit: every call is admitted. */
	ToolCallLimit NONE = (call) -> Mono.empty();

	/**
	 * Admits a call or refuses it.
	 * @param call the call
	 * @return completes when admitted; an error {@link ToolFailure} whose sentence says
	 * when to retry when refused
	 */
	Mono<Void> admit(ToolCall call);

}
