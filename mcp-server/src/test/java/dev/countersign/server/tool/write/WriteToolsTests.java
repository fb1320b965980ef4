package dev.countersign.server.tool.write;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.countersign.policy.MutableClock;
import dev.countersign.policy.action.Action;
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
import dev.countersign.policy.deal.DemoDeals;
import dev.countersign.policy.deal.InMemoryDealStore;
import dev.countersign.policy.tool.Risk;
import dev.countersign.server.audit.ApprovalAudit;
import dev.countersign.server.provider.FakeProviderTokens;
import dev.countersign.server.provider.ProviderHttp;
import dev.countersign.server.provider.ToolCalls;
import dev.countersign.server.tool.ToolArgumentException;
import dev.countersign.server.tool.ToolFailure;
import dev.countersign.server.tool.ToolHandler;
import dev.countersign.server.tool.github.WebClientGitHub;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static dev.countersign.server.provider.ToolCalls.answer;
import static dev.countersign.server.provider.ToolCalls.call;
import static dev.countersign.server.provider.ToolCalls.failure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

/**
 * The write tools' edge: normalisation, errors naming fields, the pending answer, the
 * same call answering the same action, the per-agent cap and the risk.
 */
class WriteToolsTests {

	private static final WireMockServer github = new WireMockServer(options().dynamicPort());

	private static final String REPO = "ada-lovelace/analytical-engine";

	private final MutableClock clock = MutableClock.start();

	private final InMemoryActionStore actions = new InMemoryActionStore();

	private final InMemoryDealStore deals = new InMemoryDealStore((user) -> DemoDeals.book(this.clock));

	private @Nullable ActionFreezer freezer = freezer(ApprovalConfig.defaults());

	private WebClientGitHub gitHub;

	@BeforeAll
	static void start() {
		github.start();
	}

	@AfterAll
	static void stop() {
		github.stop();
	}

	@BeforeEach
	void setUp() {
		github.resetAll();
		this.gitHub = new WebClientGitHub(WebClientGitHub
			.configure(ProviderHttp.builder("GitHub", "github", URI.create(github.baseUrl()), new FakeProviderTokens(),
					CircuitBreakerRegistry.of(ProviderHttp.circuitBreakerConfig()).circuitBreaker(ProviderHttp.GITHUB)))
			.readRetry(1, Duration.ofMillis(10))
			.build());
	}

	private ActionFreezer freezer(ApprovalConfig config) {
		return new ActionFreezer(this.actions, config, this.clock, IdGenerator.ulid(this.clock));
	}

	private Action stored(Map<String, Object> answer) {
		return this.actions.find(ToolCalls.USER, (String) answer.get("action_id")).block();
	}

	private ToolHandler deal() {
		return WriteTools.dealCreate(() -> this.freezer, this.deals);
	}

	private ToolHandler event() {
		return WriteTools.calendarCreateEvent(() -> this.freezer);
	}

	private ToolHandler draft() {
		return WriteTools.emailCreateDraft(() -> this.freezer);
	}

	private ToolHandler issue() {
		return WriteTools.githubCreateIssue(() -> this.freezer, this.gitHub);
	}

	@Test
	void dealCreateWhenValidThenPendingWithNormalisedArgumentsAndConfidenceApart() {
		Map<String, Object> answer = answer(deal(), call("deal_create", Map.of("name", "  Analytics add-on ", "company",
				"Northwind Traders\n", "amount", 1200, "contact_ids", List.of(" C-2001"), "confidence", 0.8)));
		assertThat(answer).containsOnlyKeys("status", "action_id", "approve_by", "message")
			.containsEntry("status", "pending_approval")
			.containsEntry("approve_by", "2026-11-23T10:15:00Z")
			.containsEntry("message", WriteTools.PENDING_MESSAGE);
		assertThat((String) answer.get("action_id")).startsWith("act_");
		Action action = stored(answer);
		assertThat(action.tool()).isEqualTo("deal_create");
		assertThat(action.agent()).isEqualTo("claude-desktop");
		assertThat(action.risk()).isEqualTo(Risk.LOW);
		assertThat(action.confidence()).isEqualTo(0.8);
		assertThat(action.preconditions()).isEmpty();
		assertThat(action.arguments()).containsOnlyKeys("name", "company", "amount", "stage", "currency", "contact_ids")
			.contains(entry("name", "Analytics add-on"), entry("company", "Northwind Traders"), entry("stage", "lead"),
					entry("currency", "USD"), entry("contact_ids", List.of("C-2001")));
		assertThat(((Number) action.arguments().get("amount")).longValue()).isEqualTo(1200);
	}

	@Test
	void dealCreateWhenFrozenThenRecordedOnceAsFrozenByTheAgent() {
		InMemoryAuditStore store = new InMemoryAuditStore();
		ApprovalAudit audit = new ApprovalAudit(
				new AuditTrail(store, CheckpointSigner.ephemeral("k1"), (checkpoint) -> {
				}, AuditConfig.defaults(), this.clock));
		ToolHandler handler = WriteTools.dealCreate(() -> this.freezer, this.deals, audit);
		Map<String, Object> arguments = Map.of("name", "Analytics add-on", "company", "Northwind Traders", "amount",
				1200, "confidence", 0.8);

		Map<String, Object> first = answer(handler, call("deal_create", arguments));
		this.clock.advance(Duration.ofSeconds(1));
		Map<String, Object> again = answer(handler, call("deal_create", arguments));

		assertThat(again.get("action_id")).isEqualTo(first.get("action_id"));
		List<AuditEvent> events = store.read(ToolCalls.USER, 1, 10).collectList().block();
		assertThat(events).singleElement().satisfies((event) -> {
			assertThat(event.type()).isEqualTo(AuditEventType.FROZEN);
			assertThat(event.actor()).isEqualTo("claude-desktop");
			assertThat(event.actionId()).isEqualTo(first.get("action_id"));
			assertThat(event.details()).containsEntry("tool", "deal_create")
				.containsEntry("digest", stored(first).digest())
				.containsEntry("risk", "LOW")
				.containsKey("confidence");
		});
	}

	@Test
	void dealCreateWhenCalledTwiceWhileLiveThenSameAction() {
		Map<String, Object> arguments = Map.of("name", "Analytics add-on", "company", "Northwind Traders", "amount",
				1200, "stage", "proposal", "currency", "eur");
		Map<String, Object> first = answer(deal(), call("deal_create", arguments));
		this.clock.advance(Duration.ofSeconds(20));
		Map<String, Object> second = answer(deal(), call("deal_create", arguments));
		assertThat(second.get("action_id")).isEqualTo(first.get("action_id"));
		assertThat(stored(first).arguments()).contains(entry("stage", "proposal"), entry("currency", "EUR"));
	}

	@Test
	void dealCreateWhenArgumentsWrongThenErrorsNameTheField() {
		assertThat(
				failure(deal(), call("deal_create", Map.of("name", "X", "company", "Y", "amount", 1, "stage", "won"))))
			.isInstanceOf(ToolArgumentException.class)
			.hasMessageStartingWith("Invalid argument 'stage': it must be one of [lead,");
		assertThat(failure(deal(), call("deal_create", Map.of("name", " ", "company", "Y", "amount", 1))))
			.hasMessageStartingWith("Invalid argument 'name'");
		assertThat(failure(deal(), call("deal_create", Map.of("name", "X", "company", "Y", "amount", -5))))
			.hasMessageStartingWith("Invalid argument 'amount'");
		assertThat(failure(deal(),
				call("deal_create", Map.of("name", "X", "company", "Y", "amount", 1, "currency", "E1R"))))
			.hasMessageStartingWith("Invalid argument 'currency'");
		assertThat(failure(deal(),
				call("deal_create", Map.of("name", "X", "company", "Y", "amount", 1, "contact_ids", List.of("C-9")))))
			.hasMessage(
					"Invalid argument 'contact_ids': no contact with id C-9 exists for you; contact_search finds contacts");
		assertThat(failure(deal(),
				call("deal_create", Map.of("name", "X", "company", "Y", "amount", 1, "confidence", 1.5))))
			.hasMessageStartingWith("Invalid argument 'confidence'");
		assertThat(this.actions.findUsers(java.util.EnumSet.allOf(dev.countersign.policy.action.ActionStatus.class))
			.collectList()
			.block()).isEmpty();
	}

	@Test
	void writeWhenAgentAtItsCapThenClearToolFailure() {
		this.freezer = freezer(ApprovalConfig.defaults().withMaxPendingPerAgent(1));
		answer(deal(), call("deal_create", Map.of("name", "One", "company", "Y", "amount", 1)));
		assertThat(failure(draft(),
				call("email_create_draft", Map.of("to", List.of("a@b.example"), "subject", "S", "body", "B"))))
			.isInstanceOf(ToolFailure.class)
			.hasMessageContaining("already has 1 actions waiting for approval");
	}

	@Test
	void writeWhenNoApprovalEngineThenNotAvailable() {
		this.freezer = null;
		assertThat(failure(deal(), call("deal_create", Map.of("name", "One", "company", "Y", "amount", 1))))
			.isInstanceOf(ToolFailure.class)
			.hasMessageStartingWith("deal_create cannot be queued for approval yet");
	}

	@Test
	void calendarCreateEventWhenOffsetTimesAndAttendeesThenUtcLowerCasedAndMedium() {
		Map<String, Object> answer = answer(event(),
				call("calendar_create_event",
						Map.of("summary", " Pipeline review ", "start", "2026-12-01T16:00:00+01:00", "end",
								"2026-12-01T16:30:00.000+01:00", "attendees",
								List.of("Grace.Hopper@Northwind.example", "grace.hopper@northwind.example"), "location",
								" Room 4 ")));
		Action action = stored(answer);
		assertThat(action.risk()).isEqualTo(Risk.MEDIUM);
		assertThat(action.confidence()).isNull();
		assertThat(action.arguments()).containsOnly(entry("summary", "Pipeline review"),
				entry("start", "2026-12-01T15:00:00Z"), entry("end", "2026-12-01T15:30:00Z"),
				entry("location", "Room 4"), entry("attendees", List.of("grace.hopper@northwind.example")));
	}

	@Test
	void calendarCreateEventWhenNoAttendeesThenLow() {
		Map<String, Object> answer = answer(event(), call("calendar_create_event",
				Map.of("summary", "Focus", "start", "2026-12-01T15:00:00Z", "end", "2026-12-01T16:00:00Z")));
		assertThat(stored(answer).risk()).isEqualTo(Risk.LOW);
		assertThat(answer(event(),
				call("calendar_create_event",
						Map.of("summary", "Focus", "start", "2026-12-01T15:00:00Z", "end", "2026-12-01T16:00:00Z")))
			.get("action_id")).isEqualTo(answer.get("action_id"));
	}

	@Test
	void calendarCreateEventWhenArgumentsWrongThenErrorsNameTheField() {
		assertThat(failure(event(),
				call("calendar_create_event",
						Map.of("summary", "S", "start", "2026-12-01T15:00:00Z", "end", "2026-12-01T15:00:00Z"))))
			.hasMessage(
					"Invalid argument 'end': it must be after start (2026-12-01T15:00:00Z), but was 2026-12-01T15:00:00Z");
		assertThat(failure(event(),
				call("calendar_create_event",
						Map.of("summary", "S", "start", "tomorrow", "end", "2026-12-01T15:00:00Z"))))
			.hasMessageStartingWith("Invalid argument 'start': it must be an RFC 3339 date-time");
		assertThat(failure(event(),
				call("calendar_create_event",
						Map.of("summary", "S", "start", "2026-12-01T15:00:00Z", "end", "2026-12-01T16:00:00Z",
								"attendees", List.of("grace@", "x")))))
			.hasMessage(
					"Invalid argument 'attendees': \"grace@\" is not an email address such as grace.hopper@northwind.example");
	}

	@Test
	void emailCreateDraftWhenValidThenRecipientsNormalisedAndBodyVerbatim() {
		Map<String, Object> answer = answer(draft(),
				call("email_create_draft",
						Map.of("to", List.of(" Grace.Hopper@Northwind.example"), "cc", List.of("ALAN@contoso.example"),
								"bcc", List.of("ada@analytical.example"), "subject", " Renewal proposal ", "body",
								"Hi Grace,\n\n  the proposal.\n", "thread_id", "18f2a9c4d5e6b701")));
		assertThat(stored(answer).arguments()).containsOnly(entry("to", List.of("grace.hopper@northwind.example")),
				entry("cc", List.of("alan@contoso.example")), entry("bcc", List.of("ada@analytical.example")),
				entry("subject", "Renewal proposal"), entry("body", "Hi Grace,\n\n  the proposal.\n"),
				entry("thread_id", "18f2a9c4d5e6b701"));
	}

	@Test
	void emailCreateDraftWhenArgumentsWrongThenErrorsNameTheField() {
		assertThat(failure(draft(),
				call("email_create_draft",
						Map.of("to", List.of("Grace <grace@northwind.example>"), "subject", "S", "body", "B"))))
			.hasMessageStartingWith(
					"Invalid argument 'to': \"Grace <grace@northwind.example>\" is not an email address");
		assertThat(failure(draft(),
				call("email_create_draft",
						Map.of("to", List.of("a@b.example"), "bcc", List.of("a@b@c"), "subject", "S", "body", "B"))))
			.hasMessageStartingWith("Invalid argument 'bcc'");
		assertThat(failure(draft(), call("email_create_draft", Map.of("to", List.of(), "subject", "S", "body", "B"))))
			.hasMessageStartingWith("Invalid argument 'to': it is required");
		assertThat(failure(draft(),
				call("email_create_draft",
						Map.of("to", List.of("a@b.example"), "subject", "S\r\nBcc: eve@evil.example", "body", "B"))))
			.hasMessage("Invalid argument 'subject': it must be one line without control characters");
	}

	@Test
	void githubCreateIssueWhenOwnPrivateRepositoryThenLow() {
		github.stubFor(get(urlPathEqualTo("/repos/" + REPO)).willReturn(okJson(repository(true, "User"))));
		github.stubFor(get(urlPathEqualTo("/user")).willReturn(okJson("{\"login\":\"Ada-Lovelace\",\"id\":1815}")));
		Map<String, Object> answer = answer(issue(), call("github_create_issue", Map.of("repo", REPO, "title",
				" Drift in column 7 ", "body", "Steps:\n1. run\n", "labels", List.of(" bug", "bug", "engine"))));
		Action action = stored(answer);
		assertThat(action.risk()).isEqualTo(Risk.LOW);
		assertThat(action.arguments()).containsOnly(entry("repo", REPO), entry("title", "Drift in column 7"),
				entry("body", "Steps:\n1. run\n"), entry("labels", List.of("bug", "engine")));
	}

	@Test
	void githubCreateIssueWhenPublicOrSomeoneElsesOrUnknownThenMedium() {
		github.stubFor(get(urlPathEqualTo("/repos/" + REPO)).willReturn(okJson(repository(false, "User"))));
		assertThat(stored(answer(issue(), call("github_create_issue", Map.of("repo", REPO, "title", "A")))).risk())
			.isEqualTo(Risk.MEDIUM);
		github.stubFor(get(urlPathEqualTo("/repos/" + REPO)).willReturn(okJson(repository(true, "User"))));
		github.stubFor(get(urlPathEqualTo("/user")).willReturn(okJson("{\"login\":\"mallory\"}")));
		assertThat(stored(answer(issue(), call("github_create_issue", Map.of("repo", REPO, "title", "B")))).risk())
			.isEqualTo(Risk.MEDIUM);
		github.stubFor(get(urlPathEqualTo("/repos/" + REPO)).willReturn(aResponse().withStatus(502)));
		assertThat(stored(answer(issue(), call("github_create_issue", Map.of("repo", REPO, "title", "C")))).risk())
			.isEqualTo(Risk.MEDIUM);
	}

	@Test
	void githubCreateIssueWhenRepositoryUnknownOrMalformedThenRefused() {
		github.stubFor(get(urlPathEqualTo("/repos/" + REPO)).willReturn(aResponse().withStatus(404)
			.withHeader("Content-Type", "application/json")
			.withBody(
					"{\"message\":\"Not Found\",\"documentation_url\":\"https://docs.github.com/rest/repos/repos#get-a-repository\",\"status\":\"404\"}")));
		assertThat(failure(issue(), call("github_create_issue", Map.of("repo", REPO, "title", "A"))))
			.isInstanceOf(ToolFailure.class)
			.hasMessageStartingWith("GitHub found no repository " + REPO);
		assertThat(failure(issue(), call("github_create_issue", Map.of("repo", "not a repo", "title", "A"))))
			.hasMessageStartingWith("Invalid argument 'repo'");
	}

	private static String repository(boolean isPrivate, String ownerType) {
		return """
				{"id": 7001, "node_id": "R_kgDOLx7n8M", "name": "analytical-engine",
				 "full_name": "ada-lovelace/analytical-engine", "private": %s,
				 "owner": {"login": "ada-lovelace", "id": 1815, "type": "%s", "site_admin": false},
				 "html_url": "https://github.com/ada-lovelace/analytical-engine", "visibility": "%s",
				 "default_branch": "main", "permissions": {"admin": true, "push": true, "pull": true}}"""
			.formatted(isPrivate, ownerType, isPrivate ? "private" : "public");
	}

}
