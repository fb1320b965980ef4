package dev.countersign.examples.sandbox;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The per-agent rate limit over Streamable HTTP with the MCP Java SDK client: past its
 * burst an agent gets an {@code isError} result saying in seconds when to retry, nothing
 * runs, {@code list_pending_actions} still answers, the refusal is in the Prometheus
 * scrape, and a retry after the time it was told succeeds. Limits here are small (2 calls
 * a second, bursts of 5) so the test is quick.
 */
class SandboxRateLimitIT {

	private static final Pattern RETRY = Pattern.compile("retry in (\\d+) s");

	private static RunningSandbox sandbox;

	@BeforeAll
	static void start() {
		sandbox = RunningSandbox.start("--countersign.limits.calls-per-second=2", "--countersign.limits.burst=5");
	}

	@AfterAll
	static void stop() {
		sandbox.close();
	}

	@Test
	void callsPastTheBurstThenToldWhenToRetryAndTheRetrySucceeds() throws Exception {
		try (SandboxAgent agent = SandboxAgent.connect(sandbox, "hasty")) {
			CallToolResult refused = null;
			int answered = 0;
			for (int i = 0; i < 20 && refused == null; i++) {
				CallToolResult result = agent.attempt("deal_list", Map.of());
				if (Boolean.TRUE.equals(result.isError())) {
					refused = result;
				}
				else {
					answered++;
				}
			}
			// five at once, plus whatever refilled while the calls went out (2 a second)
			assertThat(refused).as("a call past the burst is refused").isNotNull();
			assertThat(answered).isBetween(5, 9);
			String text = SandboxAgent.text(refused);
			assertThat(text).startsWith("Rate limit reached: this agent may make 2 tool calls a second for this user "
					+ "(bursts of 5). Nothing was done; retry in ");
			Matcher retry = RETRY.matcher(text);
			assertThat(retry.find()).isTrue();
			long seconds = Long.parseLong(retry.group(1));
			assertThat(seconds).isEqualTo(1);
			assertThat(refused.structuredContent()).isNull();

			// following its actions is a budget of its own
			assertThat(agent.attempt("list_pending_actions", Map.of()).isError()).isFalse();

			// the same agent acting for another user is not held back
			try (SandboxAgent other = SandboxAgent.connect(sandbox, "patient")) {
				assertThat(other.attempt("deal_list", Map.of()).isError()).isFalse();
			}

			assertThat(sandbox.get("/actuator/prometheus").body())
				.containsPattern("countersign_tool_calls_limited_total\\{tool=\"deal_list\"\\} [1-9]")
				.containsPattern(
						"countersign_tool_calls_total\\{decision=\"rate_limited\",outcome=\"error\",tool=\"deal_list\"\\} [1-9]");

			// the agent does what it was told: waits that long, then retries
			Instant retryAt = Instant.now().plusSeconds(seconds);
			while (Instant.now().isBefore(retryAt)) {
				Thread.sleep(Duration.between(Instant.now(), retryAt).toMillis() + 1);
			}
			CallToolResult retried = agent.attempt("deal_list", Map.of());
			assertThat(retried.isError()).as(SandboxAgent.text(retried)).isFalse();
		}
	}

}
