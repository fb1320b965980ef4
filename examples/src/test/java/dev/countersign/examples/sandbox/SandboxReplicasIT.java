package dev.countersign.examples.sandbox;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.countersign.redis.RedisServer;
import dev.countersign.server.tool.ToolCatalog;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Several Countersign replicas on one Redis (DESIGN §8), end to end: a real
 * {@code redis-server}, the sandbox's emulations alone (Auth0 tenant, phone, GitHub) in
 * this JVM, and Countersign replicas each in its own JVM from the {@code mcp-server} exec
 * jar with {@code countersign.store=redis}, driven by a real MCP client. A replica killed
 * with SIGKILL during an execution leaves every action {@code SUCCEEDED}, {@code UNKNOWN}
 * or {@code EXPIRED} (never run twice), the survivor finishes and the audit chain
 * verifies; a replica killed while polling is taken over and its batch runs once; a
 * restart of every replica keeps pending actions, open batches, rules and trust. Short
 * lease, windows and expiry keep it quick.
 */
class SandboxReplicasIT {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

	private static final String AUDIENCE = "urn:countersign:replicas-it";

	private static final String VAULT_SECRET = "replicas-it-vault-secret-0123456789abcdef";

	private static final String CIBA_SECRET = "replicas-it-ciba-secret-0123456789abcdef";

	private static final String SIGNING_KEY = "replicas-it-signing-key-0123456789abcdefghij";

	private static final Duration LEASE_TTL = Duration.ofSeconds(3);

	private static final Pattern REPLICA_ID = Pattern.compile("Approval loop of replica (\\S+) started");

	private static final Set<String> CRASH_ENDS = Set.of("succeeded", "unknown", "expired");

	private static RedisServer redis;

	private static RedisClient client;

	private static StatefulRedisConnection<String, String> connection;

	private static RunningSandbox emulations;

	private final List<Replica> replicas = new ArrayList<>();

	@BeforeAll
	static void startRedisAndEmulations() {
		redis = RedisServer.start();
		client = RedisClient.create(redis.uri());
		connection = client.connect();
		emulations = RunningSandbox.startEmulations("--countersign.auth.audience=" + AUDIENCE,
				"--countersign.vault.client-secret=" + VAULT_SECRET, "--countersign.ciba.client-secret=" + CIBA_SECRET);
	}

	@AfterAll
	static void stopAll() {
		if (emulations != null) {
			emulations.close();
		}
		if (connection != null) {
			connection.close();
		}
		if (client != null) {
			client.shutdown();
		}
		if (redis != null) {
			redis.close();
		}
	}

	@AfterEach
	void stopReplicas() {
		this.replicas.forEach(Replica::kill);
		emulations.bean(ProviderFaults.class).clear();
	}

	@Test
	void killedDuringExecutionThenEveryActionEndsOnceAndTheOtherReplicaFinishesAndTheChainVerifies() throws Exception {
		String user = "replicas-crash";
		Replica a = start("a");
		a.awaitReady();
		List<String> ids = new ArrayList<>();
		// slow writes: GitHub applies each at once and answers a second later
		emulations.bean(ProviderFaults.class).github().delay(Duration.ofSeconds(1));
		SandboxAgent agent = SandboxAgent.connect(a.baseUrl(), agentToken(user));
		try {
			for (int i = 1; i <= 20; i++) {
				ids.add(agent.queue("github_create_issue",
						Map.of("repo", ToolCatalog.EXAMPLE_REPO, "title", title(user, i))));
			}
			// one batch of all 20 at once, rather than at the end of the window
			flush(a, user);
			// A holds the user's lease before B exists: A asks, polls and executes
			awaitLeaseOwner(user, a.id());
			Replica b = start("b");
			b.awaitReady();
			Phone phone = new Phone(emulations);
			phone.awaitRequest(user);
			assertThat(leaseOwner(user)).isEqualTo(a.id());
			Thread approver = approvingEveryPush(user);
			try {
				awaitIssues(user, 8, Duration.ofSeconds(90), a);
				a.kill();
				awaitAllFinal(b, user, ids);
			}
			finally {
				approver.interrupt();
			}

			// the agent's replica died: it starts a new session on B and finds its
			// actions
			try (SandboxAgent again = SandboxAgent.connect(b.baseUrl(), agentToken(user))) {
				Map<String, String> ends = new HashMap<>();
				for (String id : ids) {
					ends.put(id, again.awaitFinal(id, Duration.ofSeconds(5)));
				}
				assertThat(ends.values()).as(ends.toString()).allMatch(CRASH_ENDS::contains);
				assertThat(ends.values()).contains("succeeded");
				long succeeded = ends.values().stream().filter("succeeded"::equals).count();
				long unknown = ends.values().stream().filter("unknown"::equals).count();
				Map<String, Long> seen = issuesByTitle(user);
				assertThat(seen.values()).as("each write at most once").allMatch((count) -> count == 1);
				assertThat((long) seen.size()).isBetween(succeeded, succeeded + unknown);
				for (int i = 0; i < ids.size(); i++) {
					if ("succeeded".equals(ends.get(ids.get(i)))) {
						assertThat(seen).containsKey(title(user, i + 1));
					}
				}
			}
			assertThat(b.log()).contains("now does the approval work of user auth0|" + user);
			JsonNode verified = JSON.readTree(api(b, user, "GET", "/api/v1/audit/verify", null).body());
			assertThat(verified.get("ok").asBoolean()).as(verified.toString()).isTrue();
			assertThat(phone.requests(user)).isEmpty();
		}
		finally {
			closeQuietly(agent);
		}
	}

	@Test
	void pollingReplicaKilledBeforeApprovalThenTheOtherResumesTheSameRequestAndRunsItOnce() throws Exception {
		String user = "replicas-poll";
		Replica a = start("a");
		Replica b = start("b");
		a.awaitReady();
		b.awaitReady();
		Phone phone = new Phone(emulations);
		String actionId;
		try (SandboxAgent agent = SandboxAgent.connect(a.baseUrl(), agentToken(user))) {
			actionId = agent.queue("github_create_issue",
					Map.of("repo", ToolCatalog.EXAMPLE_REPO, "title", title(user, 1)));
		}
		flush(a, user);
		JsonNode push = phone.awaitRequest(user);
		String owner = leaseOwner(user);
		Replica polling = owner.equals(a.id()) ? a : b;
		Replica other = (polling == a) ? b : a;
		// the phone shows the push before the replica has stored the request: killed in
		// between, the batch is still unasked and the other replica asks anew
		awaitLogged(polling, "of user auth0|" + user + " requested");
		polling.kill();
		phone.decide(push.get("auth_req_id").asString(), "approve");

		try (SandboxAgent agent = SandboxAgent.connect(other.baseUrl(), agentToken(user))) {
			String end = agent.awaitFinal(actionId, Duration.ofSeconds(60));
			if (!"succeeded".equals(end)) {
				throw new AssertionError("expected succeeded, but was " + end + "; the replica:\n" + other.threads()
						+ "\n" + other.log());
			}
		}
		assertThat(issuesByTitle(user)).containsExactly(Map.entry(title(user, 1), 1L));
		assertThat(leaseOwner(user)).isIn(other.id(), null);
		assertThat(other.log()).contains("resumes polling batch");
		assertThat(phone.requests(user)).isEmpty();
	}

	@Test
	void everyReplicaRestartedThenPendingActionsOpenBatchesRulesAndTrustSurvive() throws Exception {
		String user = "replicas-restart";
		Replica a = start("a");
		Replica b = start("b");
		a.awaitReady();
		b.awaitReady();
		Phone phone = new Phone(emulations);
		String pending;
		try (SandboxAgent agent = SandboxAgent.connect(a.baseUrl(), agentToken(user))) {
			String first = agent.queue("github_create_issue",
					Map.of("repo", ToolCatalog.EXAMPLE_REPO, "title", title(user, 1)));
			flush(a, user);
			phone.awaitAndDecide(user, "approve");
			assertThat(agent.awaitFinal(first, Duration.ofSeconds(40))).isEqualTo("succeeded");
			pending = agent.queue("github_create_issue",
					Map.of("repo", ToolCatalog.EXAMPLE_REPO, "title", title(user, 2)));
			flush(a, user);
		}
		JsonNode push = phone.awaitRequest(user);
		HttpResponse<String> rule = api(b, user, "POST", "/api/v1/rules",
				"{\"id\":\"no-merges\",\"tools\":[\"github_merge_pull_request\"],\"effect\":\"deny\"}");
		assertThat(rule.statusCode()).as(rule.body()).isEqualTo(200);
		String rules = api(a, user, "GET", "/api/v1/rules", null).body();
		JsonNode trust = trust(a, user);
		String batches = api(a, user, "GET", "/api/v1/batches", null).body();
		assertThat(batches).contains("requested");

		a.stop();
		b.stop();
		Replica a2 = start("a2");
		Replica b2 = start("b2");
		a2.awaitReady();
		b2.awaitReady();

		assertThat(api(b2, user, "GET", "/api/v1/rules", null).body()).isEqualTo(rules).contains("no-merges");
		assertThat(trust(b2, user)).isEqualTo(trust);
		assertThat(api(a2, user, "GET", "/api/v1/batches", null).body()).isEqualTo(batches);
		try (SandboxAgent agent = SandboxAgent.connect(b2.baseUrl(), agentToken(user))) {
			JsonNode status = agent.call("action_status", Map.of("action_id", pending));
			assertThat(status.get("status").asString()).isIn("pending_approval", "batched", "pending");
			// the push asked for before the restart still counts
			phone.decide(push.get("auth_req_id").asString(), "approve");
			assertThat(agent.awaitFinal(pending, Duration.ofSeconds(40))).isEqualTo("succeeded");
		}
		assertThat(issuesByTitle(user)).containsOnlyKeys(title(user, 1), title(user, 2))
			.allSatisfy((title, count) -> assertThat(count).isEqualTo(1L));
	}

	private Replica start(String name) throws IOException {
		Replica replica = Replica.start(name, List.of("--countersign.auth.issuer=" + emulations.baseUrl() + "/auth0/",
				"--countersign.auth.audience=" + AUDIENCE, "--countersign.auth.console-clients=sandbox-console",
				"--countersign.vault.client-id=countersign-vault", "--countersign.vault.client-secret=" + VAULT_SECRET,
				"--countersign.ciba.client-id=countersign-ciba", "--countersign.ciba.client-secret=" + CIBA_SECRET,
				"--countersign.providers.github-url=" + emulations.baseUrl() + "/sandbox/github",
				"--countersign.store=redis", "--countersign.redis.url=redis://127.0.0.1:" + redis.uri().getPort(),
				"--countersign.approval.signing-key=" + SIGNING_KEY, "--countersign.approval.batch-window=60s",
				"--countersign.approval.max-batch-size=20", "--countersign.approval.requested-expiry=120",
				"--countersign.approval.execution-window=10s", "--countersign.approval.lease-ttl=" + LEASE_TTL,
				"--countersign.approval.orphan-after=6s"));
		this.replicas.add(replica);
		return replica;
	}

	/** Closes a client whose server may be gone. */
	private static void closeQuietly(SandboxAgent agent) {
		try {
			agent.close();
		}
		catch (RuntimeException gone) {
			// its replica was killed: nothing to close on the other side
		}
	}

	/**
	 * Closes the user's pending writes into a batch now
	 * ({@code POST /api/v1/batches/flush}).
	 */
	private static void flush(Replica replica, String user) {
		HttpResponse<String> flushed = api(replica, user, "POST", "/api/v1/batches/flush", null);
		assertThat(flushed.statusCode()).as(flushed.body()).isEqualTo(200);
	}

	/** The agent's trust as the config API shows it, without the time of the answer. */
	private static JsonNode trust(Replica replica, String user) {
		HttpResponse<String> response = api(replica, user, "GET", "/api/v1/agents/" + SandboxAgent.AGENT, null);
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		tools.jackson.databind.node.ObjectNode tree = (tools.jackson.databind.node.ObjectNode) JSON
			.readTree(response.body());
		tree.remove("at");
		return tree;
	}

	/** Approves every push of the user as it appears, until stopped. */
	private static Thread approvingEveryPush(String user) {
		Thread approver = new Thread(() -> {
			Phone phone = new Phone(emulations);
			while (!Thread.currentThread().isInterrupted()) {
				try {
					for (JsonNode request : phone.requests(user)) {
						phone.decide(request.get("auth_req_id").asString(), "approve");
					}
					Thread.sleep(200);
				}
				catch (InterruptedException ex) {
					return;
				}
				catch (RuntimeException | AssertionError ex) {
					// a request already decided or gone: look again
				}
			}
		}, "approver-" + user);
		approver.setDaemon(true);
		approver.start();
		return approver;
	}

	private static String title(String user, int i) {
		return "Replica write " + i + " of " + user;
	}

	private static String agentToken(String user) {
		return emulations.agentToken("agent=" + SandboxAgent.AGENT + "&user=" + user);
	}

	private static String leaseOwner(String user) {
		return connection.sync().get("cs:{u:auth0|" + user + "}:approval-lease");
	}

	private static void awaitLeaseOwner(String user, String owner) {
		Instant deadline = Instant.now().plusSeconds(30);
		while (!owner.equals(leaseOwner(user))) {
			assertThat(Instant.now()).as("the lease of " + user + " taken by " + owner).isBefore(deadline);
			Phone.pause(Duration.ofMillis(100));
		}
	}

	private static void awaitLogged(Replica replica, String text) throws IOException {
		Instant deadline = Instant.now().plusSeconds(30);
		while (!replica.log().contains(text)) {
			assertThat(Instant.now()).as("replica " + replica.id() + " logged " + text).isBefore(deadline);
			Phone.pause(Duration.ofMillis(100));
		}
	}

	private static void awaitIssues(String user, int count, Duration within, Replica executing) throws IOException {
		Instant deadline = Instant.now().plus(within);
		while (emulations.bean(ProviderWrites.class).count(user, ProviderWrites.GITHUB_ISSUE) < count) {
			if (!Instant.now().isBefore(deadline)) {
				throw new AssertionError(count + " issues not created within " + within + "; the replica:\n"
						+ executing.threads() + "\n" + executing.log());
			}
			Phone.pause(Duration.ofMillis(50));
		}
	}

	/**
	 * Waits until every action has ended, as the replica's own store says (a new session
	 * each look).
	 */
	private static void awaitAllFinal(Replica replica, String user, List<String> ids) throws IOException {
		Instant deadline = Instant.now().plusSeconds(120);
		try (SandboxAgent agent = SandboxAgent.connect(replica.baseUrl(), agentToken(user))) {
			for (String id : ids) {
				while (!CRASH_ENDS
					.contains(agent.call("action_status", Map.of("action_id", id)).get("status").asString())) {
					if (!Instant.now().isBefore(deadline)) {
						throw new AssertionError("action " + id + " did not end within 120 s; the replica:\n"
								+ replica.threads() + "\n" + replica.log());
					}
					Phone.pause(Duration.ofMillis(250));
				}
			}
		}
	}

	/** The issues this test's writes created in the user's emulated GitHub, by title. */
	private static Map<String, Long> issuesByTitle(String user) {
		Map<String, Long> byTitle = new HashMap<>();
		for (SandboxGitHub.Repository repository : emulations.bean(SandboxGitHub.class).account(user).repositories()) {
			for (GitHubIssue issue : repository.issues()) {
				if (issue.title().endsWith(" of " + user)) {
					byTitle.merge(issue.title(), 1L, Long::sum);
				}
			}
		}
		return byTitle;
	}

	private static HttpResponse<String> api(Replica replica, String user, String method, String path, String body) {
		HttpRequest request = HttpRequest.newBuilder(URI.create(replica.baseUrl() + path))
			.header("Authorization", "Bearer " + emulations.consoleToken(user))
			.header("Content-Type", "application/json")
			.method(method,
					(body != null) ? HttpRequest.BodyPublishers.ofString(body) : HttpRequest.BodyPublishers.noBody())
			.build();
		return Phone.send(request);
	}

	/** One Countersign replica in its own JVM, from the mcp-server exec jar. */
	private static final class Replica {

		private final String name;

		private final Process process;

		private final int port;

		private final Path log;

		private Replica(String name, Process process, int port, Path log) {
			this.name = name;
			this.process = process;
			this.port = port;
			this.log = log;
		}

		static Replica start(String name, List<String> settings) throws IOException {
			int port = RunningSandbox.freePort();
			Path log = Files.createTempFile("countersign-replica-" + name + "-", ".log");
			List<String> command = new ArrayList<>(List.of(java(), "-Xmx512m", "-jar", execJar().toString(),
					"--server.address=127.0.0.1", "--server.port=" + port));
			command.addAll(settings);
			Process process = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(log.toFile())
				.start();
			return new Replica(name, process, port, log);
		}

		String baseUrl() {
			return "http://127.0.0.1:" + this.port;
		}

		void awaitReady() throws IOException, InterruptedException {
			Instant deadline = Instant.now().plusSeconds(120);
			while (Instant.now().isBefore(deadline)) {
				if (!this.process.isAlive()) {
					throw new AssertionError(
							"replica " + this.name + " exited with " + this.process.exitValue() + ":\n" + log());
				}
				try {
					HttpResponse<String> health = HTTP
						.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/actuator/health"))
							.timeout(Duration.ofSeconds(5))
							.build(), HttpResponse.BodyHandlers.ofString());
					if (health.statusCode() == 200 && REPLICA_ID.matcher(log()).find()) {
						return;
					}
				}
				catch (IOException notYet) {
					// not listening yet
				}
				Thread.sleep(250);
			}
			throw new AssertionError("replica " + this.name + " not ready within 120 s:\n" + log());
		}

		/** The replica id it logged at start. */
		String id() throws IOException {
			Matcher matcher = REPLICA_ID.matcher(log());
			assertThat(matcher.find()).as("the replica id of " + this.name).isTrue();
			return matcher.group(1);
		}

		/** SIGKILL: {@code kill -9}, nothing runs on the way out. */
		void kill() {
			this.process.destroyForcibly();
			try {
				this.process.waitFor(30, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}

		/** SIGTERM: a graceful shutdown, as an orchestrator stops a replica. */
		void stop() throws InterruptedException {
			this.process.destroy();
			assertThat(this.process.waitFor(60, TimeUnit.SECONDS)).as("replica " + this.name + " stopped").isTrue();
		}

		String log() throws IOException {
			return Files.readString(this.log);
		}

		/** A thread dump, to tell a slow replica from a stuck one. */
		String threads() {
			try {
				Process jstack = new ProcessBuilder(Path.of(java()).resolveSibling("jstack").toString(),
						Long.toString(this.process.pid()))
					.redirectErrorStream(true)
					.start();
				String dump = new String(jstack.getInputStream().readAllBytes(),
						java.nio.charset.StandardCharsets.UTF_8);
				jstack.waitFor(30, TimeUnit.SECONDS);
				return dump;
			}
			catch (IOException ex) {
				return "no thread dump: " + ex;
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return "no thread dump: interrupted";
			}
		}

		private static Path execJar() throws IOException {
			Path target = Path.of("..", "mcp-server", "target");
			try (Stream<Path> files = Files.list(target)) {
				List<Path> jars = files.filter((file) -> file.getFileName().toString().endsWith("-exec.jar")).toList();
				assertThat(jars).as("the mcp-server exec jar (package mcp-server first)").hasSize(1);
				return jars.get(0).toAbsolutePath();
			}
		}

		private static String java() {
			return ProcessHandle.current().info().command().orElse("java");
		}

	}

}
