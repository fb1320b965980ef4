package dev.countersign.examples.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

/**
 * The full-stack figures of the README, against a Countersign started with everything on
 * (inbound JWT, policy, audit, metrics, and the store it was started with — Redis in the
 * script's default):
 * <ul>
 * <li>{@code write}: {@code deal_create} → {@code pending_approval} at a fixed rate
 * spread over many users with one agent each, p50/p99 and CPU ms per call, next to the
 * bare MCP server's forwarded read at the same rate;</li>
 * <li>Redis commands per call of a read ({@code github_get_issue}), a write and
 * {@code action_status}, the approval loop's background commands subtracted;</li>
 * <li>{@code scheduler}: with {@code users × per-user} writes waiting (pending, batched
 * and on the phone), Countersign's CPU and Redis commands per approval-loop tick.</li>
 * </ul>
 *
 * <pre>{@code
 * java -cp countersign-sandbox.jar -Dloader.main=dev.countersign.examples.bench.StackBenchmark \
 *     org.springframework.boot.loader.launch.PropertiesLauncher \
 *     emulations=http://127.0.0.1:9101 countersign=http://127.0.0.1:9102 countersign.pid=123 \
 *     bare=http://127.0.0.1:9103 bare.pid=456 redis=127.0.0.1:6390 \
 *     write.rate=100 write.users=100 seconds=20 scheduler.users=1000 scheduler.per-user=10
 * }</pre>
 */
public final class StackBenchmark {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final String GET_ISSUE = "{\"repo\":\"ada-lovelace/analytical-engine\",\"number\":1}";

	private static final Pattern ACTION_ID = Pattern.compile("\"action_id\"\\s*:\\s*\"([^\"]+)\"");

	private static final Predicate<String> PENDING = (body) -> body.contains("\"result\"")
			&& !body.contains("\"isError\":true") && body.contains("pending_approval");

	private static final Predicate<String> ISSUE = (body) -> body.contains("\"result\"")
			&& !body.contains("\"isError\":true") && body.contains("\"number\":1");

	private final Map<String, String> args;

	private final LoadDriver driver = new LoadDriver();

	private final AtomicInteger deals = new AtomicInteger();

	private final @Nullable RedisCommands redis;

	private StackBenchmark(Map<String, String> args) {
		this.args = args;
		String address = args.get("redis");
		this.redis = (address != null) ? new RedisCommands(address) : null;
	}

	public static void main(String[] argv) throws Exception {
		new StackBenchmark(LoadDriver.arguments(argv)).run();
		// The HTTP client's executor threads would keep the JVM alive.
		System.exit(0);
	}

	private void run() throws Exception {
		Duration phase = Duration.ofSeconds(number("seconds", 20));
		Duration warmup = Duration.ofSeconds(number("warmup", 10));
		int rate = (int) number("write.rate", 100);
		int users = (int) number("write.users", 100);
		long countersignPid = number("countersign.pid", 0);

		List<McpSession> writers = sessions("bench-w", users);
		List<String> actionIds = new ArrayList<>();
		for (McpSession writer : writers) {
			actionIds.add(actionId(writer));
		}
		McpSession bare = McpSession.open(this.driver.http(), arg("bare") + "/mcp", null);
		IntFunction<HttpRequest> write = (i) -> writers.get(i % users).call(i + 1, "deal_create", deal());
		IntFunction<HttpRequest> read = (i) -> writers.get(i % users).call(i + 1, "github_get_issue", GET_ISSUE);
		IntFunction<HttpRequest> status = (i) -> writers.get(i % users)
			.call(i + 1, "action_status", "{\"action_id\":\"" + actionIds.get(i % users) + "\"}");
		IntFunction<HttpRequest> bareRead = (i) -> bare.call(i + 1, "github_get_issue", GET_ISSUE);

		this.driver.run("warm-up", rate, warmup, write, PENDING, 0);
		this.driver.run("warm-up", rate, warmup, read, ISSUE, 0);
		this.driver.run("warm-up", rate, warmup, bareRead, ISSUE, 0);

		System.out.println("## write path: tool call to pending_approval, " + users + " users, one agent each");
		System.out.println(LoadDriver.header());
		System.out.println(
				this.driver.run("bare MCP server (read)", rate, phase, bareRead, ISSUE, number("bare.pid", 0)).row());
		System.out.println(this.driver.run("Countersign write", rate, phase, write, PENDING, countersignPid).row());

		if (this.redis != null) {
			System.out.println();
			System.out.println("## Redis commands per tool call (background commands subtracted)");
			System.out.println("| call | calls | Redis commands per call |");
			System.out.println("|---|---:|---:|");
			System.out.println(commandsPerCall("github_get_issue (read)", rate, phase, read, ISSUE));
			System.out.println(commandsPerCall("deal_create (write)", rate, phase, write, PENDING));
			System.out.println(commandsPerCall("action_status", rate, phase, status,
					(body) -> body.contains("\"status\"") && !body.contains("\"isError\":true")));
		}

		int schedulerUsers = (int) number("scheduler.users", 0);
		if (schedulerUsers > 0) {
			scheduler(schedulerUsers, (int) number("scheduler.per-user", 10),
					Duration.ofSeconds(number("scheduler.seconds", 30)), countersignPid);
		}
	}

	private String deal() {
		return "{\"name\":\"Bench deal " + this.deals.incrementAndGet()
				+ "\",\"company\":\"Northwind Traders\",\"amount\":1200,\"confidence\":0.7}";
	}

	/** The write phase, counting Redis commands net of the approval loop's own. */
	private String commandsPerCall(String name, int rate, Duration phase, IntFunction<HttpRequest> calls,
			Predicate<String> correct) throws Exception {
		double background = backgroundPerSecond();
		long before = this.redis.total();
		long start = System.nanoTime();
		LoadDriver.Result result = this.driver.run(name, rate, phase, calls, correct, 0);
		double seconds = (System.nanoTime() - start) / 1e9;
		long commands = this.redis.total() - before;
		double perCall = (commands - background * seconds) / Math.max(1, result.ok());
		return String.format(Locale.ROOT, "| %s | %d | %.1f |", name, result.ok(), perCall);
	}

	private double backgroundPerSecond() throws Exception {
		long before = this.redis.total();
		long start = System.nanoTime();
		Thread.sleep(5000);
		return (this.redis.total() - before - 1) / ((System.nanoTime() - start) / 1e9);
	}

	/**
	 * Queues {@code perUser} writes for each of {@code users} users, waits for their
	 * batches to close and be asked for, then measures what the approval loop costs while
	 * they wait.
	 */
	private void scheduler(int users, int perUser, Duration measure, long countersignPid) throws Exception {
		List<McpSession> sessions = sessions("bench-s", users);
		int total = users * perUser;
		LoadDriver.Result seeded = this.driver.run("seed", 200, Duration.ofMillis(total * 1000L / 200),
				(i) -> sessions.get(i % users).call(i + 1, "deal_create", deal()), PENDING, 0);
		// every batch window (30 s by default) has closed and its push is out
		Thread.sleep(number("scheduler.settle", 40) * 1000);
		long cpuBefore = LoadDriver.cpuTicks(countersignPid);
		long redisBefore = (this.redis != null) ? this.redis.total() : 0;
		long start = System.nanoTime();
		Thread.sleep(measure.toMillis());
		double seconds = (System.nanoTime() - start) / 1e9;
		double cpuMillis = (LoadDriver.cpuTicks(countersignPid) - cpuBefore) * 10.0;
		double ticks = seconds / (number("poll-period-ms", 1000) / 1000.0);
		System.out.println();
		System.out.println("## approval loop with " + seeded.ok() + " writes waiting across " + users + " users");
		System.out
			.println("| writes waiting | users | CPU ms per tick | CPU share of one core | Redis commands per tick |");
		System.out.println("|---:|---:|---:|---:|---:|");
		System.out.println(String.format(Locale.ROOT, "| %d | %d | %.1f | %.1f %% | %s |", seeded.ok(), users,
				cpuMillis / ticks, cpuMillis / (seconds * 10.0), (this.redis != null)
						? String.format(Locale.ROOT, "%.0f", (this.redis.total() - redisBefore - 1) / ticks) : "n/a"));
	}

	private List<McpSession> sessions(String prefix, int users) throws Exception {
		List<McpSession> sessions = new ArrayList<>();
		for (int u = 0; u < users; u++) {
			String token = token(prefix + u);
			sessions.add(McpSession.open(this.driver.http(), arg("countersign") + "/mcp", token));
		}
		return sessions;
	}

	private String actionId(McpSession session) throws Exception {
		HttpResponse<String> response = this.driver.http()
			.send(session.call(0, "deal_create", deal()), HttpResponse.BodyHandlers.ofString());
		Matcher matcher = ACTION_ID.matcher(response.body());
		if (!matcher.find()) {
			throw new IllegalStateException("deal_create gave no action_id: " + response.body());
		}
		return matcher.group(1);
	}

	private String token(String user) throws IOException, InterruptedException {
		HttpResponse<String> response = this.driver.http()
			.send(HttpRequest
				.newBuilder(URI.create(arg("emulations") + "/sandbox/token?agent=bench-agent&user=" + user))
				.build(), HttpResponse.BodyHandlers.ofString());
		return JSON.readTree(response.body()).get("access_token").asString();
	}

	private String arg(String name) {
		String value = this.args.get(name);
		if (value == null) {
			throw new IllegalArgumentException("missing argument " + name + "=…");
		}
		return value;
	}

	private long number(String name, long fallback) {
		String value = this.args.get(name);
		return (value != null) ? Long.parseLong(value) : fallback;
	}

}
