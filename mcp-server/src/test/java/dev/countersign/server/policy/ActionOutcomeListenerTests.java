package dev.countersign.server.policy;

import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.countersign.policy.MutableClock;
import dev.countersign.policy.action.Action;
import dev.countersign.policy.action.ActionStatus;
import dev.countersign.policy.action.IdGenerator;
import dev.countersign.policy.action.InMemoryActionStore;
import dev.countersign.policy.action.TestActions;
import dev.countersign.policy.calibration.Calibrator;
import dev.countersign.policy.calibration.InMemoryCalibrationStore;
import dev.countersign.policy.calibration.Suggestion;
import dev.countersign.policy.routing.InMemoryRoutingStore;
import dev.countersign.policy.routing.RoutingSettings;
import dev.countersign.policy.routing.Thresholds;
import dev.countersign.policy.tool.Risk;
import dev.countersign.policy.tool.ToolDescriptor;
import dev.countersign.policy.trust.InMemoryTrustStore;
import dev.countersign.policy.trust.TrustFigures;
import dev.countersign.policy.trust.TrustLedger;
import dev.countersign.policy.trust.TrustOutcome;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Trust and calibration learn from every stored move of an action, through the one
 * wrapped store, with DESIGN §6's figures: auto-run success full weight, approved success
 * half, denial −5×, failure −2×, unknown −1×; answers counted per action.
 */
class ActionOutcomeListenerTests {

	private static final String USER = TestActions.USER;

	private static final String AGENT = TestActions.AGENT;

	/** Three HIGH auto-run successes: 9 points, 1 left under the daily cap. */
	private static final double SEEDED = 9;

	private final MutableClock clock = MutableClock.start();

	private final TrustLedger ledger = new TrustLedger(new InMemoryTrustStore(), TrustFigures.defaults(), this.clock);

	private final Calibrator calibrator = new Calibrator(new InMemoryCalibrationStore(), IdGenerator.ulid(this.clock),
			this.clock);

	private final InMemoryRoutingStore routing = new InMemoryRoutingStore();

	private final OutcomeRecordingActionStore store = new OutcomeRecordingActionStore(new InMemoryActionStore(),
			new ActionOutcomeListener(this.ledger, this.calibrator, this.routing));

	@BeforeEach
	void seed() {
		for (int i = 0; i < 3; i++) {
			this.ledger.record(USER, AGENT, Risk.HIGH, TrustOutcome.AUTO_RUN_SUCCEEDED).block();
		}
		assertThat(score()).isCloseTo(SEEDED, within(1e-9));
	}

	private double score() {
		return this.ledger.view(USER, AGENT).block().score();
	}

	private static TestActions.Builder low() {
		return TestActions.action().tool("deal_create", ToolDescriptor.DEALS).risk(Risk.LOW).confidence(0.9);
	}

	private Action insert(TestActions.Builder action) {
		return this.store.insert(action.build()).block();
	}

	private Action move(Action action, ActionStatus to) {
		return this.store
			.transition(action.user(), action.id(), action.status(), action.version(),
					(current) -> current.moveTo(to, this.clock.instant()))
			.block();
	}

	/** PENDING → APPROVED → EXECUTING → end, never batched: an auto-run. */
	private Action autoRun(ActionStatus end) {
		return move(move(move(insert(low()), ActionStatus.APPROVED), ActionStatus.EXECUTING), end);
	}

	/** BATCHED → APPROVED → EXECUTING → end: approved on the phone. */
	private Action approvedRun(ActionStatus end) {
		return move(
				move(move(insert(low().inStatus(ActionStatus.BATCHED)), ActionStatus.APPROVED), ActionStatus.EXECUTING),
				end);
	}

	@Test
	void autoRunSucceededThenFullWeight() {
		autoRun(ActionStatus.SUCCEEDED);
		assertThat(score()).isCloseTo(SEEDED + 1, within(1e-9));
	}

	@Test
	void approvedRunSucceededThenHalfWeight() {
		approvedRun(ActionStatus.SUCCEEDED);
		assertThat(score()).isCloseTo(SEEDED + 0.5, within(1e-9));
	}

	@Test
	void deniedThroughTransitionFromThenRecordedToo() {
		Action batched = insert(low().inStatus(ActionStatus.BATCHED));
		this.store.transitionFrom(batched, (current) -> current.moveTo(ActionStatus.DENIED, this.clock.instant()))
			.block();
		assertThat(score()).isCloseTo(SEEDED - 5, within(1e-9));
	}

	@Test
	void deniedThenFiveTimesWeightOff() {
		move(insert(low().inStatus(ActionStatus.BATCHED)), ActionStatus.DENIED);
		assertThat(score()).isCloseTo(SEEDED - 5, within(1e-9));
	}

	@Test
	void failedThenTwiceWeightOff() {
		approvedRun(ActionStatus.FAILED);
		assertThat(score()).isCloseTo(SEEDED - 2, within(1e-9));
	}

	@Test
	void unknownThenWeightOffAndTheUsersResolutionIsNotCountedAgain() {
		Action unknown = autoRun(ActionStatus.UNKNOWN);
		assertThat(score()).isCloseTo(SEEDED - 1, within(1e-9));
		move(unknown, ActionStatus.SUCCEEDED);
		assertThat(score()).isCloseTo(SEEDED - 1, within(1e-9));
	}

	@Test
	void mediumRiskThenWeightTwo() {
		move(insert(low().risk(Risk.MEDIUM).inStatus(ActionStatus.BATCHED)), ActionStatus.DENIED);
		assertThat(score()).isCloseTo(0, within(1e-9));
		move(move(move(insert(low().risk(Risk.MEDIUM)), ActionStatus.APPROVED), ActionStatus.EXECUTING),
				ActionStatus.SUCCEEDED);
		assertThat(score()).isCloseTo(1, within(1e-9)); // the day's cap left 1 of the 2
	}

	@Test
	void endingsThatAreNotTheAgentsDoingThenNotCounted() {
		move(insert(low()), ActionStatus.CANCELLED);
		move(insert(low().inStatus(ActionStatus.BATCHED)), ActionStatus.EXPIRED);
		move(insert(low().inStatus(ActionStatus.BATCHED)), ActionStatus.FAILED); // refused
																					// batch
		move(move(insert(low().inStatus(ActionStatus.BATCHED)), ActionStatus.APPROVED), ActionStatus.EXPIRED);
		assertThat(score()).isCloseTo(SEEDED, within(1e-9));
	}

	@Test
	void fiveApprovalsAtHighConfidenceThenSuggestionForThatAgentAndTool() {
		for (int i = 0; i < 4; i++) {
			move(insert(low().inStatus(ActionStatus.BATCHED)), ActionStatus.APPROVED);
		}
		assertThat(this.calibrator.suggestions(USER).collectList().block()).isEmpty();
		move(insert(low().inStatus(ActionStatus.BATCHED)), ActionStatus.APPROVED);
		List<Suggestion> suggestions = this.calibrator.suggestions(USER).collectList().block();
		assertThat(suggestions).singleElement().satisfies((suggestion) -> {
			assertThat(suggestion.agent()).isEqualTo(AGENT);
			assertThat(suggestion.tool()).isEqualTo("deal_create");
			assertThat(suggestion.counts().approved()).isEqualTo(5);
		});
	}

	@Test
	void denialsCountAgainstTheSuggestion() {
		for (int i = 0; i < 5; i++) {
			move(insert(low().inStatus(ActionStatus.BATCHED)), ActionStatus.APPROVED);
		}
		assertThat(this.calibrator.suggestions(USER).collectList().block()).hasSize(1);
		// another agent: 5 approved of 7 answers (71 %) does not qualify
		move(insert(low().agent("other-agent").inStatus(ActionStatus.BATCHED)), ActionStatus.DENIED);
		move(insert(low().agent("other-agent").inStatus(ActionStatus.BATCHED)), ActionStatus.DENIED);
		for (int i = 0; i < 5; i++) {
			move(insert(low().agent("other-agent").inStatus(ActionStatus.BATCHED)), ActionStatus.APPROVED);
		}
		assertThat(this.calibrator.suggestions(USER).collectList().block())
			.noneMatch((s) -> s.agent().equals("other-agent"));
	}

	@Test
	void answersBelowTheUsersOwnAutoApproveAtThenNotCounted() {
		this.routing.replace(USER, 0, RoutingSettings.defaults().withThresholds(new Thresholds(0.95, 0.5))).block();
		for (int i = 0; i < 6; i++) {
			move(insert(low().inStatus(ActionStatus.BATCHED)), ActionStatus.APPROVED);
		}
		assertThat(this.calibrator.suggestions(USER).collectList().block()).isEmpty();
	}

}
