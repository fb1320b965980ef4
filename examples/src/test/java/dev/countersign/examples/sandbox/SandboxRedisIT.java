package dev.countersign.examples.sandbox;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.countersign.redis.RedisServer;
import dev.countersign.server.tool.ToolCatalog;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code countersign.store=redis} end to end (DESIGN §8): a write queued by a real MCP
 * client and approved on the phone leaves its action, its batch and the user's audit
 * chain in a real Redis under the user's hash tag, with no provider token and no approval
 * token anywhere in it; a second sandbox on the same Redis and signing key still answers
 * {@code succeeded} for that action in a new MCP session.
 */
class SandboxRedisIT {

	private static final String SIGNING_KEY = "redis-it-signing-key-0123456789abcdefghij";

	private static RedisServer redis;

	private static RedisClient client;

	private static StatefulRedisConnection<String, String> connection;

	@BeforeAll
	static void startRedis() {
		redis = RedisServer.start();
		client = RedisClient.create(redis.uri());
		connection = client.connect();
	}

	@AfterAll
	static void stopRedis() {
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

	@Test
	void approvedWriteIsKeptInRedisWithoutTokensAndSurvivesARestart() throws Exception {
		String user = "rediswriter";
		String prefix = "cs:{u:auth0|" + user + "}:";
		String canary = "cnry" + UUID.randomUUID().toString().replace("-", "");
		String actionId;
		RunningSandbox first = startSandbox();
		try {
			EmulatedProviderTokens vault = first.bean(EmulatedProviderTokens.class);
			vault.plantCanary(canary);
			Phone phone = new Phone(first);
			try (SandboxAgent agent = SandboxAgent.connect(first, user)) {
				actionId = agent.queue("github_create_issue",
						Map.of("repo", ToolCatalog.EXAMPLE_REPO, "title", "Kept in Redis"));
				phone.decide(phone.awaitRequest(user).get("auth_req_id").asString(), "approve");
				assertThat(agent.awaitFinal(actionId, Duration.ofSeconds(40))).isEqualTo("succeeded");
			}
			assertThat(first.bean(ProviderWrites.class).count(user, ProviderWrites.GITHUB_ISSUE)).isEqualTo(1);
			// The canary was in play: the approved write exchanged for a provider token.
			assertThat(vault.exchangeCount(user, "github")).isPositive();
		}
		finally {
			first.close();
		}

		RedisCommands<String, String> commands = connection.sync();
		List<String> keys = allKeys(commands);
		assertThat(keys).contains(prefix + "action:" + actionId, prefix + "audit");
		assertThat(commands.hget(prefix + "action:" + actionId, "status")).isEqualToIgnoringCase("succeeded");
		List<String> batchSets = keys.stream().filter((key) -> key.startsWith(prefix + "batch-actions:")).toList();
		assertThat(batchSets).anySatisfy((key) -> assertThat(commands.smembers(key)).contains(actionId));
		String batchId = batchSets.stream()
			.filter((key) -> commands.smembers(key).contains(actionId))
			.findFirst()
			.orElseThrow()
			.substring((prefix + "batch-actions:").length());
		assertThat(keys).contains(prefix + "batch:" + batchId);
		List<StreamMessage<String, String>> audit = commands.xrange(prefix + "audit", Range.create("-", "+"));
		assertThat(audit).isNotEmpty();
		assertThat(audit.stream().map((message) -> message.getBody().toString()))
			.anySatisfy((entry) -> assertThat(entry).contains(actionId));

		for (String key : keys) {
			String dump = (key + "\n" + dump(commands, key)).toLowerCase(Locale.ROOT);
			assertThat(dump).as("the provider token canary in " + key).doesNotContain(canary.toLowerCase(Locale.ROOT));
			// Every token the emulated Auth0 issues (approval, agent, exchange) is a JWT.
			assertThat(dump).as("a JWT in " + key).doesNotContain("eyj");
			assertThat(dump).as("a provider token in " + key).doesNotContain("gho_").doesNotContain("ya29.");
		}

		RunningSandbox second = startSandbox();
		try (SandboxAgent agent = SandboxAgent.connect(second, user)) {
			assertThat(agent.call("action_status", Map.of("action_id", actionId)).get("status").asString())
				.isEqualTo("succeeded");
		}
		finally {
			second.close();
		}
	}

	private static RunningSandbox startSandbox() {
		return RunningSandbox.start("--countersign.store=redis",
				"--countersign.redis.url=redis://127.0.0.1:" + redis.uri().getPort(),
				"--countersign.approval.signing-key=" + SIGNING_KEY, "--countersign.approval.batch-window=1s");
	}

	private static List<String> allKeys(RedisCommands<String, String> commands) {
		List<String> keys = new ArrayList<>();
		ScanCursor cursor = ScanCursor.INITIAL;
		do {
			KeyScanCursor<String> page = commands.scan(cursor, ScanArgs.Builder.limit(500));
			keys.addAll(page.getKeys());
			cursor = page;
		}
		while (!cursor.isFinished());
		return keys;
	}

	private static String dump(RedisCommands<String, String> commands, String key) {
		return switch (commands.type(key)) {
			case "string" -> String.valueOf(commands.get(key));
			case "hash" -> commands.hgetall(key).toString();
			case "set" -> commands.smembers(key).toString();
			case "zset" -> commands.zrange(key, 0, -1).toString();
			case "list" -> commands.lrange(key, 0, -1).toString();
			case "stream" -> commands.xrange(key, Range.create("-", "+"))
				.stream()
				.map((message) -> message.getBody().toString())
				.toList()
				.toString();
			default -> throw new IllegalStateException("unexpected type of " + key + ": " + commands.type(key));
		};
	}

}
