package dev.countersign.examples.sandbox;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.countersign.server.tool.ToolCatalog;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A push nobody answers: the CIBA request expires (here after 2 s), Countersign's next
 * poll learns it, and the writes end {@code expired} without ever running.
 */
class SandboxExpiryIT {

	private static RunningSandbox sandbox;

	@BeforeAll
	static void start() {
		sandbox = RunningSandbox.start("--countersign.approval.batch-window=1s",
				"--countersign.approval.requested-expiry=2");
	}

	@AfterAll
	static void stop() {
		sandbox.close();
	}

	@Test
	void unansweredPushThenWritesExpireAndNothingRuns() throws Exception {
		try (SandboxAgent agent = SandboxAgent.connect(sandbox, "silent")) {
			String id = agent.queue("github_create_issue",
					Map.of("repo", ToolCatalog.EXAMPLE_REPO, "title", "Nobody answers"));
			assertThat(agent.awaitFinal(id, Duration.ofSeconds(40))).isEqualTo("expired");
			assertThat(sandbox.bean(ProviderWrites.class).total("silent")).isZero();
		}
	}

}
