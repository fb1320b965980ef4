package dev.countersign.examples.bench;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

import tools.jackson.databind.json.JsonMapper;

/**
 * The read benchmark of the README: {@code github_get_issue} for many sandbox users,
 * three ways side by side at fixed rates: the emulated GitHub API called directly, a bare
 * MCP server that only forwards with a fixed token, and Countersign (inbound JWT, policy,
 * Token Vault exchange with the read cache on).
 *
 * <pre>{@code
 * java -cp countersign-sandbox.jar -Dloader.main=dev.countersign.examples.bench.ReadBenchmark \
 *     org.springframework.boot.loader.launch.PropertiesLauncher \
 *     emulations=http://127.0.0.1:9101 countersign=http://127.0.0.1:9102 countersign.pid=123 \
 *     bare=http://127.0.0.1:9103 bare.pid=456 vault.secret=… users=50 rates=100,300,600 seconds=20
 * }</pre>
 */
public final class ReadBenchmark {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final String REPO = "ada-lovelace/analytical-engine";

	private static final String GET_ISSUE = "{\"repo\":\"" + REPO + "\",\"number\":1}";

	private final Map<String, String> args;

	private final LoadDriver driver = new LoadDriver();

	private ReadBenchmark(Map<String, String> args) {
		this.args = args;
	}

	public static void main(String[] argv) throws Exception {
		new ReadBenchmark(LoadDriver.arguments(argv)).run();
		// The HTTP client's executor threads would keep the JVM alive.
		System.exit(0);
	}

	private String arg(String name) {
		String value = this.args.get(name);
		if (value == null) {
			throw new IllegalArgumentException("missing argument " + name + "=…");
		}
		return value;
	}

	private void run() throws Exception {
		String emulations = arg("emulations");
		int users = Integer.parseInt(this.args.getOrDefault("users", "50"));
		Duration phase = Duration.ofSeconds(Long.parseLong(this.args.getOrDefault("seconds", "20")));
		Duration warmup = Duration.ofSeconds(Long.parseLong(this.args.getOrDefault("warmup", "10")));
		int[] rates = java.util.Arrays.stream(this.args.getOrDefault("rates", "100,300,600").split(","))
			.mapToInt(Integer::parseInt)
			.toArray();

		List<String> providerTokens = new ArrayList<>();
		List<McpSession> countersign = new ArrayList<>();
		List<McpSession> bare = new ArrayList<>();
		for (int u = 0; u < users; u++) {
			String user = "bench" + u;
			String agentToken = token(emulations + "/sandbox/token?agent=bench-agent&user=" + user);
			providerTokens.add(exchange(emulations, agentToken));
			countersign.add(McpSession.open(this.driver.http(), arg("countersign") + "/mcp", agentToken));
			bare.add(McpSession.open(this.driver.http(), arg("bare") + "/mcp", null));
		}
		long countersignPid = Long.parseLong(arg("countersign.pid"));
		long barePid = Long.parseLong(arg("bare.pid"));
		IntFunction<HttpRequest> direct = (i) -> HttpRequest
			.newBuilder(URI.create(emulations + "/sandbox/github/repos/" + REPO + "/issues/1"))
			.header("Authorization", "Bearer " + providerTokens.get(i % users))
			.header("Accept", "application/vnd.github+json")
			.build();
		IntFunction<HttpRequest> viaBare = (i) -> bare.get(i % users).call(i + 1, "github_get_issue", GET_ISSUE);
		IntFunction<HttpRequest> viaCountersign = (i) -> countersign.get(i % users)
			.call(i + 1, "github_get_issue", GET_ISSUE);
		java.util.function.Predicate<String> issue = (body) -> body.contains("\"number\":1");
		java.util.function.Predicate<String> toolResult = (body) -> body.contains("\"result\"")
				&& !body.contains("\"isError\":true") && body.contains("\"number\":1");

		// Warm up every path (JIT, connection pools, the read-token cache) before
		// measuring, at the highest rate, so that the JIT has compiled what a server
		// that has been running for a while would have compiled.
		int warmRate = Arrays.stream(rates).max().orElse(100);
		this.driver.run("warm-up", warmRate, warmup, direct, issue, 0);
		this.driver.run("warm-up", warmRate, warmup, viaBare, toolResult, 0);
		this.driver.run("warm-up", warmRate, warmup, viaCountersign, toolResult, 0);

		System.out.println(LoadDriver.header());
		for (int rate : rates) {
			System.out.println(this.driver.run("direct provider call", rate, phase, direct, issue, 0).row());
			System.out
				.println(this.driver.run("bare Spring AI MCP server", rate, phase, viaBare, toolResult, barePid).row());
			System.out
				.println(this.driver.run("Countersign", rate, phase, viaCountersign, toolResult, countersignPid).row());
		}
	}

	private String token(String url) throws Exception {
		HttpResponse<String> response = this.driver.http()
			.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
		return JSON.readTree(response.body()).get("access_token").asString();
	}

	/**
	 * The same Token Vault exchange Countersign makes, so the direct path has a token
	 * too.
	 */
	private String exchange(String emulations, String subjectToken) throws Exception {
		String form = "grant_type="
				+ encode("urn:auth0:params:oauth:grant-type:token-exchange:federated-connection-access-token")
				+ "&subject_token=" + encode(subjectToken) + "&subject_token_type="
				+ encode("urn:ietf:params:oauth:token-type:access_token") + "&requested_token_type="
				+ encode("http://auth0.com/oauth/token-type/federated-connection-access-token")
				+ "&connection=github&client_id=" + encode(this.args.getOrDefault("vault.client", "countersign-vault"))
				+ "&client_secret=" + encode(arg("vault.secret"));
		HttpResponse<String> response = this.driver.http()
			.send(HttpRequest.newBuilder(URI.create(emulations + "/auth0/oauth/token"))
				.header("Content-Type", "application/x-www-form-urlencoded")
				.POST(HttpRequest.BodyPublishers.ofString(form))
				.build(), HttpResponse.BodyHandlers.ofString());
		if (response.statusCode() != 200) {
			throw new IllegalStateException("Token Vault exchange failed: " + response.statusCode());
		}
		return JSON.readTree(response.body()).get("access_token").asString();
	}

	private static String encode(String value) {
		return URLEncoder.encode(value, StandardCharsets.UTF_8);
	}

}
