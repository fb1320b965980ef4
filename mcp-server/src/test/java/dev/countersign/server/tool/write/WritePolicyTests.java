package dev.countersign.server.tool.write;

import java.net.URI;
import java.time.Duration;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.server.McpAsyncServerExchange;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.countersign.policy.MutableClock;
import dev.countersign.policy.action.Action;
import dev.countersign.policy.action.ActionStatus;
import dev.countersign.policy.action.IdGenerator;
import dev.countersign.policy.action.InMemoryActionStore;
import dev.countersign.policy.approval.ActionFreezer;
import dev.countersign.policy.approval.ApprovalConfig;
import dev.countersign.policy.audit.AuditConfig;
import dev.countersign.policy.audit.AuditEvent;
import dev.countersign.policy.audit.AuditEventType;
import dev.countersign.policy.audit.AuditTrail;
import dev.countersign.policy.audit.CheckpointSigner;
import dev.countersign.policy.audit.InMemoryAuditStore;
import dev.countersign.policy.calibration.Calibrator;
import dev.countersign.policy.calibration.InMemoryCalibrationStore;
import dev.countersign.policy.deal.DemoDeals;
import dev.countersign.policy.deal.InMemoryDealStore;
import dev.countersign.policy.decision.PolicyEngine;
import dev.countersign.policy.routing.InMemoryRoutingStore;
import dev.countersign.policy.routing.RoutingSettings;
import dev.countersign.policy.routing.Thresholds;
import dev.countersign.policy.rule.Effect;
import dev.countersign.policy.rule.InMemoryRuleStore;
import dev.countersign.policy.rule.Rule;
import dev.countersign.policy.trust.InMemoryTrustStore;
import dev.countersign.policy.trust.TrustFigures;
import dev.countersign.policy.trust.TrustLedger;
import dev.countersign.policy.trust.TrustLevel;
import dev.countersign.server.approval.AutoRunner;
import dev.countersign.server.audit.ApprovalAudit;
import dev.countersign.server.policy.ActionOutcomeListener;
import dev.countersign.server.policy.OutcomeRecordingActionStore;
import dev.countersign.server.policy.PolicyGate;
import dev.countersign.server.provider.FakeProviderTokens;
import dev.countersign.server.provider.ProviderHttp;
import dev.countersign.server.provider.ProviderWriteHttp;
import dev.countersign.server.provider.ToolCalls;
import dev.countersign.server.tool.Arguments;
import dev.countersign.server.tool.ToolCall;
import dev.countersign.server.tool.ToolCatalog;
import dev.countersign.server.tool.ToolFailure;
import dev.countersign.server.tool.ToolHandler;
import dev.countersign.server.tool.calendar.WebClientCalendarWriter;
import dev.countersign.server.tool.deal.DealStoreWriter;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static dev.countersign.server.provider.ToolCalls.answer;
import static dev.countersign.server.provider.ToolCalls.failure;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A write decided by the user's policy at {@link WriteTools#freeze} (DESIGN §4 step 1,
 * §6), with the real engine, in-memory stores, the auto-runner, the deal store writer and
 * the Calendar writer against WireMock: deny, review_now, batch with the user's
 * {@code review_below}, and auto-approve running once with an uncached exchange of the
 * caller's own token.
 */
class WritePolicyTests {

	private static final WireMockServer google = new WireMockServer(options().dynamicPort());

	private static final String EVENTS = "/calendars/primary/events";

	private static final String USER = ToolCalls.USER;

	private static final String AGENT = ToolCalls.CALLER.agent();

	private static final Map<String, Object> EVENT = Map.of("summary", "Pipeline review", "start",
			"2026-12-01T15:00:00Z", "end", "2026-12-01T15:30:00Z", "confidence", 0.9);

	private final MutableClock clock = MutableClock.start();

	private final TrustLedger ledger = new TrustLedger(new InMemoryTrustStore(), TrustFigures.defaults(), this.clock);

	private final InMemoryRuleStore rules = new InMemoryRuleStore();

	private final InMemoryRoutingStore routing = new InMemoryRoutingStore();

	private final OutcomeRecordingActionStore actions = new OutcomeRecordingActionStore(new InMemoryActionStore(),
			new ActionOutcomeListener(this.ledger,
					new Calibrator(new InMemoryCalibrationStore(), IdGenerator.ulid(this.clock), this.clock),
					this.routing));

	private final ActionFreezer freezer = new ActionFreezer(this.actions, ApprovalConfig.defaults(), this.clock,
			IdGenerator.ulid(this.clock));

	private final InMemoryDealStore deals = new InMemoryDealStore((user) -> DemoDeals.book(this.clock));

	private final InMemoryAuditStore auditStore = new InMemoryAuditStore();

	private final ApprovalAudit audit = new ApprovalAudit(
			new AuditTrail(this.auditStore, CheckpointSigner.ephemeral("k1"), (checkpoint) -> {
			}, AuditConfig.defaults(), this.clock));

	private final FakeProviderTokens tokens = new FakeProviderTokens();

	private PolicyGate gate;

	@BeforeAll
	static void start() {
		google.start();
	}

	@AfterAll
	static void stop() {
		google.stop();
	}

	@BeforeEach
	void setUp() {
		google.resetAll();
		WebClientCalendarWriter calendar = new WebClientCalendarWriter(ProviderWriteHttp
			.builder("Google Calendar", URI.create(google.baseUrl()), TestWrites.breaker(ProviderHttp.GOOGLE))
			.timeout(Duration.ofMillis(1000))
			.build());
		AutoRunner runner = new AutoRunner(this.actions, this.tokens,
				List.of(calendar, new DealStoreWriter(this.deals, this.clock)), this.clock, this.audit);
		this.gate = new PolicyGate(new PolicyEngine(), this.rules, this.routing, this.ledger, runner, this.audit);
	}

	private ToolCall call(String tool, Map<String, Object> arguments) {
		return ToolCalls.call(tool, arguments).withPolicy(this.gate);
	}

	private ToolHandler deal() {
		return WriteTools.dealCreate(() -> this.freezer, this.deals, this.audit);
	}

	private ToolHandler event() {
		return WriteTools.calendarCreateEvent(() -> this.freezer, this.audit);
	}

	private Action stored(Map<String, Object> answer) {
		return this.actions.find(USER, (String) answer.get("action_id")).block();
	}

	private List<Action> allActions() {
		return this.actions.findByUser(USER, EnumSet.allOf(ActionStatus.class)).collectList().block();
	}

	private List<AuditEvent> events() {
		return this.auditStore.read(USER, 1, 50).collectList().block();
	}

	private void trustL1() {
		// the user's default ceiling is L1; the pin lifts a new agent to it
		this.ledger.pin(USER, AGENT, TrustLevel.L1).block();
	}

	private static Map<String, Object> deal(long amount, double confidence) {
		return Map.of("name", "Analytics add-on", "company", "Northwind Traders", "amount", amount, "confidence",
				confidence);
	}

	private static String createdEvent() {
		return """
				{
				 "kind": "calendar#event",
				 "etag": "\\"3411234567890000\\"",
				 "id": "0123456789abcdefghijklmnop",
				 "status": "confirmed",
				 "htmlLink": "https://www.google.com/calendar/event?eid=abc",
				 "summary": "Pipeline review",
				 "start": {"dateTime": "2026-12-01T15:00:00Z", "timeZone": "UTC"},
				 "end": {"dateTime": "2026-12-01T15:30:00Z", "timeZone": "UTC"},
				 "eventType": "default"
				}""";
	}

	@Test
	void denyRuleThenToolErrorNamingTheRuleNothingQueuedAndDecisionAudited() {
		this.rules.create(USER, 0, 0, Rule.builder("no-deals", Effect.DENY).tools("deal_*").build()).block();
		RuntimeException refused = failure(deal(), call("deal_create", deal(1200, 0.9)));
		assertThat(refused).isInstanceOf(ToolFailure.class)
			.hasMessage("deal_create was refused by your rule #1 (deny): tools deal_*. Nothing was done.");
		assertThat(allActions()).isEmpty();
		assertThat(events()).singleElement().satisfies((event) -> {
			assertThat(event.type()).isEqualTo(AuditEventType.DECISION);
			assertThat(event.details()).containsEntry("decision", "deny")
				.containsEntry("decision_reason", "rule #1 (deny): tools deal_*")
				.containsEntry("rule_id", "no-deals");
		});
	}

	@Test
	void largeDealThenReviewNowActionWithItsReasonEvenAtHighTrustAndConfidence() {
		trustL1();
		Map<String, Object> answer = answer(deal(), call("deal_create", deal(60_000, 0.99)));
		assertThat(answer).containsEntry("status", "pending_approval")
			.containsEntry("decision", "review_now")
			.containsKey("decision_reason");
		assertThat((String) answer.get("decision_reason")).startsWith("rule #1 (review_now): amount gt 50000");
		Action action = stored(answer);
		assertThat(action.status()).isEqualTo(ActionStatus.PENDING);
		assertThat(action.reviewNow()).isTrue();
		assertThat(action.lowConfidence()).isFalse();
		assertThat(events()).singleElement().satisfies((event) -> {
			assertThat(event.type()).isEqualTo(AuditEventType.FROZEN);
			assertThat(event.details()).containsEntry("decision", "review_now")
				.containsEntry("decision_reason", answer.get("decision_reason"));
		});
	}

	@Test
	void newAgentAtHighConfidenceThenBatchedBecauseL0AllowsNothing() {
		Map<String, Object> answer = answer(event(), call("calendar_create_event", EVENT));
		assertThat(answer).containsEntry("status", "pending_approval")
			.containsEntry("decision", "batch")
			.containsEntry("decision_reason",
					"confidence 0.90 ≥ 0.85 but trust L0 does not allow LOW risk: needs approval");
		assertThat(stored(answer).status()).isEqualTo(ActionStatus.PENDING);
		assertThat(this.tokens.writes()).isEmpty();
		google.verify(0, postRequestedFor(urlPathEqualTo(EVENTS)));
	}

	@Test
	void batchThenLowConfidenceFollowsTheUsersReviewBelowNotTheGlobalDefault() {
		Map<String, Object> global = answer(deal(), call("deal_create", deal(1200, 0.7)));
		assertThat(stored(global).lowConfidence()).isFalse();
		this.routing.replace(USER, 0, RoutingSettings.defaults().withThresholds(new Thresholds(0.9, 0.75))).block();
		Map<String, Object> own = answer(deal(), call("deal_create", deal(1300, 0.7)));
		assertThat(own).containsEntry("decision", "batch");
		assertThat((String) own.get("decision_reason")).contains("≤ review_below 0.75");
		assertThat(stored(own).lowConfidence()).isTrue();
	}

	@Test
	void autoApproveThenRunsOnceNowWithAFreshExchangeOfTheCallersTokenAndSucceeds() {
		trustL1();
		google.stubFor(post(urlPathEqualTo(EVENTS)).willReturn(okJson(createdEvent())));
		Map<String, Object> answer = answer(event(), call("calendar_create_event", EVENT));

		assertThat(answer).containsEntry("status", "succeeded")
			.containsEntry("tool", "calendar_create_event")
			.containsEntry("decision", "auto_approve")
			.containsEntry("decision_reason", "confidence 0.90 ≥ 0.85 and trust L1 allows LOW risk")
			.containsKey("result")
			.doesNotContainKey("approve_by");
		assertThat(answer.toString()).doesNotContain(FakeProviderTokens.WRITE_TOKEN);
		Action action = stored(answer);
		assertThat(action.status()).isEqualTo(ActionStatus.SUCCEEDED);
		assertThat(action.batchId()).isNull();
		// one uncached exchange whose subject is the caller's own access token
		assertThat(this.tokens.writes())
			.containsExactly(USER + " google-oauth2 subject=" + ToolCalls.CALLER.token().value());
		assertThat(this.tokens.reads()).isEmpty();
		google.verify(1, postRequestedFor(urlPathEqualTo(EVENTS)).withHeader("Authorization",
				equalTo("Bearer " + FakeProviderTokens.WRITE_TOKEN)));
		assertThat(events()).extracting(AuditEvent::type)
			.containsExactly(AuditEventType.DECISION, AuditEventType.FROZEN, AuditEventType.EXECUTED);
		assertThat(events().get(0).details()).containsEntry("decision", "auto_approve");
		assertThat(events().get(1).details()).containsEntry("decision", "auto_approve");
		assertThat(events()).allSatisfy((event) -> assertThat(event.actionId()).isEqualTo(action.id()));
		// DESIGN §6: an auto-run success earns its full weight
		assertThat(this.ledger.view(USER, AGENT).block().score()).isEqualTo(1.0);
	}

	@Test
	void autoApproveWhenTheSameWriteIsAlreadyWaitingThenTheTwinKeepsWaitingAndNothingRuns() {
		Map<String, Object> low = new HashMap<>(EVENT);
		low.put("confidence", 0.3);
		Map<String, Object> queued = answer(event(), call("calendar_create_event", low));
		assertThat(stored(queued).lowConfidence()).isTrue();
		trustL1();
		this.clock.advance(Duration.ofSeconds(5));
		// the digest does not cover the confidence: the same write at 0.9 finds the twin
		Map<String, Object> again = answer(event(), call("calendar_create_event", EVENT));
		assertThat(again).containsEntry("action_id", queued.get("action_id"))
			.containsEntry("status", "pending_approval")
			.doesNotContainKey("decision");
		assertThat(stored(again).status()).isEqualTo(ActionStatus.PENDING);
		google.verify(0, postRequestedFor(urlPathEqualTo(EVENTS)));
	}

	@Test
	void autoApproveWhenTheWriterTimesOutThenUnknownAndNeverRetried() {
		trustL1();
		google.stubFor(post(urlPathEqualTo(EVENTS)).willReturn(okJson(createdEvent()).withFixedDelay(3000)));
		Map<String, Object> answer = answer(event(), call("calendar_create_event", EVENT));
		assertThat(answer).containsEntry("status", "unknown").containsEntry("decision", "auto_approve");
		assertThat((String) answer.get("reason")).isNotBlank();
		assertThat(stored(answer).status()).isEqualTo(ActionStatus.UNKNOWN);
		google.verify(1, postRequestedFor(urlPathEqualTo(EVENTS)));
		assertThat(events()).extracting(AuditEvent::type)
			.containsExactly(AuditEventType.DECISION, AuditEventType.FROZEN, AuditEventType.UNKNOWN);
	}

	@Test
	void autoApproveOfADealThenCreatedInTheDealStoreWithoutAnyExchange() {
		trustL1();
		Map<String, Object> answer = answer(deal(), call("deal_create", deal(1200, 0.95)));
		assertThat(answer).containsEntry("status", "succeeded").containsEntry("decision", "auto_approve");
		String dealId = DealStoreWriter.dealId((String) answer.get("action_id"));
		assertThat(this.deals.findDeal(USER, dealId).block()).isNotNull();
		assertThat(this.tokens.writes()).isEmpty();
	}

	@Test
	void autoApproveWhenTheExchangeFailsThenToolErrorAndNothingFrozen() {
		trustL1();
		this.tokens.failWith(new ToolFailure("Connect your Google account (connection 'google-oauth2')."));
		RuntimeException refused = failure(event(), call("calendar_create_event", EVENT));
		assertThat(refused).hasMessageStartingWith("Connect your Google account");
		assertThat(allActions()).isEmpty();
		google.verify(0, postRequestedFor(urlPathEqualTo(EVENTS)));
	}

	@Test
	void autoApprovedWriteWithAProgressTokenThenAnsweredAtOnceNotHeld() {
		trustL1();
		google.stubFor(post(urlPathEqualTo(EVENTS)).willReturn(okJson(createdEvent())));
		ProgressHold hold = new ProgressHold(this.actions, Duration.ofSeconds(30), Duration.ofSeconds(1));
		ToolCall plain = call("calendar_create_event", EVENT);
		ToolCall withProgress = new ToolCall(plain.tool(), plain.caller(), new Arguments(EVENT), "progress-1",
				new McpAsyncServerExchange("test-session", null, null, null, McpTransportContext.EMPTY), this.gate);
		long started = System.nanoTime();
		Map<String, Object> answer = answer(hold.around(event()), withProgress);
		assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(1));
		assertThat(answer).containsEntry("status", "succeeded").containsEntry("decision", "auto_approve");
	}

	@Test
	void revokedAgentThenWriteRefusedAndNothingQueued() {
		this.ledger.revoke(USER, AGENT).block();
		RuntimeException refused = failure(deal(), call("deal_create", deal(1200, 0.9)));
		assertThat(refused).isInstanceOf(ToolFailure.class).hasMessage(PolicyGate.REVOKED);
		assertThat(allActions()).isEmpty();
	}

	@Test
	void withoutAPolicyThenQueuedAsBeforeWithNoDecisionFields() {
		Map<String, Object> answer = answer(deal(), ToolCalls.call("deal_create", deal(1200, 0.99)));
		assertThat(answer).containsEntry("status", "pending_approval").doesNotContainKey("decision");
	}

}
