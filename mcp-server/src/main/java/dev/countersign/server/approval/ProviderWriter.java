package dev.countersign.server.approval;

import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import dev.countersign.policy.action.Action;

/**
 * Performs approved writes at a provider (or in Countersign's own stores), one action at
 * a time, exactly as frozen. A write is NEVER retried here or below: a failure before the
 * provider accepted the request is a {@link WriteRejectedException} (the action becomes
 * {@code FAILED} with its reason); a failure after the request may have been sent (a time
 * limit, a lost answer) is a {@link WriteOutcomeUnknownException} (the action becomes
 * {@code UNKNOWN} and the user resolves it).
 */
public interface ProviderWriter {

	/**
	 * The tools this writer executes.
	 * @return tool names
	 */
	Set<String> tools();

	/**
	 * Executes one approved action.
	 * @param action the action, its arguments and preconditions frozen and verified
	 * @param providerToken the provider token obtained for this batch after the approval,
	 * or null for a tool that writes to Countersign's own store
	 * @return the result, matching the tool's {@code result} output schema
	 */
	Mono<Map<String, Object>> execute(Action action, @Nullable String providerToken);

}
