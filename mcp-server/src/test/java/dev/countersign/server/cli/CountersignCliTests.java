package dev.countersign.server.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The command line: which arguments are ours, options from flags or the environment, and
 * no token sent to a URL in clear text off the loopback interface.
 */
class CountersignCliTests {

	@Test
	void handlesWhenLaptopCommandThenTrueAndServerArgumentsFalse() {
		assertThat(CountersignCli.handles(new String[] { "stdio", "--server", "x" })).isTrue();
		assertThat(CountersignCli.handles(new String[] { "login" })).isTrue();
		assertThat(CountersignCli.handles(new String[] { "--server.port=9090" })).isFalse();
		assertThat(CountersignCli.handles(new String[0])).isFalse();
	}

	@Test
	void optionsWhenFlagAndEnvironmentThenTheFlagWins() {
		Map<String, String> options = CountersignCli.options(
				new String[] { "login", "--client-id=desktop", "--server", "https://a.example/mcp" },
				Map.of("COUNTERSIGN_CLIENT_ID", "from-env", "COUNTERSIGN_AUDIENCE", "aud"));
		assertThat(options).containsEntry("--client-id", "desktop")
			.containsEntry("--server", "https://a.example/mcp")
			.containsEntry("--audience", "aud");
	}

	@Test
	void optionsWhenUnknownOrMissingValueThenRefused() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> CountersignCli.options(new String[] { "stdio", "--token", "x" }, Map.of()))
			.withMessageContaining("unknown option --token");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> CountersignCli.options(new String[] { "stdio", "--server" }, Map.of()))
			.withMessageContaining("--server needs a value");
	}

	@Test
	void checkedUrlWhenHttpsOrLoopbackHttpThenAccepted() {
		assertThat(CountersignCli.checkedUrl("--server", "https://countersign.example/mcp"))
			.isEqualTo(URI.create("https://countersign.example/mcp"));
		assertThat(CountersignCli.checkedUrl("--server", "http://127.0.0.1:8080/mcp").getPort()).isEqualTo(8080);
		assertThat(CountersignCli.checkedUrl("--server", "http://localhost:8080/mcp").getHost()).isEqualTo("localhost");
		assertThat(CountersignCli.checkedUrl("--server", "http://[::1]:8080/mcp").getPort()).isEqualTo(8080);
	}

	@Test
	void checkedUrlWhenPlainHttpToAnotherHostThenRefused() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> CountersignCli.checkedUrl("--server", "http://countersign.example/mcp"))
			.withMessageContaining("must use https");
		assertThatIllegalArgumentException().isThrownBy(() -> CountersignCli.checkedUrl("--server", "ftp://x/mcp"))
			.withMessageContaining("must use https");
		assertThatIllegalArgumentException().isThrownBy(() -> CountersignCli.checkedUrl("--server", "/mcp"))
			.withMessageContaining("absolute");
	}

	@Test
	void stdioWhenServerIsPlainHttpOffLoopbackThenUsageErrorAndNothingOnStdout() {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		ByteArrayOutputStream err = new ByteArrayOutputStream();
		int status = CountersignCli.run(new String[] { "stdio", "--server", "http://countersign.example/mcp" },
				new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
				new PrintStream(err, true, StandardCharsets.UTF_8), Map.of("HOME", "/nonexistent"), new TestClock(),
				(d) -> {
				});
		assertThat(status).isEqualTo(2);
		assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
		assertThat(err.toString(StandardCharsets.UTF_8)).contains("must use https");
	}

}
