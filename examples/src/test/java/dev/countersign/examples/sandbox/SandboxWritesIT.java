package dev.countersign.examples.sandbox;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.ProgressNotification;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.countersign.server.tool.ToolCatalog;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The approval loop end to end (DESIGN §4): a real MCP client queues writes from three
 * areas, Countersign asks for exactly one CIBA approval, the phone approves (or denies),
 * and the writes run once at the emulated providers — or not at all.
 */
class SandboxWritesIT {

	private static final JsonMapper JSON = JsonMapper.builder().build();

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
	void threeWritesFromThreeAreasOnePushApproveThenAllSucceedOnce() throws Exception {
		String user = "writer";
		try (SandboxAgent agent = SandboxAgent.connect(sandbox, user)) {
			List<String> ids = queueThreeWrites(agent);
			JsonNode request = phone.awaitRequest(user);
			assertThat(request.get("binding_message").asString()).startsWith("Countersign: 3 actions");
			EmulatedProviderTokens vault = sandbox.bean(EmulatedProviderTokens.class);
			long exchangesBefore = vault.exchangeCount(user, "github") + vault.exchangeCount(user, "google-oauth2");
			phone.decide(request.get("auth_req_id").asString(), "approve");
			for (String id : ids) {
				assertThat(agent.awaitFinal(id, Duration.ofSeconds(40))).as(id).isEqualTo("succeeded");
			}
			ProviderWrites writes = sandbox.bean(ProviderWrites.class);
			assertThat(writes.count(user, ProviderWrites.GITHUB_ISSUE)).isEqualTo(1);
			assertThat(writes.count(user, ProviderWrites.CALENDAR_INSERT)).isEqualTo(1);
			assertThat(phone.requests(user)).isEmpty();
			// One exchange per connection the batch touched (GitHub and Google; deals
			// need none).
			assertThat(
					vault.exchangeCount(user, "github") + vault.exchangeCount(user, "google-oauth2") - exchangesBefore)
				.isEqualTo(2);
			JsonNode issues = agent.call("github_list_issues", Map.of("repo", ToolCatalog.EXAMPLE_REPO));
			assertThat(issues.get("issues").findValuesAsString("title")).contains("Countersign e2e issue");
		}
	}

	@Test
	void deniedBatchThenAllDeniedAndNothingWritten() throws Exception {
		String user = "denier";
		try (SandboxAgent agent = SandboxAgent.connect(sandbox, user)) {
			List<String> ids = queueThreeWrites(agent);
			phone.decide(phone.awaitRequest(user).get("auth_req_id").asString(), "deny");
			for (String id : ids) {
				assertThat(agent.awaitFinal(id, Duration.ofSeconds(40))).as(id).isEqualTo("denied");
			}
			assertThat(sandbox.bean(ProviderWrites.class).total(user)).isZero();
		}
	}

	@Test
	void emailRecipientsOutsideTheUsersDomainAreCountedOnThePhone() throws Exception {
		String user = "mailer";
		try (SandboxAgent agent = SandboxAgent.connect(sandbox, user)) {
			String id = agent.queue("email_create_draft",
					Map.of("to", List.of(ToolCatalog.EXAMPLE_RECIPIENT), "cc", List.of(user + "@countersign.example"),
							"subject", "Renewal proposal", "body", "Hi Grace, attached."));
			JsonNode request = phone.awaitRequest(user);
			assertThat(request.get("authorization_details").toString()).contains("2 recipients (1 external)");
			phone.decide(request.get("auth_req_id").asString(), "deny");
			assertThat(agent.awaitFinal(id, Duration.ofSeconds(40))).isEqualTo("denied");
		}
	}

	@Test
	void writeWithProgressTokenIsHeldOpenAndReturnsTheRealResult() throws Exception {
		String user = "patient";
		List<ProgressNotification> progress = new CopyOnWriteArrayList<>();
		try (SandboxAgent agent = SandboxAgent.connect(sandbox, user, progress::add)) {
			CompletableFuture<CallToolResult> held = CompletableFuture
				.supplyAsync(() -> agent.callWithProgress("github_create_issue",
						Map.of("repo", ToolCatalog.EXAMPLE_REPO, "title", "Held open until approved")));
			phone.decide(phone.awaitRequest(user).get("auth_req_id").asString(), "approve");
			CallToolResult result = held.get(50, TimeUnit.SECONDS);
			assertThat(result.isError()).as(SandboxAgent.text(result)).isFalse();
			JsonNode content = JSON.valueToTree(result.structuredContent());
			assertThat(content.get("status").asString()).isEqualTo("succeeded");
			assertThat(content.get("result").get("issue").get("title").asString())
				.isEqualTo("Held open until approved");
			assertThat(progress).isNotEmpty();
			assertThat(progress.get(0).message()).contains("pending_approval");
		}
	}

	@Test
	void sameWriteTwiceThenOneAction() {
		try (SandboxAgent agent = SandboxAgent.connect(sandbox, "repeater")) {
			Map<String, Object> args = Map.of("repo", ToolCatalog.EXAMPLE_REPO, "title", "Only once");
			String first = agent.queue("github_create_issue", args);
			String second = agent.queue("github_create_issue", args);
			assertThat(second).isEqualTo(first);
		}
	}

	private static List<String> queueThreeWrites(SandboxAgent agent) {
		return List.of(
				agent.queue("github_create_issue",
						Map.of("repo", ToolCatalog.EXAMPLE_REPO, "title", "Countersign e2e issue")),
				agent.queue("calendar_create_event",
						Map.of("summary", "Pipeline review", "start", "2026-12-01T15:00:00Z", "end",
								"2026-12-01T15:30:00Z")),
				agent.queue("deal_create",
						Map.of("name", "Analytics add-on", "company", "Northwind Traders", "amount", 1200)));
	}

}
