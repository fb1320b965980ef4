package dev.countersign.policy.calibration;

import java.time.Instant;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Calibration state, kept per user: answer counts per (agent, tool) and suggestions (at
 * most one per agent and tool, ever). Another user's ids are simply not found.
 * Implementations are thread-safe and every method is atomic; the shared contract is
 * tested by {@code AbstractCalibrationStoreTests} in policy's test-jar.
 */
public interface CalibrationStore {

	/**
	 * Counts one answer.
	 * @param user the user id
	 * @param agent the agent id
	 * @param tool the tool name
	 * @param approved whether the user approved
	 * @return the counts after this answer
	 */
	Mono<OutcomeCounts> count(String user, String agent, String tool, boolean approved);

	/**
	 * The counts of an agent and tool.
	 * @param user the user id
	 * @param agent the agent id
	 * @param tool the tool name
	 * @return the counts; {@link OutcomeCounts#NONE} when there are none
	 */
	Mono<OutcomeCounts> findCounts(String user, String agent, String tool);

	/**
	 * Opens a suggestion, or refreshes the open one. When the user has no suggestion for
	 * the candidate's agent and tool, the candidate is stored; when an {@code OPEN} one
	 * exists, its counts and {@code updatedAt} are taken from the candidate (its id
	 * stays); when a decided one exists, nothing changes.
	 * @param candidate an {@code OPEN} suggestion
	 * @return the stored open suggestion; empty when the user already accepted or
	 * dismissed one for that agent and tool
	 */
	Mono<Suggestion> offer(Suggestion candidate);

	/**
	 * Finds a suggestion.
	 * @param user the user id
	 * @param id the suggestion id
	 * @return the suggestion, or empty
	 */
	Mono<Suggestion> find(String user, String id);

	/**
	 * Lists a user's suggestions, oldest first.
	 * @param user the user id
	 * @return the suggestions, whatever their status
	 */
	Flux<Suggestion> findByUser(String user);

	/**
	 * Decides an open suggestion, by compare-and-set on its status.
	 * @param user the user id
	 * @param id the suggestion id
	 * @param status {@code ACCEPTED} or {@code DISMISSED}
	 * @param at when
	 * @return the decided suggestion; empty when there is none or it is no longer open
	 */
	Mono<Suggestion> decide(String user, String id, SuggestionStatus status, Instant at);

}
