package dev.countersign.policy.trust;

import java.time.Clock;
import java.util.Objects;
import java.util.function.UnaryOperator;

import dev.countersign.policy.tool.Risk;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The trust ledger: records outcomes, answers the effective level policy uses, and
 * applies the user's settings (ceiling, pin, revoke, restore). All time comes from the
 * injected clock. An agent the user has no record of is a new agent: score 0, level L0,
 * ceiling {@link TrustFigures#defaultCeiling()}.
 *
 * <p>
 * Whether a settings change loosens governance (and so needs the user's phone) is decided
 * by {@code Loosening.trust(...)} before calling these methods; the ledger applies what
 * it is given. The system never raises a ceiling on its own.
 *
 * <pre>{@code
 * TrustLedger ledger = new TrustLedger(new InMemoryTrustStore(), TrustFigures.defaults(), clock);
 * ledger.record("auth0|ada", "claude", Risk.LOW, TrustOutcome.APPROVED_SUCCEEDED).block();
 * TrustLevel level = ledger.effectiveLevel("auth0|ada", "claude").block();
 * }</pre>
 */
public final class TrustLedger {

	private final TrustStore store;

	private final TrustFigures figures;

	private final Clock clock;

	/**
	 * Creates the ledger.
	 * @param store where the records live
	 * @param figures the trust figures
	 * @param clock the clock
	 */
	public TrustLedger(TrustStore store, TrustFigures figures, Clock clock) {
		this.store = Objects.requireNonNull(store, "store must not be null");
		this.figures = Objects.requireNonNull(figures, "figures must not be null");
		this.clock = Objects.requireNonNull(clock, "clock must not be null");
	}

	/**
	 * The figures the ledger uses.
	 * @return the trust figures
	 */
	public TrustFigures figures() {
		return this.figures;
	}

	/**
	 * Records what became of one of an agent's writes.
	 * @param user the user id
	 * @param agent the agent id
	 * @param risk the write's risk (not {@link Risk#NONE})
	 * @param outcome what became of it
	 * @return the stored record
	 */
	public Mono<AgentTrust> record(String user, String agent, Risk risk, TrustOutcome outcome) {
		Objects.requireNonNull(risk, "risk must not be null");
		Objects.requireNonNull(outcome, "outcome must not be null");
		if (risk == Risk.NONE) {
			return Mono.error(new IllegalArgumentException("risk must be that of a write, but was NONE"));
		}
		return change(user, agent, (trust) -> trust.record(outcome, risk, this.clock.instant(), this.figures));
	}

	/**
	 * The level policy uses for an agent now.
	 * @param user the user id
	 * @param agent the agent id
	 * @return the effective level; L0 for a new agent
	 */
	public Mono<TrustLevel> effectiveLevel(String user, String agent) {
		return view(user, agent).map(TrustView::effectiveLevel);
	}

	/**
	 * An agent's trust now.
	 * @param user the user id
	 * @param agent the agent id
	 * @return the view; a new agent's view when the user has no record of it
	 */
	public Mono<TrustView> view(String user, String agent) {
		return this.store.find(user, agent)
			.defaultIfEmpty(AgentTrust.newAgent(user, agent, this.figures.defaultCeiling(), this.clock.instant()))
			.map((trust) -> TrustView.of(trust, this.clock.instant(), this.figures));
	}

	/**
	 * The trust of every agent the user has a record of, now.
	 * @param user the user id
	 * @return the views, by agent id
	 */
	public Flux<TrustView> views(String user) {
		return this.store.findByUser(user).map((trust) -> TrustView.of(trust, this.clock.instant(), this.figures));
	}

	/**
	 * Sets the user's ceiling for an agent (lowering the pin with it if needed).
	 * @param user the user id
	 * @param agent the agent id
	 * @param ceiling the new ceiling
	 * @return the stored record
	 */
	public Mono<AgentTrust> setCeiling(String user, String agent, TrustLevel ceiling) {
		Objects.requireNonNull(ceiling, "ceiling must not be null");
		return change(user, agent, (trust) -> trust.withCeiling(ceiling));
	}

	/**
	 * Pins an agent's level, or unpins it.
	 * @param user the user id
	 * @param agent the agent id
	 * @param level the level, or {@code null} to use the earned level again
	 * @return the stored record; an error {@link PinAboveCeilingException} when the level
	 * is above the ceiling (nothing is stored then)
	 */
	public Mono<AgentTrust> pin(String user, String agent, @Nullable TrustLevel level) {
		return change(user, agent, (trust) -> trust.withPinned(level));
	}

	/**
	 * Revokes an agent.
	 * @param user the user id
	 * @param agent the agent id
	 * @return the stored record
	 */
	public Mono<AgentTrust> revoke(String user, String agent) {
		return change(user, agent, (trust) -> trust.withRevoked(true));
	}

	/**
	 * Restores a revoked agent (a loosening: approve it first).
	 * @param user the user id
	 * @param agent the agent id
	 * @return the stored record
	 */
	public Mono<AgentTrust> restore(String user, String agent) {
		return change(user, agent, (trust) -> trust.withRevoked(false));
	}

	private Mono<AgentTrust> change(String user, String agent, UnaryOperator<AgentTrust> change) {
		return this.store.update(user, agent, (current) -> change.apply((current != null) ? current
				: AgentTrust.newAgent(user, agent, this.figures.defaultCeiling(), this.clock.instant())));
	}

	@Override
	public String toString() {
		return "TrustLedger[" + this.store + "]";
	}

}
