package dev.countersign.server.api;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import com.github.tomakehurst.wiremock.WireMockServer;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.countersign.ciba.BackchannelAuthenticationRequest;
import dev.countersign.ciba.BackchannelAuthenticationResponse;
import dev.countersign.ciba.CibaOutcome;
import dev.countersign.ciba.PollResult;
import dev.countersign.policy.action.Action;
import dev.countersign.policy.action.ActionStatus;
import dev.countersign.policy.action.ActionStore;
import dev.countersign.policy.action.TestActions;
import dev.countersign.policy.audit.AuditEvent;
import dev.countersign.policy.audit.AuditEventType;
import dev.countersign.policy.audit.AuditStore;
import dev.countersign.policy.calibration.Calibrator;
import dev.countersign.policy.routing.RoutingStore;
import dev.countersign.policy.rule.RuleStore;
import dev.countersign.policy.tool.Risk;
import dev.countersign.policy.trust.TrustLedger;
import dev.countersign.policy.trust.TrustOutcome;
import dev.countersign.server.CountersignApplication;
import dev.countersign.server.approval.ApprovalChannel;
import dev.countersign.server.auth.TestTokens;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The config API of DESIGN §7 over real HTTP, with tokens from a tenant served by
 * WireMock and a fake {@link ApprovalChannel} standing in for Auth0's CIBA endpoints:
 * only console tokens get in; a user sees only their own; bad input names the field and
 * stores nothing; a tightening applies at once; a loosening waits for the phone, applies
 * only when approved with a valid approval token, and never when denied or when its base
 * moved.
 */
@SpringBootTest(classes = { CountersignApplication.class, ConfigApiIT.FakePhone.class },
		webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ConfigApiIT {

	private static final WireMockServer tenant = new WireMockServer(options().dynamicPort());

	static {
		tenant.start();
	}

	private static final TestTokens tokens = new TestTokens(tenant.baseUrl() + "/");

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final AtomicInteger USERS = new AtomicInteger();

	private static final String CIBA_CLIENT = "countersign-ciba";

	@LocalServerPort
	int port;

	/** The phone behind the channel bean (which the server wraps to meter it). */
	final FakeChannel phone = FakePhone.PHONE;

	@Autowired
	RoutingStore routing;

	@Autowired
	RuleStore rules;

	@Autowired
	TrustLedger ledger;

	@Autowired
	ActionStore actions;

	@Autowired
	AuditStore audit;

	@Autowired
	Calibrator calibrator;

	WebTestClient http;

	String ada;

	String grace;

	@DynamicPropertySource
	static void tenantProperties(DynamicPropertyRegistry registry) {
		registry.add("countersign.auth.issuer", () -> tenant.baseUrl() + "/");
		registry.add("countersign.auth.audience", () -> TestTokens.AUDIENCE);
		registry.add("countersign.auth.console-clients", () -> "console-app");
		registry.add("countersign.vault.client-id", () -> "countersign-vault");
		registry.add("countersign.vault.client-secret", () -> "not-used-by-these-tests");
		registry.add("countersign.ciba.client-id", () -> CIBA_CLIENT);
		registry.add("countersign.ciba.client-secret", () -> "not-used-by-these-tests");
		registry.add("countersign.approval.poll-period", () -> "100ms");
	}

	@BeforeEach
	void setUp() {
		tenant.stubFor(get("/.well-known/jwks.json")
			.willReturn(aResponse().withHeader("Content-Type", "application/json").withBody(tokens.jwks())));
		this.http = WebTestClient.bindToServer()
			.baseUrl("http://127.0.0.1:" + this.port)
			.responseTimeout(Duration.ofSeconds(20))
			.build();
		int n = USERS.incrementAndGet();
		this.ada = "auth0|ada-config-" + n;
		this.grace = "auth0|grace-config-" + n;
	}

	@AfterAll
	static void stopTenant() {
		tenant.stop();
	}

	private static final List<String[]> NEW_PATHS = List.of(new String[] { "GET", "/api/v1/routing" },
			new String[] { "PUT", "/api/v1/routing" }, new String[] { "GET", "/api/v1/rules" },
			new String[] { "POST", "/api/v1/rules" }, new String[] { "GET", "/api/v1/rules/r1" },
			new String[] { "PUT", "/api/v1/rules/r1" }, new String[] { "DELETE", "/api/v1/rules/r1" },
			new String[] { "GET", "/api/v1/agents" }, new String[] { "GET", "/api/v1/agents/a1" },
			new String[] { "PATCH", "/api/v1/agents/a1" }, new String[] { "POST", "/api/v1/agents/a1/revoke" },
			new String[] { "POST", "/api/v1/agents/a1/restore" }, new String[] { "PATCH", "/api/v1/actions/x" },
			new String[] { "GET", "/api/v1/batches" }, new String[] { "POST", "/api/v1/batches/flush" },
			new String[] { "GET", "/api/v1/suggestions" }, new String[] { "POST", "/api/v1/suggestions/s/accept" },
			new String[] { "POST", "/api/v1/suggestions/s/dismiss" }, new String[] { "GET", "/api/v1/audit" },
			new String[] { "GET", "/api/v1/audit/export" }, new String[] { "GET", "/api/v1/audit/verify" },
			new String[] { "GET", "/api/v1/changes/c" }, new String[] { "GET", "/api/v1/openapi.json" });

	@Test
	void connectionsWhenTurnedOffThenConflictSayingSoAndTheyAreInTheOpenApiDocument() {
		for (String[] path : List.of(new String[] { "GET", "/api/v1/connections" },
				new String[] { "POST", "/api/v1/connections/github/connect" },
				new String[] { "DELETE", "/api/v1/connections/github" })) {
			String body = call(console(this.ada), path[0], path[1], null).expectStatus()
				.isEqualTo(409)
				.expectBody(String.class)
				.returnResult()
				.getResponseBody();
			assertThat(body).as(path[0] + " " + path[1]).contains("countersign.connections.enabled=false");
			call(null, path[0], path[1], null).expectStatus().isUnauthorized();
		}
		JsonNode paths = getJson(this.ada, "/api/v1/openapi.json").get("paths");
		assertThat(paths.get("/api/v1/connections").has("get")).isTrue();
		assertThat(paths.get("/api/v1/connections/{connection}/connect").has("post")).isTrue();
		assertThat(paths.get("/api/v1/connections/{connection}").has("delete")).isTrue();
	}

	@Test
	void agentTokenIsForbiddenAndNoTokenUnauthorizedOnEveryNewPath() {
		String agent = tokens.with(this.ada, "agent-1", (c) -> c.claim("scope", "openid countersign:manage"));
		for (String[] path : NEW_PATHS) {
			call(agent, path[0], path[1], "{}").expectStatus().isForbidden();
			call(null, path[0], path[1], "{}").expectStatus().isUnauthorized();
		}
		assertThat(this.routing.find(this.ada).block().version()).isZero();
		assertThat(this.rules.find(this.ada).block().version()).isZero();
	}

	@Test
	void anotherUsersRuleAgentChangeAndSuggestionAreNotFound() {
		post(this.ada, "/api/v1/rules", """
				{"id":"ada-deny","tools":["github_*"],"effect":"deny","position":0}""").expectStatus().isOk();
		this.ledger.record(this.ada, "claude", Risk.LOW, TrustOutcome.APPROVED_SUCCEEDED).block();
		String change = changeId(put(this.ada, "/api/v1/routing", """
				{"auto_approve_at":0.7,"review_below":0.5}""").expectStatus().isAccepted());
		// each with a valid body: the answer must not depend on whose id it is
		for (String[] path : List.of(new String[] { "GET", "/api/v1/rules/ada-deny", "" },
				new String[] { "PUT", "/api/v1/rules/ada-deny", "{\"effect\":\"auto\"}" },
				new String[] { "DELETE", "/api/v1/rules/ada-deny", "" },
				new String[] { "GET", "/api/v1/agents/claude", "" },
				new String[] { "PATCH", "/api/v1/agents/claude", "{\"ceiling\":\"L3\"}" },
				new String[] { "POST", "/api/v1/agents/claude/revoke", "" },
				new String[] { "POST", "/api/v1/agents/claude/restore", "" },
				new String[] { "GET", "/api/v1/changes/" + change, "" })) {
			call(console(this.grace), path[0], path[1], path[2].isEmpty() ? null : path[2]).expectStatus().isNotFound();
		}
		assertThat(this.rules.find(this.ada).block().find("ada-deny")).isPresent();
		assertThat(this.ledger.view(this.ada, "claude").block().revoked()).isFalse();
		getJson(this.grace, "/api/v1/agents").get("agents")
			.forEach((a) -> assertThat(a.get("agent").asString()).isNotEqualTo("claude"));
	}

	@Test
	void badRoutingAndRulesNameTheFieldAndStoreNothing() {
		badField(put(this.ada, "/api/v1/routing", "{not json"), "body");
		badField(put(this.ada, "/api/v1/routing", """
				{"auto_approve_at":0.9,"colour":"red"}"""), "colour");
		badField(put(this.ada, "/api/v1/routing", """
				{"auto_approve_at":1.5,"review_below":0.5}"""), "auto_approve_at");
		badField(put(this.ada, "/api/v1/routing", """
				{"auto_approve_at":0.6,"review_below":0.6}"""), "review_below");
		badField(put(this.ada, "/api/v1/routing",
				"""
						{"auto_approve_at":0.9,"review_below":0.5,"tool_overrides":{"email_send":{"auto_approve_at":"high","review_below":0.5}}}"""),
				"tool_overrides.email_send.auto_approve_at");
		badField(post(this.ada, "/api/v1/rules", """
				{"tools":["deal_*"],"when":[{"arg":"amount","op":"bigger","value":5}],"effect":"deny"}"""),
				"when[0].op");
		badField(post(this.ada, "/api/v1/rules", """
				{"tools":["deal_*"],"effect":"deny","priority":1}"""), "priority");
		badField(post(this.ada, "/api/v1/rules", """
				{"tools":["deal_*"],"effect":"deny","position":99}"""), "position");
		badField(post(this.ada, "/api/v1/rules", """
				{"tools":["deal_*"],"effect":"maybe"}"""), "effect");
		assertThat(this.routing.find(this.ada).block().version()).isZero();
		assertThat(this.rules.find(this.ada).block().version()).isZero();
		assertThat(this.phone.started).noneMatch((request) -> request.user().equals(this.ada));
	}

	@Test
	void routingGetThenPutRoundTripsUnchanged() {
		JsonNode before = getJson(this.ada, "/api/v1/routing");
		assertThat(before.get("version").asLong()).isZero();
		JsonNode after = JSON.readTree(put(this.ada, "/api/v1/routing", before.toString()).expectStatus()
			.isOk()
			.expectBody(String.class)
			.returnResult()
			.getResponseBody());
		assertThat(withoutVersion(after)).isEqualTo(withoutVersion(before));
		assertThat(withoutVersion(getJson(this.ada, "/api/v1/routing"))).isEqualTo(withoutVersion(before));
	}

	@Test
	void tighteningRoutingAppliesAtOnce() {
		put(this.ada, "/api/v1/routing", """
				{"auto_approve_at":0.95,"review_below":0.6}""").expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.auto_approve_at")
			.isEqualTo(0.95);
		assertThat(this.routing.find(this.ada).block().settings().autoApproveAt()).isEqualTo(0.95);
		assertThat(events(this.ada)).anyMatch((e) -> e.type() == AuditEventType.SETTING_CHANGED);
		assertThat(this.phone.started).noneMatch((request) -> request.user().equals(this.ada));
	}

	@Test
	void loweringAutoApproveAtWaitsForThePhoneAndAppliesOnlyWhenApproved() {
		String change = changeId(put(this.ada, "/api/v1/routing", """
				{"auto_approve_at":0.7,"review_below":0.5}""").expectStatus()
			.isAccepted()
			.expectBody()
			.jsonPath("$.status")
			.isEqualTo("pending_approval")
			.jsonPath("$.kind")
			.isEqualTo("routing"));
		BackchannelAuthenticationRequest request = this.phone.requestOf(this.ada);
		assertThat(request.bindingMessage()).startsWith("Countersign: loosen routing #");
		assertThat(request.authorizationDetails()).contains(change)
			.contains("auto_approve_at lowered from 0.85 to 0.7");
		pause(Duration.ofMillis(400));
		assertThat(this.routing.find(this.ada).block().settings().autoApproveAt()).isEqualTo(0.85);
		getJson(this.ada, "/api/v1/changes/" + change).get("status").asString().equals("pending_approval");
		this.phone.answer(request, new CibaOutcome.Approved(approvalToken(this.ada), "Bearer", Duration.ofHours(1),
				null, "openid", null, "{}"));
		awaitStatus(change, "applied");
		assertThat(this.routing.find(this.ada).block().settings().autoApproveAt()).isEqualTo(0.7);
		assertThat(events(this.ada)).extracting(AuditEvent::type)
			.contains(AuditEventType.CHANGE_REQUESTED, AuditEventType.CIBA_REQUESTED, AuditEventType.CHANGE_APPLIED);
	}

	@Test
	void deniedLooseningIsNeverApplied() {
		String change = changeId(put(this.ada, "/api/v1/routing", """
				{"auto_approve_at":0.6,"review_below":0.4}""").expectStatus().isAccepted());
		this.phone.answer(this.phone.requestOf(this.ada), new CibaOutcome.Denied("The user denied"));
		awaitStatus(change, "denied");
		pause(Duration.ofMillis(300));
		assertThat(this.routing.find(this.ada).block().version()).isZero();
		assertThat(this.routing.find(this.ada).block().settings().autoApproveAt()).isEqualTo(0.85);
		assertThat(events(this.ada)).anyMatch((e) -> e.type() == AuditEventType.CHANGE_REFUSED);
	}

	@Test
	void approvalTokenOfAnotherUserOrClientIsRefusedAndNothingApplied() {
		String change = changeId(put(this.ada, "/api/v1/routing", """
				{"auto_approve_at":0.6,"review_below":0.4}""").expectStatus().isAccepted());
		String wrongClient = tokens.with(this.ada, "agent-1", (c) -> c.claim("scope", "openid"));
		this.phone.answer(this.phone.requestOf(this.ada),
				new CibaOutcome.Approved(wrongClient, "Bearer", Duration.ofHours(1), null, "openid", null, "{}"));
		JsonNode ended = awaitStatus(change, "failed");
		assertThat(ended.get("reason").asString()).contains("could not be verified").doesNotContain(wrongClient);
		assertThat(this.routing.find(this.ada).block().settings().autoApproveAt()).isEqualTo(0.85);
	}

	@Test
	void looseningWhoseBaseMovedMeanwhileFailsAndIsNotApplied() {
		String change = changeId(put(this.ada, "/api/v1/routing", """
				{"auto_approve_at":0.6,"review_below":0.4}""").expectStatus().isAccepted());
		BackchannelAuthenticationRequest request = this.phone.requestOf(this.ada);
		put(this.ada, "/api/v1/routing", """
				{"auto_approve_at":0.9,"review_below":0.5}""").expectStatus().isOk();
		this.phone.answer(request, new CibaOutcome.Approved(approvalToken(this.ada), "Bearer", Duration.ofHours(1),
				null, "openid", null, "{}"));
		JsonNode ended = awaitStatus(change, "failed");
		assertThat(ended.get("reason").asString()).contains("routing settings changed");
		assertThat(this.routing.find(this.ada).block().settings().autoApproveAt()).isEqualTo(0.9);
	}

	@Test
	void rulesTightenAtOnceAndLoosenThroughThePhone() {
		post(this.ada, "/api/v1/rules", """
				{"id":"no-merge","tools":["github_merge_pull_request"],"effect":"deny","position":0}""").expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.rules[0].id")
			.isEqualTo("no-merge");
		getJson(this.ada, "/api/v1/rules/no-merge").get("effect").asString().equals("deny");
		String change = changeId(delete(this.ada, "/api/v1/rules/no-merge").expectStatus()
			.isAccepted()
			.expectBody()
			.jsonPath("$.kind")
			.isEqualTo("rule_delete"));
		assertThat(this.rules.find(this.ada).block().find("no-merge")).isPresent();
		this.phone.answer(this.phone.requestOf(this.ada), new CibaOutcome.Denied(null));
		awaitStatus(change, "denied");
		assertThat(this.rules.find(this.ada).block().find("no-merge")).isPresent();
		String auto = changeId(post(this.ada, "/api/v1/rules", """
				{"tools":["email_create_draft"],"effect":"auto"}""").expectStatus().isAccepted());
		this.phone.answer(this.phone.requestOf(this.ada), new CibaOutcome.Approved(approvalToken(this.ada), "Bearer",
				Duration.ofHours(1), null, "openid", null, "{}"));
		awaitStatus(auto, "applied");
		assertThat(this.rules.find(this.ada).block().rules()).last()
			.satisfies((rule) -> assertThat(rule.tools()).containsExactly("email_create_draft"));
	}

	@Test
	void agentsPinAboveCeilingIsRefusedAndRaisingTheCeilingNeedsThePhone() {
		this.ledger.record(this.ada, "claude", Risk.LOW, TrustOutcome.APPROVED_SUCCEEDED).block();
		getJson(this.ada, "/api/v1/agents").get("agents")
			.forEach((a) -> assertThat(a.get("agent").asString()).isEqualTo("claude"));
		badField(patch(this.ada, "/api/v1/agents/claude", """
				{"pinned_level":"L3"}"""), "pinned_level");
		badField(patch(this.ada, "/api/v1/agents/claude", """
				{"ceiling":"L9"}"""), "ceiling");
		patch(this.ada, "/api/v1/agents/claude", """
				{"ceiling":"L0"}""").expectStatus().isOk().expectBody().jsonPath("$.ceiling").isEqualTo("L0");
		patch(this.ada, "/api/v1/agents/claude", """
				{"ceiling":"L2"}""").expectStatus().isAccepted();
		assertThat(this.ledger.view(this.ada, "claude").block().ceiling().name()).isEqualTo("L0");
	}

	@Test
	void revokeCancelsTheAgentsPendingAndBatchedActionsAndRestoreNeedsThePhone() {
		this.ledger.record(this.ada, "rogue", Risk.LOW, TrustOutcome.APPROVED_SUCCEEDED).block();
		Action pending = store(TestActions.action().user(this.ada).agent("rogue"), ActionStatus.PENDING);
		Action batched = store(TestActions.action().user(this.ada).agent("rogue"), ActionStatus.BATCHED);
		Action other = store(TestActions.action().user(this.ada).agent("claude"), ActionStatus.PENDING);
		post(this.ada, "/api/v1/agents/rogue/revoke", null).expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.revoked")
			.isEqualTo(true);
		for (Action action : List.of(pending, batched)) {
			Action now = this.actions.find(this.ada, action.id()).block();
			assertThat(now.status()).isEqualTo(ActionStatus.CANCELLED);
			assertThat(now.reason()).isEqualTo("agent revoked by the user");
		}
		assertThat(this.actions.find(this.ada, other.id()).block().status()).isEqualTo(ActionStatus.PENDING);
		assertThat(events(this.ada)).filteredOn((e) -> e.type() == AuditEventType.CANCELLED)
			.extracting(AuditEvent::actionId)
			.contains(pending.id(), batched.id());
		String change = changeId(post(this.ada, "/api/v1/agents/rogue/restore", null).expectStatus()
			.isAccepted()
			.expectBody()
			.jsonPath("$.kind")
			.isEqualTo("agent_restore"));
		assertThat(this.ledger.view(this.ada, "rogue").block().revoked()).isTrue();
		this.phone.answer(this.phone.requestOf(this.ada), new CibaOutcome.Approved(approvalToken(this.ada), "Bearer",
				Duration.ofHours(1), null, "openid", null, "{}"));
		awaitStatus(change, "applied");
		assertThat(this.ledger.view(this.ada, "rogue").block().revoked()).isFalse();
	}

	@Test
	void editingAPendingActionReDigestsItAndABatchedOneIsRefused() {
		Action pending = store(TestActions.action().user(this.ada).argument("amount", 100L), ActionStatus.PENDING);
		patch(this.ada, "/api/v1/actions/" + pending.id(), """
				{"arguments":{"amount":250}}""").expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.arguments.amount")
			.isEqualTo(250)
			.jsonPath("$.status")
			.isEqualTo("pending_approval");
		Action edited = this.actions.find(this.ada, pending.id()).block();
		assertThat(edited.arguments().get("amount")).isEqualTo(250L);
		assertThat(edited.digest()).isNotEqualTo(pending.digest());
		assertThat(edited.digestMatches()).isTrue();
		assertThat(events(this.ada)).anySatisfy((e) -> {
			assertThat(e.type()).isEqualTo(AuditEventType.EDITED);
			assertThat(e.actionId()).isEqualTo(pending.id());
			assertThat(e.actor()).isEqualTo(AuditEvent.ACTOR_USER);
		});
		badField(patch(this.ada, "/api/v1/actions/" + pending.id(), """
				{"arguments":{"recipient":"eve@evil.example"}}"""), "arguments.recipient");
		badField(patch(this.ada, "/api/v1/actions/" + pending.id(), """
				{"arguments":{"amount":"lots"}}"""), "arguments.amount");
		Action batched = store(TestActions.action().user(this.ada), ActionStatus.BATCHED);
		patch(this.ada, "/api/v1/actions/" + batched.id(), """
				{"arguments":{"deal_id":"D-2"}}""").expectStatus().isEqualTo(409);
		assertThat(this.actions.find(this.ada, batched.id()).block().arguments()).isEqualTo(batched.arguments());
		patch(console(this.grace), "/api/v1/actions/" + pending.id(), """
				{"arguments":{"amount":1}}""").expectStatus().isNotFound();
	}

	@Test
	void suggestionsAcceptNeedsThePhoneAndAppendsTheRule() {
		for (int i = 0; i < 5; i++) {
			this.calibrator.recordAnswer(this.ada, "claude", "email_create_draft", 0.9, 0.85, true).block();
		}
		JsonNode list = getJson(this.ada, "/api/v1/suggestions").get("suggestions");
		assertThat(list).hasSize(1);
		String id = list.get(0).get("suggestion_id").asString();
		String change = changeId(
				post(this.ada, "/api/v1/suggestions/" + id + "/accept", null).expectStatus().isAccepted());
		assertThat(this.rules.find(this.ada).block().find("from-" + id)).isEmpty();
		this.phone.answer(this.phone.requestOf(this.ada), new CibaOutcome.Approved(approvalToken(this.ada), "Bearer",
				Duration.ofHours(1), null, "openid", null, "{}"));
		awaitStatus(change, "applied");
		assertThat(this.rules.find(this.ada).block().rules()).last()
			.satisfies((rule) -> assertThat(rule.id()).isEqualTo("from-" + id));
		post(this.ada, "/api/v1/suggestions/" + id + "/dismiss", null).expectStatus().isEqualTo(409);
	}

	@Test
	void batchesFlushAuditAndOpenApi() {
		Action pending = store(TestActions.action().user(this.ada), ActionStatus.PENDING);
		post(this.ada, "/api/v1/batches/flush", null).expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.batches[0].action_ids[0]")
			.isEqualTo(pending.id());
		getJson(this.ada, "/api/v1/batches").get("batches")
			.forEach((b) -> assertThat(b.get("short_code").asString()).hasSize(4));
		put(this.ada, "/api/v1/routing", """
				{"auto_approve_at":0.9,"review_below":0.5}""").expectStatus().isOk();
		JsonNode page = getJson(this.ada, "/api/v1/audit?from=1&limit=1");
		assertThat(page.get("entries")).hasSize(1);
		assertThat(page.get("next").asLong()).isEqualTo(2);
		String export = this.http.get()
			.uri("/api/v1/audit/export")
			.headers((h) -> h.setBearerAuth(console(this.ada)))
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.contentTypeCompatibleWith(MediaType.APPLICATION_NDJSON)
			.expectBody(String.class)
			.returnResult()
			.getResponseBody();
		List<String> lines = export.lines().toList();
		// the approval loop may append (CIBA_REQUESTED for the flushed batch) meanwhile
		assertThat(lines).hasSizeGreaterThanOrEqualTo((int) page.get("length").asLong());
		for (int i = 0; i < lines.size(); i++) {
			JsonNode entry = JSON.readTree(lines.get(i));
			assertThat(entry.get("sequence").asLong()).isEqualTo(i + 1);
			assertThat(entry.get("hash").asString()).hasSize(64);
		}
		assertThat(getJson(this.ada, "/api/v1/audit/verify").get("ok").asBoolean()).isTrue();
		badField(this.http.get()
			.uri("/api/v1/audit?limit=0")
			.headers((h) -> h.setBearerAuth(console(this.ada)))
			.exchange(), "limit");
		JsonNode openApi = getJson(this.ada, "/api/v1/openapi.json");
		assertThat(openApi.get("openapi").asString()).isEqualTo("3.1.0");
		for (String[] path : NEW_PATHS) {
			String template = path[1].replaceAll("/r1$", "/{id}")
				.replaceAll("/a1(/|$)", "/{agent}$1")
				.replaceAll("/x$", "/{id}")
				.replace("/s/", "/{id}/")
				.replaceAll("/c$", "/{id}");
			assertThat(openApi.get("paths").has(template)).as(template).isTrue();
			assertThat(openApi.get("paths").get(template).has(path[0].toLowerCase())).as(path[0] + " " + template)
				.isTrue();
		}
	}

	// --- helpers

	private Action store(TestActions.Builder builder, ActionStatus status) {
		return this.actions.insert(builder.createdAt(Instant.now()).inStatus(status).build()).block();
	}

	private List<AuditEvent> events(String user) {
		return this.audit.read(user, 1, 1000).collectList().block();
	}

	private static String approvalToken(String user) {
		return tokens.with(user, CIBA_CLIENT, (c) -> c.claim("scope", "openid"));
	}

	private JsonNode awaitStatus(String change, String status) {
		return await(() -> {
			JsonNode json = getJson(this.ada, "/api/v1/changes/" + change);
			return status.equals(json.get("status").asString()) ? json : null;
		}, "change " + change + " to become " + status);
	}

	private static <T> T await(Supplier<@Nullable T> probe, String what) {
		Instant deadline = Instant.now().plusSeconds(15);
		while (Instant.now().isBefore(deadline)) {
			T value = probe.get();
			if (value != null) {
				return value;
			}
			pause(Duration.ofMillis(100));
		}
		throw new AssertionError("timed out waiting for " + what);
	}

	private static void pause(Duration duration) {
		try {
			Thread.sleep(duration.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError(ex);
		}
	}

	private static JsonNode withoutVersion(JsonNode json) {
		tools.jackson.databind.node.ObjectNode copy = (tools.jackson.databind.node.ObjectNode) json.deepCopy();
		copy.remove("version");
		return copy;
	}

	private static String changeId(WebTestClient.BodyContentSpec body) {
		return JSON.readTree(new String(body.returnResult().getResponseBodyContent())).get("change_id").asString();
	}

	private static String changeId(WebTestClient.ResponseSpec response) {
		return changeId(response.expectBody());
	}

	private JsonNode getJson(String user, String path) {
		return JSON.readTree(this.http.get()
			.uri(path)
			.headers((h) -> h.setBearerAuth(console(user)))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(String.class)
			.returnResult()
			.getResponseBody());
	}

	private static String console(String user) {
		return tokens.with(user, "console-app", (c) -> c.claim("scope", "openid countersign:manage"));
	}

	private WebTestClient.ResponseSpec post(String user, String path, @Nullable String body) {
		return call(console(user), "POST", path, body);
	}

	private WebTestClient.ResponseSpec put(String user, String path, String body) {
		return call(console(user), "PUT", path, body);
	}

	private WebTestClient.ResponseSpec patch(String userOrToken, String path, String body) {
		String token = userOrToken.startsWith("auth0|") ? console(userOrToken) : userOrToken;
		return call(token, "PATCH", path, body);
	}

	private WebTestClient.ResponseSpec delete(String user, String path) {
		return call(console(user), "DELETE", path, null);
	}

	private WebTestClient.ResponseSpec call(@Nullable String token, String method, String path, @Nullable String body) {
		WebTestClient.RequestBodySpec request = this.http.method(HttpMethod.valueOf(method)).uri(path).headers((h) -> {
			if (token != null) {
				h.setBearerAuth(token);
			}
		}).contentType(MediaType.APPLICATION_JSON);
		return (body != null && !method.equals("GET") && !method.equals("DELETE")) ? request.bodyValue(body).exchange()
				: request.exchange();
	}

	private static void badField(WebTestClient.ResponseSpec response, String field) {
		response.expectStatus()
			.isBadRequest()
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.field")
			.isEqualTo(field);
	}

	/** Replaces the CIBA channel: records each push, answers what the test says. */
	@TestConfiguration(proxyBeanMethods = false)
	static class FakePhone {

		static final FakeChannel PHONE = new FakeChannel();

		@Bean
		@Primary
		ApprovalChannel fakeApprovalChannel() {
			return PHONE;
		}

	}

	/** A phone the test holds: pending until answered. */
	static final class FakeChannel implements ApprovalChannel {

		final List<BackchannelAuthenticationRequest> started = new CopyOnWriteArrayList<>();

		private final Map<String, BackchannelAuthenticationRequest> byId = new ConcurrentHashMap<>();

		private final Map<String, PollResult> answers = new ConcurrentHashMap<>();

		private final AtomicInteger ids = new AtomicInteger();

		@Override
		public Mono<BackchannelAuthenticationResponse> start(BackchannelAuthenticationRequest request) {
			String id = "req-" + this.ids.incrementAndGet();
			this.started.add(request);
			this.byId.put(id, request);
			return Mono.just(new BackchannelAuthenticationResponse(id, Duration.ofMinutes(5), Duration.ofMillis(100)));
		}

		@Override
		public Mono<PollResult> poll(String authReqId, Duration interval) {
			return Mono.just(this.answers.getOrDefault(authReqId, new PollResult.Pending(interval)));
		}

		/** The user's one unanswered change request (binding message "loosen"). */
		BackchannelAuthenticationRequest requestOf(String user) {
			return await(() -> this.byId.entrySet()
				.stream()
				.filter((e) -> e.getValue().user().equals(user) && !this.answers.containsKey(e.getKey())
						&& e.getValue().bindingMessage().contains("loosen"))
				.map(Map.Entry::getValue)
				.findFirst()
				.orElse(null), "a change request for " + user);
		}

		void answer(BackchannelAuthenticationRequest request, PollResult result) {
			this.byId.forEach((id, value) -> {
				if (value == request) {
					this.answers.put(id, result);
				}
			});
		}

	}

}
