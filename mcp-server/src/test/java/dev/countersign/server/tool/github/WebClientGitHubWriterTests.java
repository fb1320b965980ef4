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
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code github_create_issue} against WireMock replaying GitHub REST's answers: exact
 * request, result mapping, and every failure sent once.
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

}
