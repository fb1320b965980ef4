package dev.countersign.redis;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.countersign.policy.MutableClock;
import dev.countersign.policy.audit.AbstractAuditStoreTests;
import dev.countersign.policy.audit.AuditCheckpoint;
import dev.countersign.policy.audit.AuditConfig;
import dev.countersign.policy.audit.AuditEvent;
import dev.countersign.policy.audit.AuditEventDraft;
import dev.countersign.policy.audit.AuditEventType;
import dev.countersign.policy.audit.AuditStore;
import dev.countersign.policy.audit.AuditTrail;
import dev.countersign.policy.audit.AuditVerification;
import dev.countersign.policy.audit.CheckpointSigner;
import dev.countersign.redis.internal.JsonCodec;
import io.lettuce.core.Range;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XAddArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.RedisClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@link AuditStore} contract for {@link RedisAuditStore}, against a real
 * {@code redis-server}, with tampering done on the raw stream; plus the stream layout and
 * appends racing from two replicas.
 */
class RedisAuditStoreTests extends AbstractAuditStoreTests {

	private static final String STREAM = "cs:{u:auth0|ada}:audit";

	private static final String CHECKPOINTS = "cs:{u:auth0|ada}:audit-checkpoints";

	private static RedisServer server;

	private static RedisClient client;

	private static StatefulRedisConnection<String, String> connection;

	private final JsonCodec codec = new JsonCodec();

	@BeforeAll
	static void startRedis() {
		server = RedisServer.start();
		client = RedisClient.create(server.uri());
		connection = client.connect();
	}

	@AfterAll
	static void stopRedis() {
		connection.close();
		client.shutdown();
		server.close();
	}

	@Override
	protected AuditStore createStore() {
		connection.sync().flushdb();
		return new RedisAuditStore(connection);
	}

	@Override
	protected void tamper(String user, List<AuditEvent> entries, List<AuditCheckpoint> checkpoints) {
		RedisCommands<String, String> redis = connection.sync();
		String stream = "cs:{u:" + user + "}:audit";
		String stored = "cs:{u:" + user + "}:audit-checkpoints";
		redis.del(stream, stored);
		for (int i = 0; i < entries.size(); i++) {
			redis.xadd(stream, new XAddArgs().id((i + 1) + "-0"), Map.of("json", this.codec.write(entries.get(i))));
		}
		checkpoints.forEach((checkpoint) -> redis.zadd(stored, checkpoint.sequence(), this.codec.write(checkpoint)));
	}

	private static AuditTrail trail(AuditStore store, List<AuditCheckpoint> anchors) {
		return new AuditTrail(store,
				CheckpointSigner.of("k1", "redis-audit-key-0123456789abcdef012".getBytes(StandardCharsets.UTF_8)),
				anchors::add, AuditConfig.defaults(), MutableClock.start());
	}

	private static AuditEventDraft draft(int n) {
		return AuditEventDraft.of(AuditEventType.DECISION, "claude", MutableClock.START.plusSeconds(n))
			.withActionId("act-" + n)
			.withDetail("tool", "email_send")
			.withDetail("n", n);
	}

	@Test
	void streamHoldsOneEntryPerEventUnderItsSequence() {
		AuditTrail trail = trail(store(), new ArrayList<>());
		List<AuditEvent> events = new ArrayList<>();
		for (int n = 1; n <= 60; n++) {
			events.add(trail.record(USER, draft(n)).block());
		}
		List<StreamMessage<String, String>> messages = connection.sync().xrange(STREAM, Range.create("-", "+"));
		assertThat(messages).hasSize(60);
		for (int i = 0; i < messages.size(); i++) {
			StreamMessage<String, String> message = messages.get(i);
			assertThat(message.getId()).isEqualTo((i + 1) + "-0");
			assertThat(message.getBody()).containsOnlyKeys("json");
			assertThat(this.codec.readAuditEvent(message.getBody().get("json"))).isEqualTo(events.get(i));
		}
		// the trail sealed entry 50 and the store kept the seal beside the stream
		assertThat(connection.sync().zrange(CHECKPOINTS, 0, -1)).hasSize(1)
			.allSatisfy((json) -> assertThat(this.codec.readAuditCheckpoint(json).sequence()).isEqualTo(50));
	}

	@Test
	void verifyWhenOneStoredEntryIsRewrittenInRedisThenBrokenAtIt() {
		List<AuditCheckpoint> anchors = Collections.synchronizedList(new ArrayList<>());
		AuditTrail trail = trail(store(), anchors);
		for (int n = 1; n <= 60; n++) {
			trail.record(USER, draft(n)).block();
		}
		RedisCommands<String, String> redis = connection.sync();
		List<StreamMessage<String, String>> messages = redis.xrange(STREAM, Range.create("-", "+"));
		redis.del(STREAM);
		for (StreamMessage<String, String> message : messages) {
			String json = message.getBody().get("json");
			if (message.getId().equals("7-0")) {
				assertThat(json).contains("\"n\":7");
				json = json.replace("\"n\":7", "\"n\":700");
			}
			redis.xadd(STREAM, new XAddArgs().id(message.getId()), Map.of("json", json));
		}
		assertThat(trail.verify(USER, List.copyOf(anchors)).block())
			.isEqualTo(new AuditVerification.Broken(7, "Entry 7 does not match its hash (its content was changed)"));
	}

	@Test
	void appendWhenAnotherReplicaAppendedSinceThenChainsToItsEntry() {
		AuditStore first = store();
		AuditStore second = new RedisAuditStore(connection);
		first.append(USER, draft(1)).block();
		second.append(USER, draft(2)).block();
		// the first store last appended entry 1: its guess loses, and it reads entry 2
		AuditEvent third = first.append(USER, draft(3)).block();
		// and the stream emptied behind its back: it starts the chain again
		connection.sync().del(STREAM);
		AuditEvent restarted = first.append(USER, draft(4)).block();

		List<AuditEvent> events = second.read(USER, 1, 10).collectList().block();
		assertThat(third.sequence()).isEqualTo(3);
		assertThat(third.previousHash()).isNotEqualTo(AuditEvent.GENESIS_HASH);
		assertThat(restarted.sequence()).isEqualTo(1);
		assertThat(restarted.previousHash()).isEqualTo(AuditEvent.GENESIS_HASH);
		assertThat(events).containsExactly(restarted);
	}

	@Test
	void appendWhenTwoReplicasRaceThenOneUnbrokenChain() throws Exception {
		RedisClient otherClient = RedisClient.create(server.uri());
		try (StatefulRedisConnection<String, String> other = otherClient.connect()) {
			List<AuditStore> replicas = List.of(store(), new RedisAuditStore(other));
			int threads = 6;
			int perThread = 40;
			ExecutorService pool = Executors.newFixedThreadPool(threads);
			try {
				CountDownLatch go = new CountDownLatch(1);
				List<Future<Object>> futures = new ArrayList<>();
				for (int t = 0; t < threads; t++) {
					AuditStore replica = replicas.get(t % 2);
					String agent = "agent-" + t;
					Callable<Object> task = () -> {
						go.await();
						for (int n = 0; n < perThread; n++) {
							replica.append(USER, AuditEventDraft.of(AuditEventType.DECISION, agent, Instant.EPOCH))
								.block();
						}
						return null;
					};
					futures.add(pool.submit(task));
				}
				go.countDown();
				for (Future<Object> future : futures) {
					future.get(60, TimeUnit.SECONDS);
				}
			}
			finally {
				pool.shutdownNow();
			}
			List<AuditEvent> events = replicas.get(1).read(USER, 1, Integer.MAX_VALUE).collectList().block();
			assertThat(events).hasSize(threads * perThread);
			for (int i = 0; i < events.size(); i++) {
				assertThat(events.get(i).sequence()).isEqualTo(i + 1);
				assertThat(events.get(i).hashMatches()).isTrue();
				assertThat(events.get(i).previousHash())
					.isEqualTo((i == 0) ? AuditEvent.GENESIS_HASH : events.get(i - 1).hash());
			}
			assertThat(trail(store(), new ArrayList<>()).verify(USER, List.of()).block())
				.isEqualTo(new AuditVerification.Intact(threads * perThread, events.get(events.size() - 1).hash()));
		}
		finally {
			otherClient.shutdown();
		}
	}

}
