package dev.countersign.examples.sandbox;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.countersign.policy.deal.DemoDeals;
import dev.countersign.server.tool.ToolCatalog;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The writes with preconditions end to end (DESIGN §4 steps 2 and 6): a real MCP client
 * queues {@code deal_update}, {@code github_comment} and
 * {@code github_merge_pull_request}, the phone approves, and each runs once — or fails
 * with its reason when what it was frozen against moved after it was queued (another
 * update of the deal, a push to the pull request).
 */
class SandboxDealGitHubWritesIT {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final HttpClient HTTP = HttpClient.newHttpClient();

	private static final String[] ENGINE = ToolCatalog.EXAMPLE_REPO.split("/");

	private static RunningSandbox sandbox;

	private static Phone phone;

	@BeforeAll
	static void start() {
		sandbox = RunningSandbox.start("--countersign.approval.batch-window=1s");
		phone = new Phone(sandbox);
	}

	@AfterAll
	static void stop() {
		sandbox.close();
	}

	@Test
	void dealUpdateApprovedThenSucceededAndDealGetShowsTheChange() throws Exception {
		String user = "deal-updater";
		try (SandboxAgent agent = SandboxAgent.connect(sandbox, user)) {
			JsonNode before = agent.call("deal_get", Map.of("deal_id", DemoDeals.EXAMPLE_DEAL_ID)).get("deal");
			String id = agent.queue("deal_update",
					Map.of("deal_id", DemoDeals.EXAMPLE_DEAL_ID, "stage", "negotiation", "amount", 26000));
			JsonNode request = phone.awaitRequest(user);
			assertThat(request.get("authorization_details").toString())
				.contains("deal D-1001 'Analytics platform renewal': stage proposal -> negotiation, amount -> 26000");
			phone.decide(request.get("auth_req_id").asString(), "approve");
			assertThat(agent.awaitFinal(id, Duration.ofSeconds(40))).isEqualTo("succeeded");
			JsonNode status = agent.call("action_status", Map.of("action_id", id));
			assertThat(status.get("result").get("deal").get("stage").asString()).isEqualTo("negotiation");
			JsonNode after = agent.call("deal_get", Map.of("deal_id", DemoDeals.EXAMPLE_DEAL_ID)).get("deal");
			assertThat(after.get("stage").asString()).isEqualTo("negotiation");
			assertThat(after.get("amount").asLong()).isEqualTo(26000);
			assertThat(after.get("name").asString()).isEqualTo(before.get("name").asString());
			assertThat(after.get("version").asLong()).isEqualTo(before.get("version").asLong() + 1);
		}
	}

	@Test
	void dealChangedAfterFreezingThenFailedAndTheOtherChangeKept() throws Exception {
		String user = "deal-racer";
		try (SandboxAgent agent = SandboxAgent.connect(sandbox, user)) {
			long version = agent.call("deal_get", Map.of("deal_id", "D-1002")).get("deal").get("version").asLong();
			String first = agent.queue("deal_update", Map.of("deal_id", "D-1002", "stage", "proposal"));
			JsonNode firstRequest = phone.awaitRequest(user);
			// frozen against the same version while the first waits for its approval
			String second = agent.queue("deal_update", Map.of("deal_id", "D-1002", "amount", 9999));
			phone.decide(firstRequest.get("auth_req_id").asString(), "approve");
			assertThat(agent.awaitFinal(first, Duration.ofSeconds(40))).isEqualTo("succeeded");
			phone.decide(phone.awaitRequest(user).get("auth_req_id").asString(), "approve");
			assertThat(agent.awaitFinal(second, Duration.ofSeconds(40))).isEqualTo("failed");
			assertThat(agent.call("action_status", Map.of("action_id", second)).get("reason").asString())
				.contains("the deal changed since you approved");
			JsonNode deal = agent.call("deal_get", Map.of("deal_id", "D-1002")).get("deal");
			assertThat(deal.get("stage").asString()).isEqualTo("proposal");
			assertThat(deal.get("amount").asLong()).isEqualTo(8500);
			assertThat(deal.get("version").asLong()).isEqualTo(version + 1);
		}
	}

	@Test
	void commentApprovedThenSucceededOnceAndListedOnTheIssue() throws Exception {
		String user = "commenter";
		try (SandboxAgent agent = SandboxAgent.connect(sandbox, user)) {
			String id = agent.queue("github_comment", Map.of("repo", ToolCatalog.EXAMPLE_REPO, "number",
					ToolCatalog.EXAMPLE_ISSUE, "body", "Reproduced on main; looking into it."));
			phone.decide(phone.awaitRequest(user).get("auth_req_id").asString(), "approve");
			assertThat(agent.awaitFinal(id, Duration.ofSeconds(40))).isEqualTo("succeeded");
			JsonNode result = agent.call("action_status", Map.of("action_id", id)).get("result");
			assertThat(result.get("comment_id").asLong()).isPositive();
			assertThat(result.get("html_url").asString())
				.contains("#issuecomment-" + result.get("comment_id").asLong());
			JsonNode comments = gitHub(user, "/issues/" + ToolCatalog.EXAMPLE_ISSUE + "/comments");
			assertThat(comments.findValuesAsString("body")).containsExactly("Reproduced on main; looking into it.");
			assertThat(sandbox.bean(ProviderWrites.class).count(user, ProviderWrites.GITHUB_COMMENT)).isEqualTo(1);
		}
	}

	@Test
	void mergeApprovedThenSucceededAndThePullRequestReadsMerged() throws Exception {
		String user = "merger";
		try (SandboxAgent agent = SandboxAgent.connect(sandbox, user)) {
			String id = agent.queue("github_merge_pull_request",
					Map.of("repo", ToolCatalog.EXAMPLE_REPO, "number", ToolCatalog.EXAMPLE_PULL_REQUEST));
			JsonNode request = phone.awaitRequest(user);
			assertThat(request.get("authorization_details").toString()).contains(ToolCatalog.EXAMPLE_REPO + "#"
					+ ToolCatalog.EXAMPLE_PULL_REQUEST + " 'Fix carry propagation in the mill' (merge)");
			phone.decide(request.get("auth_req_id").asString(), "approve");
			assertThat(agent.awaitFinal(id, Duration.ofSeconds(40))).isEqualTo("succeeded");
			JsonNode result = agent.call("action_status", Map.of("action_id", id)).get("result");
			assertThat(result.get("merged").asBoolean()).isTrue();
			assertThat(result.get("sha").asString()).matches("[0-9a-f]{40}");
			JsonNode pull = agent
				.call("github_get_pull_request",
						Map.of("repo", ToolCatalog.EXAMPLE_REPO, "number", ToolCatalog.EXAMPLE_PULL_REQUEST))
				.get("pull_request");
			assertThat(pull.get("merged").asBoolean()).isTrue();
			assertThat(pull.get("state").asString()).isEqualTo("closed");
			assertThat(sandbox.bean(ProviderWrites.class).count(user, ProviderWrites.GITHUB_MERGE)).isEqualTo(1);
		}
	}

	@Test
	void mergeWhenTheHeadMovedAfterFreezingThenFailedAndNotMerged() throws Exception {
		String user = "late-merger";
		try (SandboxAgent agent = SandboxAgent.connect(sandbox, user)) {
			String id = agent.queue("github_merge_pull_request",
					Map.of("repo", ToolCatalog.EXAMPLE_REPO, "number", ToolCatalog.EXAMPLE_PULL_REQUEST));
			JsonNode request = phone.awaitRequest(user);
			String pushed = "0badc0de0badc0de0badc0de0badc0de0badc0de";
			assertThat(sandbox.bean(SandboxGitHub.class)
				.account(user)
				.find(ENGINE[0], ENGINE[1])
				.orElseThrow()
				.push(ToolCatalog.EXAMPLE_PULL_REQUEST, pushed, Instant.now())).isPresent();
			phone.decide(request.get("auth_req_id").asString(), "approve");
			assertThat(agent.awaitFinal(id, Duration.ofSeconds(40))).isEqualTo("failed");
			assertThat(agent.call("action_status", Map.of("action_id", id)).get("reason").asString())
				.isEqualTo("the pull request moved since you approved");
			JsonNode pull = agent
				.call("github_get_pull_request",
						Map.of("repo", ToolCatalog.EXAMPLE_REPO, "number", ToolCatalog.EXAMPLE_PULL_REQUEST))
				.get("pull_request");
			assertThat(pull.get("merged").asBoolean()).isFalse();
			assertThat(pull.get("state").asString()).isEqualTo("open");
			assertThat(pull.get("head_sha").asString()).isEqualTo(pushed);
			assertThat(sandbox.bean(ProviderWrites.class).count(user, ProviderWrites.GITHUB_MERGE)).isZero();
		}
	}

	/** Reads the emulated GitHub directly, with a token for the user's GitHub account. */
	private static JsonNode gitHub(String user, String path) throws Exception {
		String token = sandbox.bean(EmulatedProviderTokens.class).issue(user, EmulatedTokenVault.GITHUB).token();
		HttpResponse<String> response = HTTP.send(HttpRequest
			.newBuilder(URI
				.create(sandbox.baseUrl() + EmulatedGitHub.BASE_PATH + "/repos/" + ToolCatalog.EXAMPLE_REPO + path))
			.header("Authorization", "Bearer " + token)
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		return JSON.readTree(response.body());
	}

}
