package dev.countersign.server.tool.github;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.countersign.server.provider.FakeProviderTokens;
import dev.countersign.server.provider.ProviderHttp;
import dev.countersign.server.tool.ToolArgumentException;
import dev.countersign.server.tool.ToolFailure;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static dev.countersign.server.provider.ToolCalls.answer;
import static dev.countersign.server.provider.ToolCalls.call;
import static dev.countersign.server.provider.ToolCalls.failure;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The GitHub tools against WireMock replaying GitHub REST's answers.
 */
class GitHubToolsTests {

	private static final WireMockServer github = new WireMockServer(options().dynamicPort());

	private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-23T10:00:00Z"), ZoneOffset.UTC);

	private static final String REPO = "ada-lovelace/analytical-engine";

	private static final String ISSUES = "/repos/" + REPO + "/issues";

	private static final String ISSUE = """
			{
			  "url": "https://api.github.com/repos/ada-lovelace/analytical-engine/issues/1",
			  "repository_url": "https://api.github.com/repos/ada-lovelace/analytical-engine",
			  "html_url": "https://github.com/ada-lovelace/analytical-engine/issues/1",
			  "id": 2701234567,
			  "node_id": "I_kwDOLx7n8M6hAbCd",
			  "number": 1,
			  "title": "Difference engine drifts after 10 000 cycles",
			  "user": {"login": "ada-lovelace", "id": 1815, "type": "User", "site_admin": false},
			  "labels": [
			    {"id": 1, "node_id": "LA_1", "name": "bug", "color": "d73a4a", "default": true, "description": "Something isn't working"},
			    {"id": 2, "node_id": "LA_2", "name": "engine", "color": "0e8a16", "default": false, "description": null}
			  ],
			  "state": "open",
			  "locked": false,
			  "assignee": null,
			  "assignees": [],
			  "milestone": null,
			  "comments": 3,
			  "created_at": "2026-11-01T09:00:00Z",
			  "updated_at": "2026-11-20T17:45:12Z",
			  "closed_at": null,
			  "author_association": "OWNER",
			  "body": "Column 7 drifts by one after 10 000 cycles.",
			  "reactions": {"total_count": 0},
			  "state_reason": null
			}""";

	private static final String PULL_AS_ISSUE = """
			{
			  "url": "https://api.github.com/repos/ada-lovelace/analytical-engine/issues/2",
			  "html_url": "https://github.com/ada-lovelace/analytical-engine/pull/2",
			  "id": 2701234568,
			  "number": 2,
			  "title": "Carry the one in column 7",
			  "user": {"login": "grace-hopper", "id": 1906, "type": "User"},
			  "labels": [],
			  "state": "open",
			  "comments": 0,
			  "created_at": "2026-11-21T12:00:00Z",
			  "updated_at": "2026-11-21T12:00:00Z",
			  "closed_at": null,
			  "author_association": "CONTRIBUTOR",
			  "draft": false,
			  "pull_request": {
			    "url": "https://api.github.com/repos/ada-lovelace/analytical-engine/pulls/2",
			    "html_url": "https://github.com/ada-lovelace/analytical-engine/pull/2",
			    "diff_url": "https://github.com/ada-lovelace/analytical-engine/pull/2.diff",
			    "patch_url": "https://github.com/ada-lovelace/analytical-engine/pull/2.patch",
			    "merged_at": null
			  },
			  "body": null
			}""";

	private static final String NOT_FOUND = """
			{"message":"Not Found","documentation_url":"https://docs.github.com/rest/issues/issues#get-an-issue","status":"404"}""";

	private final FakeProviderTokens tokens = new FakeProviderTokens();

	private WebClientGitHub client;

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
		this.client = new WebClientGitHub(
				WebClientGitHub
					.configure(ProviderHttp.builder("GitHub", "github", URI.create(github.baseUrl()), this.tokens,
							CircuitBreakerRegistry.of(ProviderHttp.circuitBreakerConfig())
								.circuitBreaker(ProviderHttp.GITHUB)))
					.readRetry(3, Duration.ofMillis(10))
					.clock(CLOCK)
					.build());
	}

	@Test
	void listIssuesWhenGitHubListsAPullRequestThenLeavesItOut() {
		github.stubFor(get(urlPathEqualTo(ISSUES)).willReturn(okJson("[" + ISSUE + "," + PULL_AS_ISSUE + "]")));
		Map<String, Object> result = answer(GitHubTools.listIssues(this.client), call("github_list_issues",
				Map.of("repo", REPO, "state", "all", "labels", List.of("bug", "good first issue"), "limit", 30)));
		github.verify(getRequestedFor(urlPathEqualTo(ISSUES))
			.withHeader("Authorization", equalTo("Bearer " + FakeProviderTokens.TOKEN))
			.withHeader("Accept", equalTo("application/vnd.github+json"))
			.withHeader("X-GitHub-Api-Version", equalTo("2022-11-28"))
			.withQueryParam("state", equalTo("all"))
			.withQueryParam("labels", equalTo("bug,good first issue"))
			.withQueryParam("per_page", equalTo("30")));
		assertThat(this.tokens.reads()).containsExactly("auth0|ada github");
		assertThat(result).containsEntry("count", 1);
		assertThat(result.get("issues"))
			.isEqualTo(List.of(Map.of("number", 1L, "title", "Difference engine drifts after 10 000 cycles", "state",
					"open", "body", "Column 7 drifts by one after 10 000 cycles.", "author", "ada-lovelace", "labels",
					List.of("bug", "engine"), "html_url", "https://github.com/ada-lovelace/analytical-engine/issues/1",
					"created_at", "2026-11-01T09:00:00Z")));
	}

	@Test
	void listIssuesWhenArgumentsOmittedThenOpenIssuesTwentyPerPage() {
		github.stubFor(get(urlPathEqualTo(ISSUES)).willReturn(okJson("[]")));
		answer(GitHubTools.listIssues(this.client), call("github_list_issues", Map.of("repo", REPO)));
		github.verify(getRequestedFor(urlPathEqualTo(ISSUES)).withQueryParam("state", equalTo("open"))
			.withQueryParam("per_page", equalTo("20"))
			.withQueryParam("labels", absent()));
	}

	@Test
	void listIssuesWhenRepoIsNotOwnerSlashNameThenNamesRepoWithoutCallingGitHub() {
		RuntimeException failure = failure(GitHubTools.listIssues(this.client),
				call("github_list_issues", Map.of("repo", "../../user")));
		assertThat(failure).isInstanceOf(ToolArgumentException.class).hasMessageContaining("'repo'");
		assertThat(github.getAllServeEvents()).isEmpty();
		assertThat(this.tokens.reads()).isEmpty();
	}

	@Test
	void listIssuesWhenRepositoryIsMissingThenNotFoundNamingIt() {
		github.stubFor(get(urlPathEqualTo(ISSUES)).willReturn(aResponse().withStatus(404)
			.withHeader("Content-Type", "application/json; charset=utf-8")
			.withBody(NOT_FOUND)));
		RuntimeException failure = failure(GitHubTools.listIssues(this.client),
				call("github_list_issues", Map.of("repo", REPO)));
		assertThat(failure).isInstanceOf(ToolFailure.class)
			.hasMessage("GitHub found no repository " + REPO + ", or the connected account cannot see it.");
		github.verify(1, getRequestedFor(urlPathEqualTo(ISSUES)));
	}

	@Test
	void listIssuesWhenGitHubAnswers503ThenRetriesThenSaysUnavailable() {
		github.stubFor(get(urlPathEqualTo(ISSUES)).willReturn(aResponse().withStatus(503)
			.withHeader("Content-Type", "application/json")
			.withBody("{\"message\":\"Service Unavailable\"}")));
		RuntimeException failure = failure(GitHubTools.listIssues(this.client),
				call("github_list_issues", Map.of("repo", REPO)));
		assertThat(failure).hasMessage("GitHub is unavailable right now; try again shortly.");
		github.verify(3, getRequestedFor(urlPathEqualTo(ISSUES)));
	}

	@Test
	void getIssueWhenNumberIsAPullRequestThenStillAnswersItAsAnIssue() {
		github.stubFor(get(ISSUES + "/2").willReturn(okJson(PULL_AS_ISSUE)));
		Map<String, Object> result = answer(GitHubTools.getIssue(this.client),
				call("github_get_issue", Map.of("repo", REPO, "number", 2)));
		assertThat(result).isEqualTo(Map.of("issue",
				Map.of("number", 2L, "title", "Carry the one in column 7", "state", "open", "author", "grace-hopper",
						"html_url", "https://github.com/ada-lovelace/analytical-engine/pull/2", "created_at",
						"2026-11-21T12:00:00Z")));
	}

	@Test
	void getIssueWhenMissingThenNotFoundNamingTheIssue() {
		github.stubFor(get(ISSUES + "/404").willReturn(aResponse().withStatus(404)
			.withHeader("Content-Type", "application/json; charset=utf-8")
			.withBody(NOT_FOUND)));
		RuntimeException failure = failure(GitHubTools.getIssue(this.client),
				call("github_get_issue", Map.of("repo", REPO, "number", 404)));
		assertThat(failure)
			.hasMessage("GitHub found no issue #404 in " + REPO + ", or the connected account cannot see it.");
		github.verify(1, getRequestedFor(urlPathEqualTo(ISSUES + "/404")));
	}

	@Test
	void getIssueWhenBadCredentialsThenInvalidatesAndAsksToReauthorizeGitHub() {
		github.stubFor(get(ISSUES + "/1").willReturn(aResponse().withStatus(401)
			.withHeader("Content-Type", "application/json; charset=utf-8")
			.withBody(
					"{\"message\":\"Bad credentials\",\"documentation_url\":\"https://docs.github.com/rest\",\"status\":\"401\"}")));
		RuntimeException failure = failure(GitHubTools.getIssue(this.client),
				call("github_get_issue", Map.of("repo", REPO, "number", 1)));
		assertThat(failure).isInstanceOf(ToolFailure.class)
			.hasMessage("GitHub no longer accepts the github connection's authorization; the user must re-authorize "
					+ "the github connection, then try again.");
		assertThat(this.tokens.invalidations()).containsExactly("auth0|ada github");
		github.verify(1, getRequestedFor(urlPathEqualTo(ISSUES + "/1")));
	}

	@Test
	void getIssueWhenForbiddenThenNoAccessWithGitHubsMessage() {
		github.stubFor(get(ISSUES + "/1").willReturn(aResponse().withStatus(403)
			.withHeader("Content-Type", "application/json; charset=utf-8")
			.withHeader("x-ratelimit-remaining", "4999")
			.withBody(
					"{\"message\":\"Resource not accessible by integration\",\"documentation_url\":\"https://docs.github.com/rest/issues/issues#get-an-issue\",\"status\":\"403\"}")));
		RuntimeException failure = failure(GitHubTools.getIssue(this.client),
				call("github_get_issue", Map.of("repo", REPO, "number", 1)));
		assertThat(failure).hasMessage("The connected github account has no access to issue #1 in " + REPO
				+ " on GitHub: Resource not accessible by integration.");
	}

	@Test
	void getIssueWhenRateLimitedThenSaysWhenToRetry() {
		github.stubFor(get(ISSUES + "/1").willReturn(aResponse().withStatus(429)
			.withHeader("Retry-After", "60")
			.withHeader("Content-Type", "application/json; charset=utf-8")
			.withBody(
					"{\"message\":\"You have exceeded a secondary rate limit. Please wait a few minutes before you try again.\",\"documentation_url\":\"https://docs.github.com/rest/overview/rate-limits-for-the-rest-api\",\"status\":\"429\"}")));
		RuntimeException failure = failure(GitHubTools.getIssue(this.client),
				call("github_get_issue", Map.of("repo", REPO, "number", 1)));
		assertThat(failure).hasMessage("GitHub is rate limiting these requests; retry after 60 seconds.");
		github.verify(1, getRequestedFor(urlPathEqualTo(ISSUES + "/1")));
	}

	@Test
	void getPullRequestThenAnswersBranchesHeadAndMergeability() {
		github.stubFor(get("/repos/" + REPO + "/pulls/2").willReturn(
				okJson("""
						{
						  "url": "https://api.github.com/repos/ada-lovelace/analytical-engine/pulls/2",
						  "id": 2123456789,
						  "node_id": "PR_kwDOLx7n8M5_AbCd",
						  "html_url": "https://github.com/ada-lovelace/analytical-engine/pull/2",
						  "number": 2,
						  "state": "open",
						  "locked": false,
						  "title": "Carry the one in column 7",
						  "user": {"login": "grace-hopper", "id": 1906, "type": "User"},
						  "body": "Fixes #1.",
						  "created_at": "2026-11-21T12:00:00Z",
						  "updated_at": "2026-11-22T08:30:00Z",
						  "closed_at": null,
						  "merged_at": null,
						  "merge_commit_sha": "e5bd3914e2e596debea16f433f57875b5b90bcd6",
						  "labels": [],
						  "draft": false,
						  "head": {"label": "grace-hopper:carry-column-7", "ref": "carry-column-7", "sha": "6dcb09b5b57875f334f61aebed695e2e4193db5e",
						           "user": {"login": "grace-hopper"}, "repo": {"full_name": "grace-hopper/analytical-engine"}},
						  "base": {"label": "ada-lovelace:main", "ref": "main", "sha": "9c8e7f1a2b3c4d5e6f708192a3b4c5d6e7f80912",
						           "user": {"login": "ada-lovelace"}, "repo": {"full_name": "ada-lovelace/analytical-engine"}},
						  "author_association": "CONTRIBUTOR",
						  "merged": false,
						  "mergeable": true,
						  "rebaseable": true,
						  "mergeable_state": "clean",
						  "merged_by": null,
						  "comments": 1,
						  "review_comments": 0,
						  "commits": 1,
						  "additions": 3,
						  "deletions": 1,
						  "changed_files": 1
						}""")));
		Map<String, Object> result = answer(GitHubTools.getPullRequest(this.client),
				call("github_get_pull_request", Map.of("repo", REPO, "number", 2)));
		github.verify(getRequestedFor(urlPathEqualTo("/repos/" + REPO + "/pulls/2"))
			.withHeader("Authorization", equalTo("Bearer " + FakeProviderTokens.TOKEN))
			.withHeader("X-GitHub-Api-Version", equalTo("2022-11-28")));
		assertThat(result).isEqualTo(Map.of("pull_request",
				Map.ofEntries(Map.entry("number", 2L), Map.entry("title", "Carry the one in column 7"),
						Map.entry("state", "open"), Map.entry("merged", false), Map.entry("mergeable", true),
						Map.entry("head_sha", "6dcb09b5b57875f334f61aebed695e2e4193db5e"),
						Map.entry("head_ref", "carry-column-7"), Map.entry("base_ref", "main"),
						Map.entry("author", "grace-hopper"), Map.entry("body", "Fixes #1."),
						Map.entry("html_url", "https://github.com/ada-lovelace/analytical-engine/pull/2"))));
	}

	@Test
	void getPullRequestWhenMergeabilityIsStillComputingThenOmitsIt() {
		github.stubFor(get("/repos/" + REPO + "/pulls/2").willReturn(okJson("""
				{"number": 2, "state": "open", "title": "Carry the one", "merged": false, "mergeable": null,
				 "head": {"ref": "carry", "sha": "6dcb09b5b57875f334f61aebed695e2e4193db5e"}, "base": {"ref": "main"},
				 "user": {"login": "grace-hopper"}, "body": null}""")));
		Map<String, Object> result = answer(GitHubTools.getPullRequest(this.client),
				call("github_get_pull_request", Map.of("repo", REPO, "number", 2)));
		@SuppressWarnings("unchecked")
		Map<String, Object> pull = (Map<String, Object>) result.get("pull_request");
		assertThat(pull).doesNotContainKeys("mergeable", "body").containsEntry("merged", false);
	}

}
