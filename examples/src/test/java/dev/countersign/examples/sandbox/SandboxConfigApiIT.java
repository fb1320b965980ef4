package dev.countersign.examples.sandbox;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Loosening governance needs the phone, end to end in the sandbox: lowering
 * {@code auto_approve_at} through the config API with a console token answers 202 and
 * changes nothing until the user approves the push on the sandbox phone; a denied one is
 * never applied. The settings page renders the thresholds over the same API.
 */
class SandboxConfigApiIT {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static RunningSandbox sandbox;

	private static Phone phone;

	@BeforeAll
	static void start() {
		sandbox = RunningSandbox.start();
		phone = new Phone(sandbox);
	}

	@AfterAll
	static void stop() {
		sandbox.close();
	}

	@Test
	void loweringAutoApproveAtAppliesOnlyWhenApprovedOnThePhone() {
		String user = "cfgloosen";
		HttpResponse<String> requested = api(user, "PUT", "/api/v1/routing",
				"{\"auto_approve_at\":0.7,\"review_below\":0.5}");
		assertThat(requested.statusCode()).as(requested.body()).isEqualTo(202);
		String change = JSON.readTree(requested.body()).get("change_id").asString();
		assertThat(JSON.readTree(requested.body()).get("status").asString()).isEqualTo("pending_approval");
		assertThat(autoApproveAt(user)).isEqualTo(0.85);

		JsonNode push = phone.awaitRequest(user);
		assertThat(push.get("binding_message").asString()).startsWith("Countersign: loosen routing #");
		assertThat(push.get("authorization_details").toString()).contains("auto_approve_at lowered from 0.85 to 0.7");
		assertThat(status(user, change)).isEqualTo("pending_approval");
		assertThat(autoApproveAt(user)).isEqualTo(0.85);
		phone.decide(push.get("auth_req_id").asString(), "approve");
		awaitStatus(user, change, "applied");
		assertThat(autoApproveAt(user)).isEqualTo(0.7);

		HttpResponse<String> another = api(user, "PUT", "/api/v1/routing",
				"{\"auto_approve_at\":0.6,\"review_below\":0.5}");
		assertThat(another.statusCode()).as(another.body()).isEqualTo(202);
		String denied = JSON.readTree(another.body()).get("change_id").asString();
		phone.awaitAndDecide(user, "deny");
		awaitStatus(user, denied, "denied");
		Phone.pause(Duration.ofSeconds(1));
		assertThat(autoApproveAt(user)).isEqualTo(0.7);
	}

	@Test
	void pinningAnAgentAtL1LetsItsLowWritesRunAtOnceOnlyAfterThePhoneApproves() throws Exception {
		String user = "cfgtrust";
		try (SandboxAgent agent = SandboxAgent.connect(sandbox, user)) {
			JsonNode first = agent.call("calendar_create_event", lowWrite("Before any pin"));
			assertThat(first.get("decision").asString()).isEqualTo("batch");
			assertThat(api(user, "POST", "/api/v1/batches/flush", null).statusCode()).isEqualTo(200);
			phone.awaitAndDecide(user, "deny");
			assertThat(agent.awaitFinal(first.get("action_id").asString(), Duration.ofSeconds(40))).isEqualTo("denied");

			HttpResponse<String> pin = api(user, "PATCH", "/api/v1/agents/" + SandboxAgent.AGENT,
					"{\"pinned_level\":\"L1\"}");
			assertThat(pin.statusCode()).as(pin.body()).isEqualTo(202);
			String change = JSON.readTree(pin.body()).get("change_id").asString();
			JsonNode push = phone.awaitRequest(user);

			// not before the phone: the same kind of write still waits
			JsonNode waiting = agent.call("calendar_create_event", lowWrite("While the pin waits"));
			assertThat(waiting.get("status").asString()).isEqualTo("pending_approval");
			assertThat(waiting.get("decision").asString()).isEqualTo("batch");
			agent.call("cancel_action", Map.of("action_id", waiting.get("action_id").asString()));

			phone.decide(push.get("auth_req_id").asString(), "approve");
			awaitStatus(user, change, "applied");
			JsonNode ran = agent.call("calendar_create_event", lowWrite("After the pin"));
			assertThat(ran.get("status").asString()).as(ran.toString()).isEqualTo("succeeded");
			assertThat(ran.get("decision").asString()).isEqualTo("auto_approve");
			assertThat(phone.requests(user)).isEmpty();
		}
	}

	private static Map<String, Object> lowWrite(String summary) {
		return Map.of("summary", summary, "start", "2026-12-03T15:00:00Z", "end", "2026-12-03T15:30:00Z", "confidence",
				0.9);
	}

	@Test
	void settingsPageRendersTheThresholds() {
		String user = "cfgpage";
		HttpResponse<String> tightened = api(user, "PUT", "/api/v1/routing",
				"{\"auto_approve_at\":0.93,\"review_below\":0.55}");
		assertThat(tightened.statusCode()).as(tightened.body()).isEqualTo(200);
		HttpResponse<String> page = sandbox.get("/sandbox/phone/settings?user=" + user);
		assertThat(page.statusCode()).isEqualTo(200);
		assertThat(page.headers().firstValue("Content-Type"))
			.hasValueSatisfying((type) -> assertThat(type).startsWith("text/html"));
		assertThat(page.body()).contains("name=\"auto_approve_at\"")
			.contains("value=\"0.93\"")
			.contains("value=\"0.55\"")
			.doesNotContain(sandbox.consoleToken(user).substring(0, 20));
		assertThat(sandbox.get("/sandbox/phone/settings?user=%3Cb%3E").statusCode()).isEqualTo(400);
	}

	private static double autoApproveAt(String user) {
		HttpResponse<String> response = api(user, "GET", "/api/v1/routing", null);
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		return JSON.readTree(response.body()).get("auto_approve_at").asDouble();
	}

	private static String status(String user, String change) {
		HttpResponse<String> response = api(user, "GET", "/api/v1/changes/" + change, null);
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		return JSON.readTree(response.body()).get("status").asString();
	}

	private static void awaitStatus(String user, String change, String expected) {
		Instant deadline = Instant.now().plusSeconds(30);
		while (Instant.now().isBefore(deadline)) {
			if (expected.equals(status(user, change))) {
				return;
			}
			Phone.pause(Duration.ofMillis(200));
		}
		assertThat(status(user, change)).isEqualTo(expected);
	}

	private static HttpResponse<String> api(String user, String method, String path, String body) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(sandbox.baseUrl() + path))
			.header("Authorization", "Bearer " + sandbox.consoleToken(user))
			.header("Content-Type", "application/json");
		return Phone.send(
				request
					.method(method,
							(body != null) ? HttpRequest.BodyPublishers.ofString(body)
									: HttpRequest.BodyPublishers.noBody())
					.build());
	}

}
