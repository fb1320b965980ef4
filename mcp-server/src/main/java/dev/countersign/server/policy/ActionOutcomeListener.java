package dev.countersign.server.policy;

import java.util.Objects;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import dev.countersign.policy.action.Action;
import dev.countersign.policy.action.ActionStatus;
import dev.countersign.policy.calibration.Calibrator;
import dev.countersign.policy.routing.RoutingStore;
import dev.countersign.policy.tool.Risk;
import dev.countersign.policy.trust.TrustLedger;
import dev.countersign.policy.trust.TrustOutcome;

/**
 * Learns from how actions end (DESIGN §4 step 8, §6): the trust ledger and calibration.
 * Told of every stored move of an action ({@link OutcomeRecordingActionStore}), it counts
 * these and ignores the rest:
 * <table>
 * <caption>What is counted</caption>
 * <tr>
 * <th>move</th>
 * <th>trust ({@link TrustLedger#record})</th>
 * <th>calibration ({@link Calibrator#recordAnswer})</th>
 * </tr>
 * <tr>
 * <td>{@code BATCHED → APPROVED} (the user approved the batch)</td>
 * <td>—</td>
 * <td>approved</td>
 * </tr>
 * <tr>
 * <td>{@code BATCHED → DENIED} (the user denied it, or let the push lapse)</td>
 * <td>{@link TrustOutcome#DENIED}</td>
 * <td>denied</td>
 * </tr>
 * <tr>
 * <td>{@code EXECUTING → SUCCEEDED}</td>
 * <td>{@link TrustOutcome#AUTO_RUN_SUCCEEDED} for an action that never joined a batch
 * (auto-approved), else {@link TrustOutcome#APPROVED_SUCCEEDED}</td>
 * <td>—</td>
 * </tr>
 * <tr>
 * <td>{@code EXECUTING → FAILED}</td>
 * <td>{@link TrustOutcome#FAILED}</td>
 * <td>—</td>
 * </tr>
 * <tr>
 * <td>{@code EXECUTING → UNKNOWN}</td>
 * <td>{@link TrustOutcome#UNKNOWN}</td>
 * <td>—</td>
 * </tr>
 * </table>
 * Endings that are not the agent's doing are not counted: a batch refused as tampered or
 * whose token exchange failed, an expiry, a cancel, and the user's later resolution of an
 * {@code UNKNOWN} action. Calibration compares the write's confidence with the
 * {@code auto_approve_at} that applies to it in the user's routing settings now.
 *
 * <p>
 * The returned {@code Mono} never fails: learning never changes an outcome. A failure is
 * logged at WARN (user, agent, action id and the error's class; never a detail).
 * Thread-safe.
 */
public final class ActionOutcomeListener {

	private static final Logger logger = LoggerFactory.getLogger(ActionOutcomeListener.class);

	private final TrustLedger ledger;

	private final Calibrator calibrator;

	private final RoutingStore routing;

	/**
	 * Creates the listener.
	 * @param ledger records trust outcomes
	 * @param calibrator counts the user's answers
	 * @param routing the users' routing settings ({@code auto_approve_at})
	 */
	public ActionOutcomeListener(TrustLedger ledger, Calibrator calibrator, RoutingStore routing) {
		this.ledger = Objects.requireNonNull(ledger, "ledger must not be null");
		this.calibrator = Objects.requireNonNull(calibrator, "calibrator must not be null");
		this.routing = Objects.requireNonNull(routing, "routing must not be null");
	}

	/**
	 * Learns from one stored move.
	 * @param from the status the action left
	 * @param action the action as stored after the move
	 * @return completes when recorded (or at once for a move that is not counted)
	 */
	public Mono<Void> moved(ActionStatus from, Action action) {
		Mono<?> learned = learn(from, action);
		return learned.then().onErrorResume((ex) -> {
			logger.warn("Trust or calibration of agent {} for user {} not updated after action {}: {}", action.agent(),
					action.user(), action.id(), ex.getClass().getSimpleName());
			return Mono.empty();
		});
	}

	private Mono<?> learn(ActionStatus from, Action action) {
		ActionStatus to = action.status();
		if (from == ActionStatus.BATCHED && to == ActionStatus.APPROVED) {
			return answered(action, true);
		}
		if (from == ActionStatus.BATCHED && to == ActionStatus.DENIED) {
			return trust(action, TrustOutcome.DENIED).then(answered(action, false));
		}
		if (from != ActionStatus.EXECUTING) {
			return Mono.empty();
		}
		if (to == ActionStatus.SUCCEEDED) {
			// an auto-approved action never joins a batch
			return trust(action,
					(action.batchId() == null) ? TrustOutcome.AUTO_RUN_SUCCEEDED : TrustOutcome.APPROVED_SUCCEEDED);
		}
		if (to == ActionStatus.FAILED) {
			return trust(action, TrustOutcome.FAILED);
		}
		if (to == ActionStatus.UNKNOWN) {
			return trust(action, TrustOutcome.UNKNOWN);
		}
		return Mono.empty();
	}

	private Mono<?> trust(Action action, TrustOutcome outcome) {
		if (action.risk() == Risk.NONE) {
			return Mono.empty();
		}
		return this.ledger.record(action.user(), action.agent(), action.risk(), outcome);
	}

	private Mono<?> answered(Action action, boolean approved) {
		return this.routing.find(action.user())
			.map((stored) -> stored.settings().thresholdsFor(action.tool(), action.connection()).autoApproveAt())
			.flatMap((autoApproveAt) -> this.calibrator.recordAnswer(action.user(), action.agent(), action.tool(),
					action.confidence(), autoApproveAt, approved))
			.doOnNext((suggestion) -> logger.info("Calibration suggestion {} open for user {}: {}", suggestion.id(),
					action.user(), suggestion.text()));
	}

	@Override
	public String toString() {
		return "ActionOutcomeListener[" + this.ledger + ", " + this.calibrator + "]";
	}

}
