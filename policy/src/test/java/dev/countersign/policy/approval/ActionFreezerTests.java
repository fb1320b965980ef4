package dev.countersign.policy.approval;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.countersign.policy.MutableClock;
import dev.countersign.policy.action.Action;
import dev.countersign.policy.action.ActionStatus;
import dev.countersign.policy.action.IdGenerator;
import dev.countersign.policy.action.InMemoryActionStore;
import dev.countersign.policy.action.TestActions;
import dev.countersign.policy.tool.Risk;
import dev.countersign.policy.tool.ToolDescriptor;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class ActionFreezerTests {

	private static final ToolDescriptor DEAL_UPDATE = ToolDescriptor.write("deal_update", ToolDescriptor.DEALS,
			Risk.MEDIUM);

	private static final ToolDescriptor EMAIL_SEND = ToolDescriptor.destructiveWrite("email_send",
			ToolDescriptor.GOOGLE, Risk.HIGH);

	private final MutableClock clock = MutableClock.start();

	private final InMemoryActionStore store = new InMemoryActionStore();

	private ActionFreezer freezer = freezer(ApprovalConfig.defaults());

	private ActionFreezer freezer(ApprovalConfig config) {
		return new ActionFreezer(this.store, config, this.clock, IdGenerator.ulid(this.clock));
	}

	private static SubmitRequest update(String stage) {
		return SubmitRequest.batch(TestActions.USER, TestActions.AGENT, DEAL_UPDATE,
				Map.of("deal_id", "D-1001", "stage", stage), Map.of("deal_version", 3), 0.7);
	}

	private Action submit(SubmitRequest request) {
		return this.freezer.submit(request).block();
	}

	private Action cancel(Action action) {
		return this.store
			.transition(action.user(), action.id(), action.status(), action.version(),
					(current) -> current.moveTo(ActionStatus.CANCELLED, this.clock.instant()))
			.block();
	}

	@Test
	void submitWhenNewWriteThenPendingActionThatExpiresAfterTheTtl() {
		Action action = submit(update("proposal"));
		assertThat(action.id()).matches("act_[0-9A-Z]{26}");
		assertThat(action.status()).isEqualTo(ActionStatus.PENDING);
		assertThat(action.user()).isEqualTo(TestActions.USER);
		assertThat(action.agent()).isEqualTo(TestActions.AGENT);
		assertThat(action.tool()).isEqualTo("deal_update");
		assertThat(action.connection()).isEqualTo(ToolDescriptor.DEALS);
		assertThat(action.risk()).isEqualTo(Risk.MEDIUM);
		assertThat(action.destructive()).isFalse();
		assertThat(action.lowConfidence()).isFalse();
		assertThat(action.reviewNow()).isFalse();
		assertThat(action.createdAt()).isEqualTo(MutableClock.START);
		assertThat(action.approveBy()).isEqualTo(MutableClock.START.plus(Duration.ofMinutes(15)));
		assertThat(action.version()).isZero();
		assertThat(action.batchId()).isNull();
		assertThat(action.digestMatches()).isTrue();
		assertThat(this.store.find(TestActions.USER, action.id()).block()).isEqualTo(action);
	}

	@Test
	void submitWhenSameWriteWhileLiveThenTheFirstAction() {
		Action first = submit(update("proposal"));
		this.clock.advance(Duration.ofSeconds(10));
		assertThat(submit(update("proposal"))).isEqualTo(first);
		Action batched = this.store
			.transition(first.user(), first.id(), ActionStatus.PENDING, 0,
					(current) -> current.batched("bat_1", this.clock.instant()))
			.block();
		assertThat(submit(update("proposal"))).isEqualTo(batched);
		StepVerifier.create(this.store.countLive(TestActions.USER, TestActions.AGENT)).expectNext(1L).verifyComplete();
	}

	@Test
	void submitWhenSameWriteAfterTheFirstEndedThenNewAction() {
		Action first = submit(update("proposal"));
		cancel(first);
		Action second = submit(update("proposal"));
		assertThat(second.id()).isNotEqualTo(first.id());
		assertThat(second.digest()).isEqualTo(first.digest());
		assertThat(second.status()).isEqualTo(ActionStatus.PENDING);
	}

	@Test
	void submitWhenSameWriteFromAnotherAgentThenNewAction() {
		Action first = submit(update("proposal"));
		Action other = submit(SubmitRequest.batch(TestActions.USER, TestActions.OTHER_AGENT, DEAL_UPDATE,
				Map.of("deal_id", "D-1001", "stage", "proposal"), Map.of("deal_version", 3), 0.7));
		assertThat(other.id()).isNotEqualTo(first.id());
		assertThat(other.digest()).isNotEqualTo(first.digest());
	}

	@Test
	void submitWhenAgentAtItsCapThenTooManyPendingActionsException() {
		this.freezer = freezer(ApprovalConfig.defaults().withMaxPendingPerAgent(3));
		Action first = submit(update("a"));
		submit(update("b"));
		submit(update("c"));
		StepVerifier.create(this.freezer.submit(update("d")))
			.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOf(TooManyPendingActionsException.class)
				.hasMessage("Agent claude-desktop already has 3 actions waiting for approval, the most allowed;"
						+ " wait for the user to approve them or cancel some before submitting more"))
			.verify();
		// a retry of a held write is still answered, and other agents have their own cap
		assertThat(submit(update("a"))).isEqualTo(first);
		assertThat(submit(SubmitRequest.batch(TestActions.USER, TestActions.OTHER_AGENT, DEAL_UPDATE,
				Map.of("stage", "d"), Map.of(), null)))
			.isNotNull();
		cancel(first);
		assertThat(submit(update("d")).status()).isEqualTo(ActionStatus.PENDING);
	}

	@Test
	void submitWhenConfidenceAtOrBelowReviewBelowOrMissingThenLowConfidence() {
		assertThat(submit(update("x").withRisk(Risk.MEDIUM)).lowConfidence()).isFalse();
		assertThat(submit(
				SubmitRequest.batch(TestActions.USER, TestActions.AGENT, DEAL_UPDATE, Map.of("s", 1), Map.of(), 0.5))
			.lowConfidence()).isTrue();
		assertThat(submit(
				SubmitRequest.batch(TestActions.USER, TestActions.AGENT, DEAL_UPDATE, Map.of("s", 2), Map.of(), null))
			.lowConfidence()).isTrue();
	}

	@Test
	void submitWhenPolicyFlaggedLowConfidenceThenTheUsersReviewBelowWinsOverTheGlobalDefault() {
		// a user whose review_below is 0.75 flags 0.7, which the global 0.50 would not
		assertThat(submit(update("u1").withLowConfidence(true)).lowConfidence()).isTrue();
		// a user whose review_below is 0.30 does not flag 0.4, which the global 0.50
		// would
		assertThat(submit(
				SubmitRequest.batch(TestActions.USER, TestActions.AGENT, DEAL_UPDATE, Map.of("s", 3), Map.of(), 0.4)
					.withLowConfidence(false)
					.withRisk(Risk.MEDIUM)
					.reviewingNow())
			.lowConfidence()).isFalse();
	}

	@Test
	void submitWhenDestructiveReviewNowAndElevatedRiskThenCarriedOver() {
		Action email = submit(SubmitRequest
			.batch(TestActions.USER, TestActions.AGENT, EMAIL_SEND, Map.of("to", List.of("alan@example.com")), Map.of(),
					0.9)
			.reviewingNow());
		assertThat(email.destructive()).isTrue();
		assertThat(email.reviewNow()).isTrue();
		assertThat(email.risk()).isEqualTo(Risk.HIGH);
		assertThat(email.connection()).isEqualTo(ToolDescriptor.GOOGLE);
		assertThat(submit(update("y").withRisk(Risk.HIGH)).risk()).isEqualTo(Risk.HIGH);
	}

	@Test
	void submitRequestWhenNotAWriteOrRiskBelowBaseThenRefused() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> SubmitRequest.batch(TestActions.USER, TestActions.AGENT,
					ToolDescriptor.read("deal_get", ToolDescriptor.DEALS), Map.of(), Map.of(), null))
			.withMessage("tool must be a write, but deal_get is READ");
		assertThatIllegalArgumentException().isThrownBy(() -> update("x").withRisk(Risk.LOW))
			.withMessage("risk must be at least the base risk MEDIUM of deal_update, but was LOW");
		assertThatIllegalArgumentException().isThrownBy(
				() -> SubmitRequest.batch(TestActions.USER, TestActions.AGENT, DEAL_UPDATE, Map.of(), Map.of(), 1.2))
			.withMessage("confidence must be between 0 and 1, but was 1.2");
	}

	@Test
	void expireOverdueWhenClockPassesApproveByThenPendingAndBatchedExpire() {
		Action early = submit(update("early"));
		this.clock.advance(Duration.ofMinutes(5));
		Action later = submit(update("later"));
		Action batched = this.store
			.transition(later.user(), later.id(), ActionStatus.PENDING, 0,
					(current) -> current.batched("bat_1", this.clock.instant()))
			.block();
		Action cancelled = cancel(submit(update("cancelled")));

		StepVerifier.create(this.freezer.expireOverdue(MutableClock.START.plus(Duration.ofMinutes(15)).minusMillis(1)))
			.verifyComplete();
		this.clock.set(MutableClock.START.plus(Duration.ofMinutes(15)));
		StepVerifier.create(this.freezer.expireOverdue(this.clock.instant())).assertNext((expired) -> {
			assertThat(expired.id()).isEqualTo(early.id());
			assertThat(expired.status()).isEqualTo(ActionStatus.EXPIRED);
			assertThat(expired.reason()).startsWith("not approved before");
			assertThat(expired.updatedAt()).isEqualTo(this.clock.instant());
		}).verifyComplete();
		this.clock.advance(Duration.ofMinutes(5));
		StepVerifier.create(this.freezer.expireOverdue(this.clock.instant()))
			.assertNext((expired) -> assertThat(expired.id()).isEqualTo(batched.id()))
			.verifyComplete();
		assertThat(this.store.find(TestActions.USER, cancelled.id()).block().status())
			.isEqualTo(ActionStatus.CANCELLED);
		// an expired write may be submitted again, as a new action
		assertThat(submit(update("early")).id()).isNotEqualTo(early.id());
	}

	@Test
	void expireOverdueForOneUserWhenOthersAreOverdueTooThenOnlyThatUsersExpire() {
		Action ada = submit(update("ada"));
		Action mallory = submit(SubmitRequest.batch(TestActions.OTHER_USER, TestActions.AGENT, DEAL_UPDATE,
				Map.of("deal_id", "D-1001", "stage", "mallory"), Map.of("deal_version", 3), 0.7));
		this.clock.advance(Duration.ofMinutes(15));

		StepVerifier.create(this.freezer.expireOverdue(TestActions.OTHER_USER, this.clock.instant()))
			.assertNext((expired) -> assertThat(expired.id()).isEqualTo(mallory.id()))
			.verifyComplete();
		assertThat(this.store.find(TestActions.USER, ada.id()).block().status()).isEqualTo(ActionStatus.PENDING);
	}

	@Test
	void submitWhenManyThreadsSubmitDifferentWritesAtOnceThenNeverPastTheCap() throws Exception {
		this.freezer = freezer(ApprovalConfig.defaults().withMaxPendingPerAgent(4));
		int threads = 12;
		ExecutorService pool = Executors.newFixedThreadPool(threads);
		try {
			CountDownLatch go = new CountDownLatch(1);
			List<Future<Boolean>> outcomes = new ArrayList<>();
			for (int i = 0; i < threads; i++) {
				String stage = "stage-" + i;
				outcomes.add(pool.submit(() -> {
					go.await();
					return this.freezer.submit(update(stage))
						.map((action) -> true)
						.onErrorResume(TooManyPendingActionsException.class, (ex) -> Mono.just(false))
						.block();
				}));
			}
			go.countDown();
			int frozen = 0;
			for (Future<Boolean> outcome : outcomes) {
				frozen += outcome.get(10, TimeUnit.SECONDS) ? 1 : 0;
			}
			assertThat(frozen).isEqualTo(4);
			StepVerifier.create(this.store.countLive(TestActions.USER, TestActions.AGENT))
				.expectNext(4L)
				.verifyComplete();
		}
		finally {
			pool.shutdownNow();
		}
	}

	@Test
	void submitWhenManyThreadsSubmitTheSameWriteThenOneAction() throws Exception {
		int threads = 16;
		ExecutorService pool = Executors.newFixedThreadPool(threads);
		try {
			CountDownLatch go = new CountDownLatch(1);
			List<Future<Action>> outcomes = new ArrayList<>();
			for (int i = 0; i < threads; i++) {
				outcomes.add(pool.submit(() -> {
					go.await();
					return submit(update("racing"));
				}));
			}
			go.countDown();
			List<String> ids = new ArrayList<>();
			for (Future<Action> outcome : outcomes) {
				ids.add(outcome.get(10, TimeUnit.SECONDS).id());
			}
			assertThat(ids).containsOnly(ids.get(0));
			StepVerifier.create(this.store.countLive(TestActions.USER, TestActions.AGENT))
				.expectNext(1L)
				.verifyComplete();
		}
		finally {
			pool.shutdownNow();
		}
	}

}
