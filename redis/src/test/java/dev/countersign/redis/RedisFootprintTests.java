package dev.countersign.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.countersign.policy.MutableClock;
import dev.countersign.policy.account.RefreshTokenCipher;
import dev.countersign.policy.action.Action;
import dev.countersign.policy.action.ActionStatus;
import dev.countersign.policy.action.TestActions;
import dev.countersign.policy.approval.BatchStatus;
import dev.countersign.policy.approval.TestBatches;
import dev.countersign.policy.audit.AuditEventDraft;
import dev.countersign.policy.audit.AuditEventType;
import dev.countersign.policy.calibration.OutcomeCounts;
import dev.countersign.policy.calibration.Suggestion;
import dev.countersign.policy.calibration.SuggestionStatus;
import dev.countersign.policy.change.ChangeKind;
import dev.countersign.policy.change.ChangeStatus;
import dev.countersign.policy.change.PendingChange;
import dev.countersign.policy.routing.RoutingJson;
import dev.countersign.policy.routing.RoutingSettings;
import dev.countersign.policy.routing.Thresholds;
import dev.countersign.policy.rule.Condition;
import dev.countersign.policy.rule.DefaultRules;
import dev.countersign.policy.rule.Effect;
import dev.countersign.policy.rule.Rule;
import dev.countersign.policy.tool.Risk;
import dev.countersign.policy.trust.AgentTrust;
import dev.countersign.policy.trust.TrustFigures;
import dev.countersign.policy.trust.TrustLevel;
import dev.countersign.policy.trust.TrustOutcome;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.event.command.CommandListener;
import io.lettuce.core.event.command.CommandStartedEvent;
import io.lettuce.core.output.IntegerOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the Redis stores cost: bytes per typical record ({@code MEMORY USAGE … SAMPLES 0})
 * and commands per operation, both the round trips the client sends (a Lettuce
 * {@link CommandListener}) and the commands the server runs, scripts' included
 * ({@code INFO commandstats}). Prints each figure and asserts an upper bound, so a change
 * that makes a record or an operation much dearer fails here.
 */
class RedisFootprintTests {

	private static final String USER = "auth0|ada";

	private static final String TAG = "cs:{u:auth0|ada}:";

	private static RedisServer server;

	private static RedisClient client;

	private static RedisClient adminClient;

	private static StatefulRedisConnection<String, String> connection;

	private static StatefulRedisConnection<String, String> admin;

	private static final List<String> sent = Collections.synchronizedList(new ArrayList<>());

	private static final AtomicBoolean recording = new AtomicBoolean();

	private final MutableClock clock = MutableClock.start();

	@BeforeAll
	static void startRedis() {
		server = RedisServer.start();
		client = RedisClient.create(server.uri());
		client.addListener(new CommandListener() {
			@Override
			public void commandStarted(CommandStartedEvent event) {
				if (recording.get()) {
					sent.add(event.getCommand().getType().toString().toLowerCase());
				}
			}
		});
		connection = client.connect();
		adminClient = RedisClient.create(server.uri());
		admin = adminClient.connect();
	}

	@AfterAll
	static void stopRedis() {
		connection.close();
		admin.close();
		client.shutdown();
		adminClient.shutdown();
		server.close();
	}

	@BeforeEach
	void flush() {
		admin.sync().flushdb();
	}

	// ---- bytes per record

	@Test
	void pendingActionBytes() {
		RedisActionStore store = new RedisActionStore(connection);
		store.insert(typicalAction(TestActions.nextId())).block();
		long bytes = memoryUsage(TAG + "action:" + onlyMember(TAG + "actions:PENDING"));
		report("pending action (hash json/status/version/due; plus ~30 B per index member)", bytes);
		assertThat(bytes).isLessThan(1800);
	}

	@Test
	void auditEntryBytes() {
		RedisAuditStore store = new RedisAuditStore(connection);
		int entries = 1000;
		for (int n = 0; n < entries; n++) {
			store.append(USER, typicalAuditDraft(n)).block();
		}
		long perEntry = memoryUsage(TAG + "audit") / entries;
		report("audit entry (stream entry, 1000 in one stream)", perEntry);
		assertThat(perEntry).isLessThan(700);
	}

	@Test
	void ruleSetBytes() {
		RedisRuleStore store = new RedisRuleStore(connection);
		List<Rule> rules = new ArrayList<>(DefaultRules.RULES);
		rules.add(Rule.builder("no-send-outside", Effect.DENY)
			.tools("email_send")
			.agents("claude-*")
			.when(Condition.recipientsOutside(true))
			.build());
		store.replaceAll(USER, 0, rules).block();
		long bytes = memoryUsage(TAG + "rules");
		report("rule set (hash json/version: 4 default rules + 1)", bytes);
		assertThat(bytes).isLessThan(1700);
	}

	@Test
	void routingBytes() {
		RedisRoutingStore store = new RedisRoutingStore(connection);
		store.replace(USER, 0, typicalRouting()).block();
		long bytes = memoryUsage(TAG + "routing");
		report("routing settings (hash json/version, one own domain, one override)", bytes);
		assertThat(bytes).isLessThan(600);
	}

	@Test
	void trustRecordBytes() {
		RedisTrustStore store = new RedisTrustStore(connection);
		int agents = 100;
		for (int i = 0; i < agents; i++) {
			String agent = "agent-client-id-" + i;
			store
				.update(USER, agent,
						(current) -> AgentTrust.newAgent(USER, agent, TrustLevel.L1, this.clock.instant())
							.record(TrustOutcome.AUTO_RUN_SUCCEEDED, Risk.MEDIUM, this.clock.instant(),
									TrustFigures.defaults()))
				.block();
		}
		long perRecord = memoryUsage(TAG + "trust") / agents;
		report("trust record (hash field, 100 agents in one hash)", perRecord);
		assertThat(perRecord).isLessThan(400);
	}

	@Test
	void calibrationBytes() {
		RedisCalibrationStore store = new RedisCalibrationStore(connection);
		int pairs = 100;
		for (int i = 0; i < pairs; i++) {
			String agent = "agent-client-id-" + i;
			store.count(USER, agent, "email_create_draft", true).block();
			store.count(USER, agent, "email_create_draft", false).block();
			store
				.offer(new Suggestion("sug_01JD3K5Q7ZP4W9N2X8Y6V0T" + String.format("%03d", i), USER, agent,
						"email_create_draft", new OutcomeCounts(5, 1), SuggestionStatus.OPEN, this.clock.instant(),
						this.clock.instant()))
				.block();
		}
		long countBytes = (memoryUsage(TAG + "calibration-approved") + memoryUsage(TAG + "calibration-denied")) / pairs;
		long suggestionBytes = (memoryUsage(TAG + "suggestions") + memoryUsage(TAG + "suggestion-ids")) / pairs;
		report("calibration counts per (agent, tool) (two hash fields, 100 pairs)", countBytes);
		report("suggestion (hash field + id index field, 100 in one hash)", suggestionBytes);
		assertThat(countBytes).isLessThan(150);
		assertThat(suggestionBytes).isLessThan(550);
	}

	@Test
	void refreshTokenBytes() {
		RedisRefreshTokenStore store = new RedisRefreshTokenStore(connection);
		RefreshTokenCipher cipher = RefreshTokenCipher.of("k1",
				"0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8));
		// an Auth0 refresh token is an opaque string of about 48 characters (canary
		// value)
		store.save(cipher.seal(USER, "v1.MjAyNi0xMS0yM1QxMDowMDowMFotY2FuYXJ5LXJlZnJlc2g", this.clock.instant()))
			.block();
		long bytes = memoryUsage(TAG + "refresh-token");
		report("sealed refresh token (hash keyId/ciphertext/storedAt)", bytes);
		assertThat(bytes).isLessThan(600);
	}

	@Test
	void pendingChangeBytes() {
		RedisChangeStore store = new RedisChangeStore(connection);
		store.insert(typicalChange("chg_01JD3K5Q7ZP4W9N2X8Y6V0T000")).block();
		long bytes = memoryUsage(TAG + "change:chg_01JD3K5Q7ZP4W9N2X8Y6V0T000");
		report("pending change (hash json/status/version, routing document)", bytes);
		assertThat(bytes).isLessThan(1000);
	}

	// ---- commands per operation

	@Test
	void commandsPerOperation() {
		RedisActionStore actions = new RedisActionStore(connection);
		RedisAuditStore audit = new RedisAuditStore(connection);
		RedisBatchStore batches = new RedisBatchStore(connection);
		RedisRuleStore rules = new RedisRuleStore(connection);
		RedisRoutingStore routing = new RedisRoutingStore(connection);
		RedisTrustStore trust = new RedisTrustStore(connection);
		RedisCalibrationStore calibration = new RedisCalibrationStore(connection);
		RedisRefreshTokenStore tokens = new RedisRefreshTokenStore(connection);
		RedisChangeStore changes = new RedisChangeStore(connection);
		// warm the script caches, so that no measured call pays NOSCRIPT + EVAL
		actions.insert(typicalAction("act_warm")).block();
		actions
			.transition(USER, "act_warm", ActionStatus.PENDING, 0,
					(a) -> a.moveTo(ActionStatus.CANCELLED, this.clock.instant()))
			.block();
		actions.findByUser("auth0|warm", EnumSet.of(ActionStatus.PENDING)).collectList().block();
		actions.findUsers(EnumSet.of(ActionStatus.PENDING)).collectList().block();
		audit.append("auth0|warm", typicalAuditDraft(0)).block();
		audit.saveCheckpoint(checkpointFor("auth0|warm")).block();
		rules.replaceAll("auth0|warm", 0, List.of()).block();
		trust
			.update("auth0|warm", "claude",
					(c) -> AgentTrust.newAgent("auth0|warm", "claude", TrustLevel.L1, this.clock.instant()))
			.block();
		calibration.count("auth0|warm", "claude", "email_send", true).block();
		calibration.offer(suggestion("auth0|warm", "sug_warm")).block();
		calibration.decide("auth0|warm", "sug_warm", SuggestionStatus.ACCEPTED, this.clock.instant()).block();
		changes.insert(typicalChange("chg_warm").withVersion(0)).block();
		changes
			.transition("auth0|warm", "chg_warm", ChangeStatus.PENDING_APPROVAL, 0,
					(c) -> c.decide(ChangeStatus.APPLIED, this.clock.instant()))
			.block();

		assertSent("action insert", () -> actions.insert(typicalAction("act_1")).block(), "sadd", "evalsha");
		assertSent("action transition",
				() -> actions
					.transition(USER, "act_1", ActionStatus.PENDING, 0,
							(a) -> a.moveTo(ActionStatus.CANCELLED, this.clock.instant()))
					.block(),
				"hget", "sadd", "evalsha");
		assertSent("action find", () -> actions.find(USER, "act_1").block(), "hget");
		assertSent("action findUsers (one user, four statuses)",
				() -> actions
					.findUsers(EnumSet.of(ActionStatus.PENDING, ActionStatus.BATCHED, ActionStatus.APPROVED,
							ActionStatus.EXECUTING))
					.collectList()
					.block(),
				"sunion", "evalsha");
		Action read = actions.insert(typicalAction("act_3")).block();
		assertSent("action transition of a copy read",
				() -> actions.transitionFrom(read, (a) -> a.moveTo(ActionStatus.CANCELLED, this.clock.instant()))
					.block(),
				"sadd", "evalsha");
		actions.insert(typicalAction("act_2")).block();
		assertSent("action findByUser (two statuses, any number of actions)",
				() -> actions.findByUser(USER, EnumSet.of(ActionStatus.PENDING, ActionStatus.CANCELLED))
					.collectList()
					.block(),
				"evalsha");
		assertSent("audit append (first)", () -> audit.append(USER, typicalAuditDraft(1)).block(), "xrevrange",
				"evalsha");
		// the store knows the entry it appended last: the script checks it, nothing is
		// read
		assertSent("audit append", () -> audit.append(USER, typicalAuditDraft(2)).block(), "evalsha");
		assertSent("audit read page", () -> audit.read(USER, 1, 100).collectList().block(), "xrange");
		assertSent("audit length", () -> audit.length(USER).block(), "xlen");
		batches.insert(TestBatches.open()).block();
		batches.findOpenRequest("auth0|warm").block();
		assertSent("batch findByUser (any number of batches)",
				() -> batches.findByUser(USER, EnumSet.of(BatchStatus.OPEN, BatchStatus.REQUESTED))
					.collectList()
					.block(),
				"evalsha");
		assertSent("audit save checkpoint", () -> audit.saveCheckpoint(checkpointFor(USER)).block(), "evalsha");
		assertSent("rules find", () -> rules.find(USER).block(), "hmget");
		assertSent("rules replaceAll", () -> rules.replaceAll(USER, 0, DefaultRules.RULES).block(), "evalsha");
		assertSent("rules create", () -> rules.create(USER, 1, 0, Rule.builder("r1", Effect.DENY).build()).block(),
				"hmget", "evalsha");
		assertSent("routing find", () -> routing.find(USER).block(), "hmget");
		assertSent("routing replace", () -> routing.replace(USER, 0, typicalRouting()).block(), "evalsha");
		assertSent("trust find", () -> trust.find(USER, "claude").block(), "hget");
		assertSent("trust update (uncontended)",
				() -> trust
					.update(USER, "claude",
							(c) -> AgentTrust.newAgent(USER, "claude", TrustLevel.L1, this.clock.instant()))
					.block(),
				"hget", "evalsha");
		assertSent("calibration count", () -> calibration.count(USER, "claude", "email_send", true).block(), "evalsha");
		assertSent("calibration offer (new)", () -> calibration.offer(suggestion(USER, "sug_1")).block(), "hget",
				"evalsha");
		assertSent("calibration offer (refresh)", () -> calibration.offer(suggestion(USER, "sug_2")).block(), "hget",
				"hget", "evalsha");
		assertSent("calibration decide",
				() -> calibration.decide(USER, "sug_1", SuggestionStatus.DISMISSED, this.clock.instant()).block(),
				"hget", "evalsha");
		assertSent("refresh token save", () -> tokens
			.save(RefreshTokenCipher.of("k1", "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8))
				.seal(USER, "v1.canary-refresh", this.clock.instant()))
			.block(), "hset");
		assertSent("refresh token find", () -> tokens.find(USER).block(), "hgetall");
		assertSent("refresh token delete", () -> tokens.delete(USER).block(), "del");
		assertSent("change insert", () -> changes.insert(typicalChange("chg_1")).block(), "evalsha");
		assertSent("change transition",
				() -> changes
					.transition(USER, "chg_1", ChangeStatus.PENDING_APPROVAL, 0,
							(c) -> c.decide(ChangeStatus.APPLIED, this.clock.instant()))
					.block(),
				"hget", "evalsha");
	}

	private void assertSent(String operation, Runnable run, String... expected) {
		admin.sync().configResetstat();
		sent.clear();
		recording.set(true);
		try {
			run.run();
		}
		finally {
			recording.set(false);
		}
		Map<String, Long> executed = executedCommands();
		long total = executed.values().stream().mapToLong(Long::longValue).sum();
		System.out.printf("[footprint] %-28s round trips %d %s; server commands %d %s%n", operation, sent.size(), sent,
				total, executed);
		assertThat(sent).as(operation).containsExactly(expected);
		assertThat(total).as(operation + ": commands the server ran").isLessThanOrEqualTo(12);
	}

	private static Map<String, Long> executedCommands() {
		Map<String, Long> executed = new TreeMap<>();
		for (String line : admin.sync().info("commandstats").split("\r?\n")) {
			if (!line.startsWith("cmdstat_")) {
				continue;
			}
			String name = line.substring("cmdstat_".length(), line.indexOf(':'));
			if (name.startsWith("config") || name.equals("info")) {
				continue;
			}
			String calls = line.substring(line.indexOf("calls=") + "calls=".length());
			executed.put(name, Long.parseLong(calls.substring(0, calls.indexOf(','))));
		}
		return executed;
	}

	private static long memoryUsage(String key) {
		StringCodec codec = StringCodec.UTF8;
		Long bytes = admin.sync()
			.dispatch(CommandType.MEMORY, new IntegerOutput<>(codec),
					new CommandArgs<>(codec).add("USAGE").addKey(key).add("SAMPLES").add(0));
		assertThat(bytes).as("MEMORY USAGE " + key).isNotNull().isPositive();
		return bytes;
	}

	private static String onlyMember(String set) {
		assertThat(admin.sync().smembers(set)).hasSize(1);
		return admin.sync().smembers(set).iterator().next();
	}

	private static void report(String record, long bytes) {
		System.out.printf("[footprint] %-70s %5d bytes%n", record, bytes);
	}

	private Action typicalAction(String id) {
		return TestActions.action()
			.id(id)
			.tool("email_send", "google-oauth2")
			.risk(Risk.HIGH)
			.destructive()
			.confidence(0.72)
			.argument("to", List.of("grace@analytical.example"))
			.argument("cc", List.of())
			.argument("subject", "Q4 renewal: the figures you asked for")
			.argument("body",
					"Hi Grace,\n\nAs promised, the renewal comes to 48,000 EUR for 12 months, "
							+ "with the same terms as last year. The signed order form is attached to the deal. "
							+ "Let me know if the finance team needs anything else before Friday.\n\nBest,\nAda")
			.createdAt(this.clock.instant())
			.ttl(Duration.ofMinutes(15))
			.build();
	}

	private AuditEventDraft typicalAuditDraft(int n) {
		return AuditEventDraft.of(AuditEventType.DECISION, "claude-desktop", this.clock.instant().plusSeconds(n))
			.withActionId("act_01JD3K5Q7ZP4W9N2X8Y6V0T" + String.format("%03d", n % 1000))
			.withDetail("tool", "email_send")
			.withDetail("decision", "batch")
			.withDetail("confidence", 0.72)
			.withDetail("risk", "HIGH");
	}

	private dev.countersign.policy.audit.AuditCheckpoint checkpointFor(String user) {
		return dev.countersign.policy.audit.CheckpointSigner
			.of("k1", "audit-key-0123456789abcdef01234567".getBytes(StandardCharsets.UTF_8))
			.sign(user, 1, "a".repeat(64), this.clock.instant());
	}

	private static RoutingSettings typicalRouting() {
		return RoutingSettings.defaults()
			.withThresholds(new Thresholds(0.9, 0.55))
			.withOwnDomains(List.of("analytical.example"))
			.withToolOverride("email_send", new Thresholds(0.97, 0.7));
	}

	private Suggestion suggestion(String user, String id) {
		return new Suggestion(id, user, "claude", "email_send", new OutcomeCounts(5, 1), SuggestionStatus.OPEN,
				this.clock.instant(), this.clock.instant());
	}

	private PendingChange typicalChange(String id) {
		String user = id.equals("chg_warm") ? "auth0|warm" : USER;
		return PendingChange.pending(id, user, ChangeKind.ROUTING, null, RoutingJson.write(typicalRouting()).toString(),
				this.clock.instant());
	}

}
