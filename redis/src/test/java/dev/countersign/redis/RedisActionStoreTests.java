package dev.countersign.redis;

import java.util.Set;
import java.time.Instant;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.countersign.policy.MutableClock;
import dev.countersign.policy.action.AbstractActionStoreTests;
import dev.countersign.policy.action.Action;
import dev.countersign.policy.action.ActionStatus;
import dev.countersign.policy.action.ActionStore;
import dev.countersign.policy.action.DuplicateActionException;
import dev.countersign.policy.action.TestActions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@link ActionStore} contract for {@link RedisActionStore}, against a real
 * {@code redis-server}, plus what only Redis adds: replicas on separate connections, the
 * key layout, TTLs and script reloading.
 */
class RedisActionStoreTests extends AbstractActionStoreTests {

	@RegisterExtension
	static final RedisConnection redis = new RedisConnection();

	@Override
	protected ActionStore createStore() {
		redis.connection().sync().flushdb();
		return new RedisActionStore(redis.connection());
	}

	private RedisCommands<String, String> redis() {
		return redis.connection().sync();
	}

	@Test
	void findAfterInsertKeepsTheDigestOfNumbersAndNesting() {
		Action action = TestActions.action()
			.argument("amount", 1200)
			.argument("big", 9_007_199_254_740_992L)
			.argument("ratio", 0.1)
			.argument("whole", 2.0)
			.argument("tiny", 1e-7)
			.argument("huge", 1e21)
			.argument("list", List.of(1, 2.5, "x", List.of(), Map.of()))
			.precondition("updated_at", "2026-11-23T10:00:00Z")
			.build();
		store().insert(action).block();
		Action found = store().find(TestActions.USER, action.id()).block();
		assertThat(found).isEqualTo(action);
		assertThat(found.recomputeDigest()).isEqualTo(action.digest());
		Action moved = store()
			.transition(TestActions.USER, action.id(), ActionStatus.PENDING, 0,
					(current) -> current.batched("bat_1", MutableClock.START)
						.withResult(Map.of("count", 3, "price", 19.99)))
			.block();
		Action reloaded = store().find(TestActions.USER, action.id()).block();
		assertThat(reloaded).isEqualTo(moved);
		assertThat(reloaded.digestMatches()).isTrue();
	}

	@Test
	void findDueAndEarliestDueNeverReadTheActionsNotYetDue() {
		Instant now = MutableClock.START.plusSeconds(60);
		Action overdue = insert(TestActions.action().createdAt(MutableClock.START).ttl(Duration.ofSeconds(30)).build());
		Action later = insert(TestActions.action()
			.createdAt(MutableClock.START)
			.ttl(Duration.ofMinutes(5))
			.inStatus(ActionStatus.BATCHED)
			.build());
		// a later action's JSON that could not be decoded: a read of it would fail
		redis().hset("cs:{u:auth0|ada}:action:" + later.id(), "json", "{not json");
		Set<ActionStatus> waiting = EnumSet.of(ActionStatus.PENDING, ActionStatus.BATCHED);
		assertThat(store().findDue(TestActions.USER, waiting, now).collectList().block()).containsExactly(overdue);
		assertThat(store().earliestDue(TestActions.USER, waiting).block()).isEqualTo(overdue.approveBy());
		assertThat(store().earliestDue(TestActions.USER, EnumSet.of(ActionStatus.BATCHED)).block())
			.isEqualTo(later.approveBy());
	}

	@Test
	void findDueAndEarliestDueWhenStoredWithoutADueFieldThenReadFromTheJson() {
		// as an action stored by an earlier version is
		Action overdue = insert(TestActions.action().createdAt(MutableClock.START).ttl(Duration.ofSeconds(30)).build());
		Action later = insert(TestActions.action().createdAt(MutableClock.START).ttl(Duration.ofMinutes(5)).build());
		Action earliest = insert(TestActions.action()
			.createdAt(MutableClock.START)
			.ttl(Duration.ofSeconds(10))
			.inStatus(ActionStatus.BATCHED)
			.build());
		for (Action action : List.of(overdue, later, earliest)) {
			redis().hdel("cs:{u:auth0|ada}:action:" + action.id(), "due");
		}
		Set<ActionStatus> waiting = EnumSet.of(ActionStatus.PENDING, ActionStatus.BATCHED);
		assertThat(
				store().findDue(TestActions.USER, EnumSet.of(ActionStatus.PENDING), MutableClock.START.plusSeconds(60))
					.collectList()
					.block())
			.containsExactly(overdue);
		assertThat(store().earliestDue(TestActions.USER, waiting).block()).isEqualTo(earliest.approveBy());
		assertThat(store().earliestDue(TestActions.USER, EnumSet.of(ActionStatus.PENDING)).block())
			.isEqualTo(overdue.approveBy());
	}

	private Action insert(Action action) {
		return store().insert(action).block();
	}

	@Test
	void transitionWhenTwoReplicasRaceThenExactlyOneWinsEachTime() throws Exception {
		RedisClient otherClient = RedisClient.create(redis.server().uri());
		try (StatefulRedisConnection<String, String> other = otherClient.connect()) {
			List<ActionStore> replicas = List.of(store(), new RedisActionStore(other));
			ExecutorService pool = Executors.newFixedThreadPool(8);
			try {
				for (int r = 0; r < 50; r++) {
					int round = r;
					Action action = store().insert(TestActions.action().build()).block();
					CountDownLatch go = new CountDownLatch(1);
					List<Future<Action>> outcomes = new ArrayList<>();
					for (int i = 0; i < 8; i++) {
						ActionStore replica = replicas.get(i % 2);
						String batchId = "bat_" + round + "_" + i;
						Callable<Action> attempt = () -> {
							go.await();
							return replica
								.transition(TestActions.USER, action.id(), ActionStatus.PENDING, 0,
										(current) -> current.batched(batchId, MutableClock.START))
								.block();
						};
						outcomes.add(pool.submit(attempt));
					}
					go.countDown();
					List<Action> winners = new ArrayList<>();
					for (Future<Action> outcome : outcomes) {
						Action won = outcome.get(10, TimeUnit.SECONDS);
						if (won != null) {
							winners.add(won);
						}
					}
					assertThat(winners).hasSize(1);
					Action stored = replicas.get(1).find(TestActions.USER, action.id()).block();
					assertThat(stored).isEqualTo(winners.get(0));
					assertThat(replicas.get(0).findByBatch(TestActions.USER, stored.batchId()).collectList().block())
						.containsExactly(stored);
				}
			}
			finally {
				pool.shutdownNow();
			}
		}
		finally {
			otherClient.shutdown();
		}
	}

	@Test
	void keysOfOneUserShareTheHashTag() {
		Action action = store().insert(TestActions.action().build()).block();
		store().insert(TestActions.action().inStatus(ActionStatus.BATCHED).build()).block();
		store()
			.transition(TestActions.USER, action.id(), ActionStatus.PENDING, 0,
					(current) -> current.moveTo(ActionStatus.CANCELLED, MutableClock.START))
			.block();
		List<String> keys = redis().keys("*");
		assertThat(keys).isNotEmpty()
			.allSatisfy((key) -> assertThat(key).satisfiesAnyOf((k) -> assertThat(k).startsWith("cs:{u:auth0|ada}:"),
					(k) -> assertThat(k).startsWith("cs:users:actions:")));
		assertThat(keys).contains("cs:{u:auth0|ada}:action:" + action.id(), "cs:{u:auth0|ada}:actions:CANCELLED");
	}

	@Test
	void transitionToTerminalThenExpiresAndLiveDoesNot() {
		ActionStore store = new RedisActionStore(redis.connection(), new RedisStoreOptions(Duration.ofHours(1),
				RedisStoreOptions.DEFAULT_CLOSED_BATCH_TTL, RedisStoreOptions.DEFAULT_DECIDED_CHANGE_TTL));
		Action live = store.insert(TestActions.action().build()).block();
		Action done = store.insert(TestActions.action().build()).block();
		store
			.transition(TestActions.USER, done.id(), ActionStatus.PENDING, 0,
					(current) -> current.moveTo(ActionStatus.EXPIRED, MutableClock.START))
			.block();
		assertThat(redis().ttl("cs:{u:auth0|ada}:action:" + live.id())).isEqualTo(-1L);
		assertThat(redis().ttl("cs:{u:auth0|ada}:action:" + done.id())).isBetween(3590L, 3600L);
		assertThat(redis().exists("cs:{u:auth0|ada}:live:" + TestActions.AGENT + ":" + live.digest())).isEqualTo(1L);
		assertThat(redis().exists("cs:{u:auth0|ada}:live:" + TestActions.AGENT + ":" + done.digest())).isEqualTo(0L);
	}

	@Test
	void findByUserWhenActionExpiredThenSkippedAndIndexCleaned() {
		Action action = store().insert(TestActions.action().inStatus(ActionStatus.SUCCEEDED).build()).block();
		redis().del("cs:{u:auth0|ada}:action:" + action.id());
		StepVerifier.create(store().findByUser(TestActions.USER, EnumSet.of(ActionStatus.SUCCEEDED))).verifyComplete();
		assertThat(redis().smembers("cs:{u:auth0|ada}:actions:SUCCEEDED")).isEmpty();
		StepVerifier.create(store().findUsers(EnumSet.of(ActionStatus.SUCCEEDED))).verifyComplete();
	}

	@Test
	void insertAfterLiveTwinLeftTheLiveStatusesThenInserted() {
		Action first = store().insert(TestActions.action().argument("note", "again").build()).block();
		StepVerifier.create(store().insert(TestActions.action().argument("note", "again").build()))
			.verifyError(DuplicateActionException.class);
		store()
			.transition(TestActions.USER, first.id(), ActionStatus.PENDING, 0,
					(current) -> current.moveTo(ActionStatus.CANCELLED, MutableClock.START))
			.block();
		Action second = TestActions.action().argument("note", "again").build();
		StepVerifier.create(store().insert(second)).expectNext(second).verifyComplete();
		StepVerifier.create(store().findLive(TestActions.USER, TestActions.AGENT, second.digest()))
			.expectNext(second)
			.verifyComplete();
	}

	@Test
	void insertWhenScriptCacheFlushedThenStillWorks() {
		redis().scriptFlush();
		Action action = TestActions.action().build();
		StepVerifier.create(store().insert(action)).expectNext(action).verifyComplete();
		redis().scriptFlush();
		StepVerifier
			.create(store().transition(TestActions.USER, action.id(), ActionStatus.PENDING, 0,
					(current) -> current.moveTo(ActionStatus.CANCELLED, MutableClock.START)))
			.assertNext((moved) -> assertThat(moved.version()).isEqualTo(1))
			.verifyComplete();
	}

}
