package dev.countersign.server.tool.write;

import java.net.URI;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
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
import dev.countersign.policy.deal.DealChanges;
import dev.countersign.policy.deal.DealStage;
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
 * {@code deal_update}, {@code github_comment} and {@code github_merge_pull_request} at
 * the edge: what they read when called, what they freeze (arguments and preconditions),
 * their risk, and the tool errors that queue nothing.
 */
class DealGitHubWritesTests {

	private static final WireMockServer github = new WireMockServer(options().dynamicPort());

	private static final String REPO = "ada-lovelace/analytical-engine";

	private static final String HEAD_SHA = "6dcb09b5b57875f334f61aebed695e2e4193db5e";

	private static final String NOT_FOUND = """
			{"message":"Not Found","documentation_url":"https://docs.github.com/rest","status":"404"}""";

	private static final String ISSUE = """
			{"url": "https://api.github.com/repos/ada-lovelace/analytical-engine/issues/1",
			 "html_url": "https://github.com/ada-lovelace/analytical-engine/issues/1", "id": 2701234567,
			 "number": 1, "title": "Carry propagation fails for 40-digit numbers",
			 "user": {"login": "ada-lovelace", "id": 1815, "type": "User"}, "labels": [], "state": "open",
			 "comments": 2, "created_at": "2026-11-17T10:00:00Z", "updated_at": "2026-11-22T10:00:00Z",
			 "closed_at": null, "author_association": "OWNER", "body": "Drops the final carry."}""";

	private final MutableClock clock = MutableClock.start();

	private final InMemoryActionStore actions = new InMemoryActionStore();

	private final InMemoryDealStore deals = new InMemoryDealStore((user) -> DemoDeals.book(this.clock), this.clock);

	private final ActionFreezer freezer = new ActionFreezer(this.actions, ApprovalConfig.defaults(), this.clock,
			IdGenerator.ulid(this.clock));

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

	private ToolHandler dealUpdate() {
		return DealGitHubWrites.dealUpdate(() -> this.freezer, this.deals, ApprovalAudit.none());
	}

	private ToolHandler comment() {
		return DealGitHubWrites.githubComment(() -> this.freezer, this.gitHub, ApprovalAudit.none());
	}

	private ToolHandler merge() {
		return DealGitHubWrites.githubMergePullRequest(() -> this.freezer, this.gitHub, ApprovalAudit.none());
	}

	private Action stored(Map<String, Object> answer) {
		return this.actions.find(ToolCalls.USER, (String) answer.get("action_id")).block();
	}

	private void assertNothingQueued() {
		assertThat(this.actions.findUsers(EnumSet.allOf(ActionStatus.class)).collectList().block()).isEmpty();
	}

	// deal_update

	@Test
	void dealUpdateWhenStageAndAmountThenOnlyChangesFrozenWithFromStageAndVersion() {
		long version = this.deals.findDeal(ToolCalls.USER, "D-1001").block().version();
		Map<String, Object> answer = answer(dealUpdate(), call("deal_update", Map.of("deal_id", " D-1001 ", "stage",
				"Closed_Won", "amount", 26000, "name", "Analytics platform renewal", "confidence", 0.7)));
		assertThat(answer).containsEntry("status", "pending_approval").containsKey("action_id");
		Action action = stored(answer);
		assertThat(action.tool()).isEqualTo("deal_update");
		assertThat(action.risk()).isEqualTo(Risk.MEDIUM);
		assertThat(action.confidence()).isEqualTo(0.7);
		// the name given is the deal's own: not a change, so not frozen
		assertThat(action.arguments()).containsOnlyKeys("deal_id", "deal_name", "from_stage", "stage", "amount")
			.contains(entry("deal_id", "D-1001"), entry("deal_name", "Analytics platform renewal"),
					entry("from_stage", "proposal"), entry("stage", "closed_won"));
		assertThat(((Number) action.arguments().get("amount")).longValue()).isEqualTo(26000);
		assertThat(action.preconditions()).containsOnlyKeys("version");
		assertThat(((Number) action.preconditions().get("version")).longValue()).isEqualTo(version);
	}

	@Test
	void dealUpdateWhenDealMovedOnThenNewCallFreezesTheNewVersion() {
		Map<String, Object> arguments = Map.of("deal_id", "D-1002", "contact_ids", List.of("C-2001", " C-2002"));
		Action first = stored(answer(dealUpdate(), call("deal_update", arguments)));
		assertThat(first.arguments()).containsOnly(entry("deal_id", "D-1002"),
				entry("deal_name", "Data warehouse pilot"), entry("contact_ids", List.of("C-2001", "C-2002")));
		// the same call while live: the same action
		assertThat(answer(dealUpdate(), call("deal_update", arguments))).containsEntry("action_id", first.id());
		long version = ((Number) first.preconditions().get("version")).longValue();
		this.deals.update(ToolCalls.USER, "D-1002", version, DealChanges.stage(DealStage.PROPOSAL)).block();
		Action second = stored(answer(dealUpdate(), call("deal_update", arguments)));
		assertThat(second.id()).isNotEqualTo(first.id());
		assertThat(((Number) second.preconditions().get("version")).longValue()).isEqualTo(version + 1);
	}

	@Test
	void dealUpdateWhenUnknownDealThenToolErrorAndNothingQueued() {
		assertThat(failure(dealUpdate(), call("deal_update", Map.of("deal_id", "D-9999", "stage", "lead"))))
			.isInstanceOf(ToolFailure.class)
			.hasMessage("No deal with id D-9999 exists for you; deal_list shows your deals. Nothing was queued.");
		assertNothingQueued();
	}

	@Test
	void dealUpdateWhenArgumentsWrongOrNothingChangesThenErrorsAndNothingQueued() {
		assertThat(failure(dealUpdate(), call("deal_update", Map.of("deal_id", "D-1001"))))
			.isInstanceOf(ToolFailure.class)
			.hasMessageStartingWith("deal_update needs at least one of name, stage, amount or contact_ids");
		assertThat(failure(dealUpdate(), call("deal_update", Map.of("deal_id", "D-1001", "stage", "won"))))
			.isInstanceOf(ToolArgumentException.class)
			.hasMessageStartingWith("Invalid argument 'stage': it must be one of [lead,");
		assertThat(failure(dealUpdate(), call("deal_update", Map.of("deal_id", "D-1001", "amount", -1))))
			.hasMessageStartingWith("Invalid argument 'amount'");
		assertThat(
				failure(dealUpdate(), call("deal_update", Map.of("deal_id", "D-1001", "contact_ids", List.of("C-9")))))
			.hasMessage(
					"Invalid argument 'contact_ids': no contact with id C-9 exists for you; contact_search finds contacts");
		assertThat(failure(dealUpdate(),
				call("deal_update", Map.of("deal_id", "D-1001", "stage", "proposal", "amount", 24000))))
			.isInstanceOf(ToolFailure.class)
			.hasMessage("Deal D-1001 already has the values given; nothing would change, so nothing was queued.");
		assertNothingQueued();
	}

	// github_comment

	@Test
	void githubCommentWhenIssueExistsInOwnPrivateRepositoryThenLowAndFrozenAsGiven() {
		stubRepository(true, "ada-lovelace");
		github.stubFor(get(urlPathEqualTo("/repos/" + REPO + "/issues/1")).willReturn(okJson(ISSUE)));
		Map<String, Object> answer = answer(comment(),
				call("github_comment", Map.of("repo", REPO, "number", 1, "body", "Reproduced on main.\n\n- step 1\n")));
		Action action = stored(answer);
		assertThat(action.risk()).isEqualTo(Risk.LOW);
		assertThat(action.arguments()).containsOnlyKeys("repo", "number", "body")
			.contains(entry("repo", REPO), entry("body", "Reproduced on main.\n\n- step 1\n"));
		assertThat(((Number) action.arguments().get("number")).longValue()).isEqualTo(1);
		assertThat(action.preconditions()).isEmpty();
	}

	@Test
	void githubCommentWhenPublicRepositoryThenMedium() {
		stubRepository(false, "ada-lovelace");
		github.stubFor(get(urlPathEqualTo("/repos/" + REPO + "/issues/1")).willReturn(okJson(ISSUE)));
		assertThat(stored(answer(comment(), call("github_comment", Map.of("repo", REPO, "number", 1, "body", "Hi"))))
			.risk()).isEqualTo(Risk.MEDIUM);
	}

	@Test
	void githubCommentWhenIssueUnknownThenToolErrorAndNothingQueued() {
		stubRepository(true, "ada-lovelace");
		github.stubFor(get(urlPathEqualTo("/repos/" + REPO + "/issues/99")).willReturn(notFound()));
		assertThat(failure(comment(), call("github_comment", Map.of("repo", REPO, "number", 99, "body", "Hi"))))
			.isInstanceOf(ToolFailure.class)
			.hasMessageStartingWith("GitHub found no issue or pull request #99 in " + REPO)
			.hasMessageEndingWith("Nothing was queued.");
		github.stubFor(get(urlPathEqualTo("/repos/" + REPO)).willReturn(notFound()));
		assertThat(failure(comment(), call("github_comment", Map.of("repo", REPO, "number", 1, "body", "Hi"))))
			.hasMessageStartingWith("GitHub found no repository " + REPO);
		assertThat(failure(comment(), call("github_comment", Map.of("repo", REPO, "number", 0, "body", "Hi"))))
			.hasMessageStartingWith("Invalid argument 'number'");
		assertThat(failure(comment(), call("github_comment", Map.of("repo", REPO, "number", 1, "body", "  "))))
			.hasMessageStartingWith("Invalid argument 'body'");
		assertNothingQueued();
	}

	// github_merge_pull_request

	@Test
	void mergeWhenOpenThenHighWithHeadShaFrozenAndDefaultMethod() {
		github
			.stubFor(get(urlPathEqualTo("/repos/" + REPO + "/pulls/2")).willReturn(okJson(pull("open", false, true))));
		Action action = stored(answer(merge(), call("github_merge_pull_request", Map.of("repo", REPO, "number", 2))));
		assertThat(action.risk()).isEqualTo(Risk.HIGH);
		assertThat(action.destructive()).isTrue();
		assertThat(action.arguments()).containsOnlyKeys("repo", "number", "merge_method", "title")
			.contains(entry("merge_method", "merge"), entry("title", "Fix carry propagation in the mill"));
		assertThat(action.preconditions()).containsOnly(entry("head_sha", HEAD_SHA));
		Action squash = stored(answer(merge(), call("github_merge_pull_request",
				Map.of("repo", REPO, "number", 2, "merge_method", "squash", "commit_title", " Carry fix (#2) "))));
		assertThat(squash.arguments()).contains(entry("merge_method", "squash"),
				entry("commit_title", "Carry fix (#2)"));
		assertThat(squash.risk()).isEqualTo(Risk.HIGH);
	}

	@Test
	void mergeWhenMergedClosedConflictingOrUnknownThenToolErrorAndNothingQueued() {
		String path = "/repos/" + REPO + "/pulls/2";
		github.stubFor(get(urlPathEqualTo(path)).willReturn(okJson(pull("closed", true, false))));
		assertThat(failure(merge(), call("github_merge_pull_request", Map.of("repo", REPO, "number", 2))))
			.isInstanceOf(ToolFailure.class)
			.hasMessage("GitHub reports pull request #2 in " + REPO + " as already merged; nothing was queued.");
		github.stubFor(get(urlPathEqualTo(path)).willReturn(okJson(pull("closed", false, false))));
		assertThat(failure(merge(), call("github_merge_pull_request", Map.of("repo", REPO, "number", 2))))
			.hasMessageStartingWith("GitHub reports pull request #2 in " + REPO + " as closed, not open");
		github.stubFor(get(urlPathEqualTo(path)).willReturn(okJson(pull("open", false, false))));
		assertThat(failure(merge(), call("github_merge_pull_request", Map.of("repo", REPO, "number", 2))))
			.hasMessageContaining("has conflicts");
		github.stubFor(get(urlPathEqualTo("/repos/" + REPO + "/pulls/1")).willReturn(notFound()));
		assertThat(failure(merge(), call("github_merge_pull_request", Map.of("repo", REPO, "number", 1))))
			.hasMessageStartingWith("GitHub found no pull request #1 in " + REPO);
		assertThat(failure(merge(),
				call("github_merge_pull_request", Map.of("repo", REPO, "number", 2, "merge_method", "octopus"))))
			.hasMessageStartingWith("Invalid argument 'merge_method'");
		assertNothingQueued();
	}

	private static void stubRepository(boolean isPrivate, String owner) {
		github.stubFor(get(urlPathEqualTo("/repos/" + REPO)).willReturn(okJson("""
				{"id": 7001, "name": "analytical-engine", "full_name": "ada-lovelace/analytical-engine",
				 "private": %s, "owner": {"login": "%s", "id": 1815, "type": "User"},
				 "visibility": "%s", "default_branch": "main"}""".formatted(isPrivate, owner,
				isPrivate ? "private" : "public"))));
		github.stubFor(get(urlPathEqualTo("/user")).willReturn(okJson("{\"login\":\"ada-lovelace\",\"id\":1815}")));
	}

	private static ResponseDefinitionBuilder notFound() {
		return aResponse().withStatus(404).withHeader("Content-Type", "application/json").withBody(NOT_FOUND);
	}

	private static String pull(String state, boolean merged, boolean mergeable) {
		return """
				{"url": "https://api.github.com/repos/ada-lovelace/analytical-engine/pulls/2", "id": 1902345678,
				 "html_url": "https://github.com/ada-lovelace/analytical-engine/pull/2", "number": 2,
				 "state": "%s", "locked": false, "title": "Fix carry propagation in the mill",
				 "user": {"login": "charles-babbage", "id": 1791, "type": "User"},
				 "body": "Fixes #1.", "created_at": "2026-11-21T10:00:00Z", "updated_at": "2026-11-22T14:00:00Z",
				 "closed_at": %s, "merged_at": %s, "merge_commit_sha": null, "draft": false,
				 "head": {"label": "ada-lovelace:fix/carry-propagation", "ref": "fix/carry-propagation",
				          "sha": "%s"},
				 "base": {"label": "ada-lovelace:main", "ref": "main",
				          "sha": "9a1c3e5f7b2d4f6a8c0e1b3d5f7a9c2e4b6d8f0a"},
				 "merged": %s, "mergeable": %s, "mergeable_state": "%s", "comments": 1, "commits": 3,
				 "additions": 42, "deletions": 7, "changed_files": 2}""".formatted(state,
				"open".equals(state) ? "null" : "\"2026-11-23T09:00:00Z\"",
				merged ? "\"2026-11-23T09:00:00Z\"" : "null", HEAD_SHA, merged,
				"open".equals(state) ? Boolean.toString(mergeable) : "null",
				"open".equals(state) ? (mergeable ? "clean" : "dirty") : "unknown");
	}

}
