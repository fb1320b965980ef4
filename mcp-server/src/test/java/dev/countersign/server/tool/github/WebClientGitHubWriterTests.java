package dev.countersign.server.tool.github;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.github.tomakehurst.wiremock.WireMockServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import dev.countersign.policy.action.Action;
import dev.countersign.server.approval.WriteOutcomeUnknownException;
import dev.countersign.server.approval.WriteRejectedException;
import dev.countersign.server.provider.FakeProviderTokens;
import dev.countersign.server.provider.ProviderHttp;
import dev.countersign.server.provider.ProviderWriteHttp;
import dev.countersign.server.tool.write.TestWrites;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code github_create_issue}, {@code github_comment} and
 * {@code github_merge_pull_request} against WireMock replaying GitHub REST's answers:
 * exact request, result mapping, the merge's head precondition, and every failure sent
 * once.
 */
class WebClientGitHubWriterTests {

	private static final WireMockServer github = new WireMockServer(options().dynamicPort());

	private static final String ISSUES = "/repos/ada-lovelace/analytical-engine/issues";

	private static final String CREATED = """
			{
			  "url": "https://api.github.com/repos/ada-lovelace/analytical-engine/issues/3",
			  "repository_url": "https://api.github.com/repos/ada-lovelace/analytical-engine",
			  "html_url": "https://github.com/ada-lovelace/analytical-engine/issues/3",
			  "id": 2701234570,
			  "node_id": "I_kwDOLx7n8M6hAbCf",
			  "number": 3,
			  "title": "Drift in column 7",
			  "user": {"login": "ada-lovelace", "id": 1815, "type": "User", "site_admin": false},
			  "labels": [{"id": 1, "node_id": "LA_1", "name": "bug", "color": "d73a4a", "default": true, "description": "Something isn't working"}],
			  "state": "open",
			  "locked": false,
			  "assignee": null,
			  "assignees": [],
			  "milestone": null,
			  "comments": 0,
			  "created_at": "2026-11-23T10:01:00Z",
			  "updated_at": "2026-11-23T10:01:00Z",
			  "closed_at": null,
			  "author_association": "OWNER",
			  "body": "Steps:\\n1. run\\n",
			  "closed_by": null,
			  "state_reason": null
			}""";

	private final Action action = TestWrites.action("github_create_issue",
			Map.of("repo", "ada-lovelace/analytical-engine", "title", "Drift in column 7", "body", "Steps:\n1. run\n",
					"labels", List.of("bug")));

	private WebClientGitHubWriter writer;

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
		this.writer = writer(github.baseUrl());
	}

	private static WebClientGitHubWriter writer(String baseUrl) {
		return new WebClientGitHubWriter(WebClientGitHubWriter
			.configure(
					ProviderWriteHttp.builder("GitHub", URI.create(baseUrl), TestWrites.breaker(ProviderHttp.GITHUB)))
			.timeout(Duration.ofMillis(500))
			.build());
	}

	@Test
	void executeWhenCreatedThenExactRequestOnceAndIssueResult() {
		github.stubFor(post(urlPathEqualTo(ISSUES)).willReturn(aResponse().withStatus(201)
			.withHeader("Content-Type", "application/json; charset=utf-8")
			.withBody(CREATED)));
		Map<String, Object> result = this.writer.execute(this.action, FakeProviderTokens.TOKEN).block();
		github.verify(1, postRequestedFor(urlPathEqualTo(ISSUES))
			.withHeader("Authorization", equalTo("Bearer " + FakeProviderTokens.TOKEN))
			.withHeader("X-GitHub-Api-Version", equalTo("2022-11-28"))
			.withRequestBody(equalToJson("""
					{"title":"Drift in column 7","body":"Steps:\\n1. run\\n","labels":["bug"]}""", false, false)));
		assertThat(result).isEqualTo(Map.of("issue", Map.of("number", 3L, "title", "Drift in column 7", "state", "open",
				"body", "Steps:\n1. run\n", "author", "ada-lovelace", "labels", List.of("bug"), "html_url",
				"https://github.com/ada-lovelace/analytical-engine/issues/3", "created_at", "2026-11-23T10:01:00Z")));
	}

	@Test
	void executeWhenRepositoryNotFoundThenRejectedWithOneSentence() {
		github.stubFor(post(urlPathEqualTo(ISSUES)).willReturn(aResponse().withStatus(404)
			.withHeader("Content-Type", "application/json")
			.withBody(
					"""
							{"message":"Not Found","documentation_url":"https://docs.github.com/rest/issues/issues#create-an-issue","status":"404"}""")));
		StepVerifier.create(this.writer.execute(this.action, FakeProviderTokens.TOKEN))
			.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOf(WriteRejectedException.class)
				.hasMessage("The repository ada-lovelace/analytical-engine was not found on GitHub, or the connected "
						+ "account cannot write to it; nothing was created."))
			.verify();
		github.verify(1, postRequestedFor(urlPathEqualTo(ISSUES)));
	}

	@Test
	void executeWhenValidationFailsThenRejectedQuotingGitHub() {
		github.stubFor(post(urlPathEqualTo(ISSUES)).willReturn(aResponse().withStatus(422)
			.withHeader("Content-Type", "application/json")
			.withBody(
					"""
							{"message":"Validation Failed","errors":[{"resource":"Issue","code":"missing_field","field":"title"}],"documentation_url":"https://docs.github.com/rest/issues/issues#create-an-issue","status":"422"}""")));
		StepVerifier.create(this.writer.execute(this.action, FakeProviderTokens.TOKEN))
			.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOf(WriteRejectedException.class)
				.hasMessage(
						"GitHub refused the new issue in ada-lovelace/analytical-engine (HTTP 422: Validation Failed)."))
			.verify();
	}

	@Test
	void executeWhenServerErrorThenRejectedAndNotRetried() {
		github.stubFor(post(urlPathEqualTo(ISSUES)).willReturn(aResponse().withStatus(502)));
		StepVerifier.create(this.writer.execute(this.action, FakeProviderTokens.TOKEN))
			.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOf(WriteRejectedException.class)
				.hasMessageStartingWith("GitHub failed (HTTP 502) while creating the new issue"))
			.verify();
		github.verify(1, postRequestedFor(urlPathEqualTo(ISSUES)));
	}

	@Test
	void executeWhenNoAnswerInTimeThenUnknownAndSentOnce() {
		github.stubFor(post(urlPathEqualTo(ISSUES))
			.willReturn(aResponse().withStatus(201).withFixedDelay(2000).withBody(CREATED)));
		StepVerifier.create(this.writer.execute(this.action, FakeProviderTokens.TOKEN))
			.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOf(WriteOutcomeUnknownException.class)
				.hasMessageContaining("no answer within the time limit")
				.message()
				.doesNotContain(FakeProviderTokens.TOKEN))
			.verify(Duration.ofSeconds(10));
		github.verify(1, postRequestedFor(urlPathEqualTo(ISSUES)));
	}

	@Test
	void executeWhenConnectionResetAfterSendingThenUnknownAndSentOnce() {
		github.stubFor(post(urlPathEqualTo(ISSUES))
			.willReturn(aResponse().withFault(com.github.tomakehurst.wiremock.http.Fault.CONNECTION_RESET_BY_PEER)));
		StepVerifier.create(this.writer.execute(this.action, FakeProviderTokens.TOKEN))
			.expectError(WriteOutcomeUnknownException.class)
			.verify(Duration.ofSeconds(10));
		github.verify(1, postRequestedFor(urlPathEqualTo(ISSUES)));
	}

	@Test
	void executeWhenConnectionRefusedThenRejectedNothingSent() {
		WebClientGitHubWriter unreachable = writer("http://127.0.0.1:" + TestWrites.closedPort());
		StepVerifier.create(unreachable.execute(this.action, FakeProviderTokens.TOKEN))
			.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOf(WriteRejectedException.class)
				.hasMessage("GitHub was unreachable; nothing was sent."))
			.verify(Duration.ofSeconds(10));
	}

	// github_comment

	private static final String COMMENTS = "/repos/ada-lovelace/analytical-engine/issues/1/comments";

	private static final String COMMENT_CREATED = """
			{
			  "id": 1500000001,
			  "node_id": "IC_kwDOLx7n8M5Zb3Xh",
			  "url": "https://api.github.com/repos/ada-lovelace/analytical-engine/issues/comments/1500000001",
			  "html_url": "https://github.com/ada-lovelace/analytical-engine/issues/1#issuecomment-1500000001",
			  "body": "Reproduced on main.",
			  "user": {"login": "ada-lovelace", "id": 1815, "type": "User", "site_admin": false},
			  "created_at": "2026-11-23T10:02:00Z",
			  "updated_at": "2026-11-23T10:02:00Z",
			  "issue_url": "https://api.github.com/repos/ada-lovelace/analytical-engine/issues/1",
			  "author_association": "OWNER"
			}""";

	private final Action comment = TestWrites.action("github_comment",
			Map.of("repo", "ada-lovelace/analytical-engine", "number", 1, "body", "Reproduced on main."));

	@Test
	void commentWhenCreatedThenExactRequestOnceAndIdAndUrl() {
		github.stubFor(post(urlPathEqualTo(COMMENTS)).willReturn(aResponse().withStatus(201)
			.withHeader("Content-Type", "application/json; charset=utf-8")
			.withBody(COMMENT_CREATED)));
		Map<String, Object> result = this.writer.execute(this.comment, FakeProviderTokens.TOKEN).block();
		github.verify(1,
				postRequestedFor(urlPathEqualTo(COMMENTS))
					.withHeader("Authorization", equalTo("Bearer " + FakeProviderTokens.TOKEN))
					.withHeader("Accept", equalTo("application/vnd.github+json"))
					.withRequestBody(equalToJson("{\"body\":\"Reproduced on main.\"}", false, false)));
		assertThat(result).isEqualTo(Map.of("comment_id", 1500000001L, "html_url",
				"https://github.com/ada-lovelace/analytical-engine/issues/1#issuecomment-1500000001"));
	}

	@Test
	void commentWhenIssueNotFoundThenRejected() {
		github.stubFor(post(urlPathEqualTo(COMMENTS)).willReturn(aResponse().withStatus(404)
			.withHeader("Content-Type", "application/json")
			.withBody(
					"""
							{"message":"Not Found","documentation_url":"https://docs.github.com/rest/issues/comments#create-an-issue-comment","status":"404"}""")));
		StepVerifier.create(this.writer.execute(this.comment, FakeProviderTokens.TOKEN))
			.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOf(WriteRejectedException.class)
				.hasMessage("Issue #1 in ada-lovelace/analytical-engine was not found on GitHub, or the connected "
						+ "account cannot comment on it; nothing was posted."))
			.verify();
		github.verify(1, postRequestedFor(urlPathEqualTo(COMMENTS)));
	}

	@Test
	void commentWhenNoAnswerInTimeThenUnknownAndSentOnce() {
		github.stubFor(post(urlPathEqualTo(COMMENTS))
			.willReturn(aResponse().withStatus(201).withFixedDelay(2000).withBody(COMMENT_CREATED)));
		StepVerifier.create(this.writer.execute(this.comment, FakeProviderTokens.TOKEN))
			.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOf(WriteOutcomeUnknownException.class)
				.hasMessageContaining("no answer within the time limit"))
			.verify(Duration.ofSeconds(10));
		github.verify(1, postRequestedFor(urlPathEqualTo(COMMENTS)));
	}

	// github_merge_pull_request

	private static final String MERGE = "/repos/ada-lovelace/analytical-engine/pulls/2/merge";

	private static final String HEAD_SHA = "6dcb09b5b57875f334f61aebed695e2e4193db5e";

	private final Action merge = TestWrites.action(
			"github_merge_pull_request", Map.of("repo", "ada-lovelace/analytical-engine", "number", 2, "merge_method",
					"squash", "commit_title", "Carry fix (#2)", "title", "Fix carry propagation in the mill"),
			Map.of("head_sha", HEAD_SHA));

	@Test
	void mergeWhenMergedThenExactRequestWithTheFrozenShaOnce() {
		github.stubFor(put(urlPathEqualTo(MERGE)).willReturn(
				okJson("""
						{"sha":"6dcb09b5b57875f334f61aebed695e2e4193db5f","merged":true,"message":"Pull Request successfully merged"}""")));
		Map<String, Object> result = this.writer.execute(this.merge, FakeProviderTokens.TOKEN).block();
		github.verify(1,
				putRequestedFor(urlPathEqualTo(MERGE))
					.withHeader("Authorization", equalTo("Bearer " + FakeProviderTokens.TOKEN))
					.withRequestBody(equalToJson("""
							{"sha":"%s","merge_method":"squash","commit_title":"Carry fix (#2)"}""".formatted(HEAD_SHA),
							false, false)));
		assertThat(result).isEqualTo(Map.of("sha", "6dcb09b5b57875f334f61aebed695e2e4193db5f", "merged", true));
	}

	@Test
	void mergeWhenNoMethodFrozenThenMergeAndNoTitle() {
		Action plain = TestWrites.action("github_merge_pull_request",
				Map.of("repo", "ada-lovelace/analytical-engine", "number", 2), Map.of("head_sha", HEAD_SHA));
		github.stubFor(put(urlPathEqualTo(MERGE)).willReturn(
				okJson("""
						{"sha":"aa1c3e5f7b2d4f6a8c0e1b3d5f7a9c2e4b6d8f0a","merged":true,"message":"Pull Request successfully merged"}""")));
		this.writer.execute(plain, FakeProviderTokens.TOKEN).block();
		github.verify(1, putRequestedFor(urlPathEqualTo(MERGE)).withRequestBody(equalToJson("""
				{"sha":"%s","merge_method":"merge"}""".formatted(HEAD_SHA), false, false)));
	}

	@Test
	void mergeWhenHeadMovedThenConflictIsFailedPullRequestMovedAndSentOnce() {
		github.stubFor(put(urlPathEqualTo(MERGE)).willReturn(aResponse().withStatus(409)
			.withHeader("Content-Type", "application/json; charset=utf-8")
			.withBody(
					"""
							{"message":"Head branch was modified. Review and try the merge again.","documentation_url":"https://docs.github.com/rest/pulls/pulls#merge-a-pull-request","status":"409"}""")));
		StepVerifier.create(this.writer.execute(this.merge, FakeProviderTokens.TOKEN))
			.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOf(WriteRejectedException.class)
				.hasMessage("the pull request moved since you approved"))
			.verify();
		github.verify(1, putRequestedFor(urlPathEqualTo(MERGE)));
	}

	@Test
	void mergeWhenNotMergeableThenFailedWithGitHubsMessage() {
		github.stubFor(put(urlPathEqualTo(MERGE)).willReturn(aResponse().withStatus(405)
			.withHeader("Content-Type", "application/json; charset=utf-8")
			.withBody(
					"""
							{"message":"Pull Request is not mergeable","documentation_url":"https://docs.github.com/rest/pulls/pulls#merge-a-pull-request","status":"405"}""")));
		StepVerifier.create(this.writer.execute(this.merge, FakeProviderTokens.TOKEN))
			.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOf(WriteRejectedException.class)
				.hasMessageContaining("HTTP 405: Pull Request is not mergeable"))
			.verify();
		github.verify(1, putRequestedFor(urlPathEqualTo(MERGE)));
	}

	@Test
	void mergeWhenNoAnswerInTimeThenUnknownAndSentOnce() {
		github.stubFor(put(urlPathEqualTo(MERGE)).willReturn(
				okJson("""
						{"sha":"aa1c3e5f7b2d4f6a8c0e1b3d5f7a9c2e4b6d8f0a","merged":true,"message":"Pull Request successfully merged"}""")
					.withFixedDelay(2000)));
		StepVerifier.create(this.writer.execute(this.merge, FakeProviderTokens.TOKEN))
			.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOf(WriteOutcomeUnknownException.class)
				.hasMessageContaining("no answer within the time limit")
				.message()
				.doesNotContain(FakeProviderTokens.TOKEN))
			.verify(Duration.ofSeconds(10));
		github.verify(1, putRequestedFor(urlPathEqualTo(MERGE)));
	}

	@Test
	void mergeWhenNoHeadShaFrozenThenRejectedAndNothingSent() {
		Action unguarded = TestWrites.action("github_merge_pull_request",
				Map.of("repo", "ada-lovelace/analytical-engine", "number", 2));
		StepVerifier.create(this.writer.execute(unguarded, FakeProviderTokens.TOKEN))
			.expectError(WriteRejectedException.class)
			.verify();
		github.verify(0, putRequestedFor(urlPathEqualTo(MERGE)));
	}

}
