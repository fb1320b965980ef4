package dev.countersign.policy.calibration;

import java.time.Clock;
import java.time.Instant;
import java.util.Objects;

import dev.countersign.policy.action.IdGenerator;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Turns a user's answers into calibration suggestions (DESIGN §6). Only writes the user
 * answered (approved or denied) whose confidence was at or above the
 * {@code auto_approve_at} in force when they were decided are counted; when an agent and
 * tool reach {@link OutcomeCounts#qualifies()} (at least 5 approvals, at least 80 %
 * approved), a suggestion opens, unless the user already accepted or dismissed one for
 * that agent and tool.
 *
 * <p>
 * Accepting is a loosening: the config API holds it as a pending change, and once the
 * user approved that on the phone calls {@link #accept(String, String)} and appends
 * {@link Suggestion#toRule()} to the user's rules.
 *
 * <pre>{@code
 * Calibrator calibrator = new Calibrator(new InMemoryCalibrationStore(), IdGenerator.ulid(clock), clock);
 * calibrator.recordAnswer(user, "claude", "email_create_draft", 0.92, 0.85, true)
 *     .subscribe((suggestion) -> log.info(suggestion.text()));
 * }</pre>
 */
public final class Calibrator {

	private final CalibrationStore store;

	private final IdGenerator ids;

	private final Clock clock;

	/**
	 * Creates the calibrator.
	 * @param store where counts and suggestions live
	 * @param ids makes suggestion ids
	 * @param clock the clock
	 */
	public Calibrator(CalibrationStore store, IdGenerator ids, Clock clock) {
		this.store = Objects.requireNonNull(store, "store must not be null");
		this.ids = Objects.requireNonNull(ids, "ids must not be null");
		this.clock = Objects.requireNonNull(clock, "clock must not be null");
	}

	/**
	 * Records the user's answer to one write.
	 * @param user the user id
	 * @param agent the agent id
	 * @param tool the write tool
	 * @param confidence the write's stated confidence, or {@code null} (counts as 0)
	 * @param autoApproveAt the {@code auto_approve_at} that applied to the write
	 * @param approved whether the user approved it
	 * @return the open suggestion for this agent and tool when the counts qualify; empty
	 * otherwise (also when the write was not counted)
	 */
	public Mono<Suggestion> recordAnswer(String user, String agent, String tool, @Nullable Double confidence,
			double autoApproveAt, boolean approved) {
		double stated = (confidence != null) ? confidence : 0.0;
		if (stated < autoApproveAt) {
			return Mono.empty();
		}
		return this.store.count(user, agent, tool, approved).filter(OutcomeCounts::qualifies).flatMap((counts) -> {
			Instant now = this.clock.instant();
			return this.store.offer(new Suggestion(this.ids.next(Suggestion.ID_PREFIX), user, agent, tool, counts,
					SuggestionStatus.OPEN, now, now));
		});
	}

	/**
	 * A user's suggestions.
	 * @param user the user id
	 * @return the suggestions, oldest first
	 */
	public Flux<Suggestion> suggestions(String user) {
		return this.store.findByUser(user);
	}

	/**
	 * Accepts an open suggestion (after the loosening was approved).
	 * @param user the user id
	 * @param id the suggestion id
	 * @return the accepted suggestion; empty when there is none or it is not open
	 */
	public Mono<Suggestion> accept(String user, String id) {
		return this.store.decide(user, id, SuggestionStatus.ACCEPTED, this.clock.instant());
	}

	/**
	 * Dismisses an open suggestion; none comes back for the same agent and tool.
	 * @param user the user id
	 * @param id the suggestion id
	 * @return the dismissed suggestion; empty when there is none or it is not open
	 */
	public Mono<Suggestion> dismiss(String user, String id) {
		return this.store.decide(user, id, SuggestionStatus.DISMISSED, this.clock.instant());
	}

	@Override
	public String toString() {
		return "Calibrator[" + this.store + "]";
	}

}
