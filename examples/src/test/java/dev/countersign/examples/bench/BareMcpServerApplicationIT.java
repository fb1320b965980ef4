package dev.countersign.examples.bench;

import java.net.http.HttpClient;
import java.net.http.HttpResponse;

import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The benchmark's bare MCP server starts from the sandbox's classpath and opens an MCP
 * session without a token: the read benchmark's baseline cannot silently break when
 * Countersign gains an auto-configuration (actuator's security did once).
 */
class BareMcpServerApplicationIT {

	@Test
	void startsAndOpensASessionWithoutAToken() throws Exception {
		try (ConfigurableApplicationContext context = BareMcpServerApplication.application()
			.run("--server.address=127.0.0.1", "--server.port=0", "--bench.github-url=http://127.0.0.1:9",
					"--bench.github-token=unused")) {
			String port = context.getEnvironment().getProperty("local.server.port");
			McpSession session = McpSession.open(HttpClient.newHttpClient(), "http://127.0.0.1:" + port + "/mcp", null);
			assertThat(session.id()).isNotBlank();
			HttpResponse<String> called = HttpClient.newHttpClient()
				.send(session.call(1, "github_get_issue", "{\"repo\":\"a/b\",\"number\":1}"),
						HttpResponse.BodyHandlers.ofString());
			assertThat(called.statusCode()).isEqualTo(200);
			// it forwarded the call to the (absent) GitHub it was given
			assertThat(called.body()).contains("\"id\":1").contains("127.0.0.1:9");
		}
	}

}
