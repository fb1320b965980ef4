package dev.countersign.examples.sandbox;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.countersign.server.tool.ToolCatalog;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The ways out of every state a write can get stuck in, and the faults that put it there,
 * end to end: a real MCP client queues writes, the sandbox phone approves or denies, the
 * emulations fail on purpose, and the user gets unstuck through the config API with a
 * console token. Nothing runs unapproved, nothing runs twice.
 */
class SandboxStuckActionsIT {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final Duration FINAL_WITHIN = Duration.ofSeconds(60);

	private static RunningSandbox sandbox;

	private static Phone phone;

	@BeforeAll
	static void start() {
		sandbox = RunningSandbox.start("--countersign.approval.batch-window=1s", "--countersign.providers.timeout=2s");
		phone = new Phone(sandbox);
	}

	@AfterAll
	static void stop() {
		sandbox.close();
	}

	@AfterEach
	void clearFaults() {
		sandbox.bean(ProviderFaults.class).clear();
	}

	@Test
	void writeTimingOutAfterSendIsUnknownSentOnceThenTheUserResolvesIt() throws Exception {
		String user = "timeout";
		sandbox.bean(ProviderFaults.class).github().delay(Duration.ofSeconds(5));
		try (SandboxAgent agent = SandboxAgent.connect(sandbox, user)) {
			String id = agent.queue("github_create_issue",
					Map.of("repo", ToolCatalog.EXAMPLE_REPO, "title", "Sent once, answer lost"));
			phone.awaitAndDecide(user, "approve");
			assertThat(agent.awaitFinal(id, FINAL_WITHIN)).isEqualTo("unknown");
			// the emulation took the write once and Countersign never sent it again
			Phone.pause(Duration.ofSeconds(4));
			assertThat(sandbox.bean(ProviderWrites.class).count(user, ProviderWrites.GITHUB_ISSUE)).isEqualTo(1);

			HttpResponse<String> resolved = api(user, "/api/v1/actions/" + id + "/resolve",
					"{\"outcome\":\"succeeded\",\"note\":\"the issue is there\"}");
			assertThat(resolved.statusCode()).as(resolved.body()).isEqualTo(200);
			assertThat(agent.call("action_status", Map.of("action_id", id)).get("status").asString())
				.isEqualTo("succeeded");
			assertThat(api(user, "/api/v1/actions/" + id + "/resolve", "{\"outcome\":\"failed\"}").statusCode())
				.isEqualTo(409);
		}
	}

	@Test
	void deniedWriteResubmittedNeedsANewApprovalThenRunsOnce() throws Exception {
		String user = "secondthoughts";
		try (SandboxAgent agent = SandboxAgent.connect(sandbox, user)) {
			String id = agent.queue("github_create_issue",
					Map.of("repo", ToolCatalog.EXAMPLE_REPO, "title", "Asked twice, done once"));
			phone.awaitAndDecide(user, "deny");
			assertThat(agent.awaitFinal(id, FINAL_WITHIN)).isEqualTo("denied");
			assertThat(sandbox.bean(ProviderWrites.class).total(user)).isZero();

			HttpResponse<String> resubmitted = api(user, "/api/v1/actions/" + id + "/resubmit", null);
			assertThat(resubmitted.statusCode()).as(resubmitted.body()).isEqualTo(200);
			JsonNode fresh = JSON.readTree(resubmitted.body());
			String freshId = fresh.get("action_id").asString();
			assertThat(freshId).isNotEqualTo(id);
			assertThat(fresh.get("status").asString()).isEqualTo("pending_approval");
			// nothing runs until the user approves the new push
			Phone.pause(Duration.ofSeconds(2));
			assertThat(sandbox.bean(ProviderWrites.class).total(user)).isZero();
			phone.awaitAndDecide(user, "approve");
			assertThat(agent.awaitFinal(freshId, FINAL_WITHIN)).isEqualTo("succeeded");
			assertThat(sandbox.bean(ProviderWrites.class).count(user, ProviderWrites.GITHUB_ISSUE)).isEqualTo(1);
			assertThat(agent.call("action_status", Map.of("action_id", id)).get("status").asString())
				.isEqualTo("denied");
		}
	}

	@Test
	void userWithoutGuardianEnrolmentIsToldSoInActionStatus() throws Exception {
		String user = SandboxUsers.NO_GUARDIAN_USER;
		try (SandboxAgent agent = SandboxAgent.connect(sandbox, user)) {
			String id = agent.queue("deal_create",
					Map.of("name", "Enrolment first", "company", "Northwind Traders", "amount", 10));
			assertThat(agent.awaitFinal(id, FINAL_WITHIN)).isEqualTo("failed");
			String reason = agent.call("action_status", Map.of("action_id", id)).get("reason").asString();
			assertThat(reason).contains("no Auth0 Guardian enrolment").contains("enrol the Guardian app");
			assertThat(phone.requests(user)).isEmpty();
		}
	}

	@Test
	void providerErrorForOneActionOfNineFailsOnlyThatOne() throws Exception {
		String user = "ninewrites";
		try (SandboxAgent agent = SandboxAgent.connect(sandbox, user)) {
			List<String> ids = new ArrayList<>();
			for (int i = 1; i <= 9; i++) {
				ids.add(agent.queue("github_create_issue",
						Map.of("repo", ToolCatalog.EXAMPLE_REPO, "title", "Issue " + i + " of nine")));
			}
			JsonNode request = phone.awaitRequest(user);
			assertThat(request.get("binding_message").asString()).startsWith("Countersign: 9 actions");
			sandbox.bean(ProviderFaults.class).github().failNext(1, 502);
			phone.decide(request.get("auth_req_id").asString(), "approve");
			List<String> finals = new ArrayList<>();
			for (String id : ids) {
				finals.add(agent.awaitFinal(id, FINAL_WITHIN));
			}
			assertThat(finals).containsOnly("succeeded", "failed");
			assertThat(finals.stream().filter("failed"::equals).count()).isEqualTo(1);
			assertThat(sandbox.bean(ProviderWrites.class).count(user, ProviderWrites.GITHUB_ISSUE)).isEqualTo(8);
		}
	}

	@Test
	void auth0UnreachableWhilePollingThenTheBatchKeepsItsStateAndResumes() throws Exception {
		String user = "patientpoller";
		try (SandboxAgent agent = SandboxAgent.connect(sandbox, user)) {
			String id = agent.queue("deal_create",
					Map.of("name", "Polled through an outage", "company", "Northwind Traders", "amount", 20));
			JsonNode request = phone.awaitRequest(user);
			ProviderFaults.Faults tokenEndpoint = sandbox.bean(ProviderFaults.class).tokenEndpoint();
			tokenEndpoint.failNext(2, 503);
			Instant deadline = Instant.now().plusSeconds(40);
			while (tokenEndpoint.failing() && Instant.now().isBefore(deadline)) {
				Phone.pause(Duration.ofMillis(250));
			}
			assertThat(tokenEndpoint.failing()).as("two polls met the outage").isFalse();
			assertThat(agent.call("action_status", Map.of("action_id", id)).get("status").asString())
				.isEqualTo("batched");
			phone.decide(request.get("auth_req_id").asString(), "approve");
			assertThat(agent.awaitFinal(id, FINAL_WITHIN)).isEqualTo("succeeded");
		}
	}

	private static HttpResponse<String> api(String user, String path, String body) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(sandbox.baseUrl() + path))
			.header("Authorization", "Bearer " + sandbox.consoleToken(user))
			.header("Content-Type", "application/json");
		return Phone.send(request
			.POST((body != null) ? HttpRequest.BodyPublishers.ofString(body) : HttpRequest.BodyPublishers.noBody())
			.build());
	}

}
