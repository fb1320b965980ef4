package dev.countersign.redis;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.BinaryOperator;
import java.util.function.UnaryOperator;

import dev.countersign.policy.action.Action;
import dev.countersign.policy.action.ActionStatus;
import dev.countersign.policy.action.ActionStore;
import dev.countersign.policy.action.DuplicateActionException;
import dev.countersign.policy.action.LiveActionLimitException;
import dev.countersign.redis.internal.DecodedActions;
import dev.countersign.redis.internal.IndexScan;
import dev.countersign.redis.internal.JsonCodec;
import dev.countersign.redis.internal.RedisKeys;
import dev.countersign.redis.internal.RedisScript;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.reactive.RedisReactiveCommands;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * An {@link ActionStore} in Redis, for several replicas sharing one Redis.
 *
 * <p>
 * Each action is a hash ({@code json}, {@code status}, {@code version}) under the user's
 * hash tag ({@link RedisKeys}). {@link #insert(Action)} and
 * {@link #transition(String, String, ActionStatus, long, UnaryOperator)} are each one Lua
 * script that checks and writes the action, its status index and its live (duplicate) key
 * together: the insert fails when the id is taken or the agent already has a live action
 * with the same digest (or, with {@link #insert(Action, int)}, as many live actions as
 * allowed), and the transition writes only if the stored status and version are still the
 * expected ones. The change itself runs in Java before the script, on the action as read
 * (or, with {@link #transitionFrom(Action, UnaryOperator)}, on the caller's copy), and is
 * checked with {@link Action#requireLegalSuccessor(Action)}. A terminal action expires
 * after {@link RedisStoreOptions#terminalActionTtl()}; index entries of expired actions
 * are dropped when next read.
 *
 * <p>
 * Thread-safe: its only state is a bounded, thread-safe cache of decoded actions, and the
 * Lettuce connection it is given is thread-safe. The caller owns the connection (and its
 * {@code RedisClient}) and closes it; one connection may serve several stores.
 *
 * <pre>{@code
 * RedisClient client = RedisClient.create("redis://localhost:6379");
 * StatefulRedisConnection<String, String> connection = client.connect();
 * ActionStore store = new RedisActionStore(connection, RedisStoreOptions.defaults());
 * store.insert(action).block();
 * }</pre>
 */
public final class RedisActionStore implements ActionStore {

	private static final int USER_CHECKS_IN_FLIGHT = 64;

	private static final Comparator<Action> OLDEST_FIRST = Comparator.comparing(Action::createdAt)
		.thenComparing(Action::id);

	// KEYS: action, status set, live key, agent-live set, batch-actions set, change count
	// ARGV: json, status, version, id, live (1/0), in a batch (1/0), ttl seconds (0:
	// none), due (approveBy in epoch milliseconds, rounded down), the most live actions
	// of the agent (0: no limit)
	private static final RedisScript INSERT = new RedisScript("""
			if redis.call('EXISTS', KEYS[1]) == 1 then
			  return 'ID'
			end
			if ARGV[5] == '1' then
			  local twin = redis.call('GET', KEYS[3])
			  if twin then
			    return 'LIVE:' .. twin
			  end
			  local limit = tonumber(ARGV[9])
			  if limit > 0 and redis.call('SCARD', KEYS[4]) >= limit then
			    return 'LIMIT'
			  end
			  redis.call('SET', KEYS[3], ARGV[4])
			  redis.call('SADD', KEYS[4], ARGV[4])
			end
			redis.call('HSET', KEYS[1], 'json', ARGV[1], 'status', ARGV[2], 'version', ARGV[3], 'due', ARGV[8])
			redis.call('SADD', KEYS[2], ARGV[4])
			if ARGV[6] == '1' then
			  redis.call('SADD', KEYS[5], ARGV[4])
			end
			if tonumber(ARGV[7]) > 0 then
			  redis.call('EXPIRE', KEYS[1], ARGV[7])
			end
			redis.call('INCR', KEYS[6])
			return 'OK'
			""");

	// KEYS: action, old status set, new status set, live key, agent-live set,
	// batch-actions set, the live key of the new digest (an edit re-digests), change
	// count
	// ARGV: expected status, expected version, json, new status, new version, id,
	// was live (1/0), is live (1/0), in a batch (1/0), ttl seconds (0: none), due
	// (approveBy in epoch milliseconds, rounded down)
	private static final RedisScript TRANSITION = new RedisScript("""
			local current = redis.call('HMGET', KEYS[1], 'status', 'version')
			if current[1] ~= ARGV[1] or current[2] ~= ARGV[2] then
			  return 'LOST'
			end
			redis.call('HSET', KEYS[1], 'json', ARGV[3], 'status', ARGV[4], 'version', ARGV[5], 'due', ARGV[11])
			if ARGV[1] ~= ARGV[4] then
			  redis.call('SREM', KEYS[2], ARGV[6])
			  redis.call('SADD', KEYS[3], ARGV[6])
			end
			if ARGV[7] == '1' and ARGV[8] == '0' then
			  if redis.call('GET', KEYS[4]) == ARGV[6] then
			    redis.call('DEL', KEYS[4])
			  end
			  redis.call('SREM', KEYS[5], ARGV[6])
			elseif ARGV[7] == '0' and ARGV[8] == '1' then
			  redis.call('SET', KEYS[4], ARGV[6])
			  redis.call('SADD', KEYS[5], ARGV[6])
			elseif ARGV[7] == '1' and KEYS[4] ~= KEYS[7] then
			  if redis.call('GET', KEYS[4]) == ARGV[6] then
			    redis.call('DEL', KEYS[4])
			  end
			  redis.call('SET', KEYS[7], ARGV[6])
			end
			if ARGV[9] == '1' then
			  redis.call('SADD', KEYS[6], ARGV[6])
			end
			if tonumber(ARGV[10]) > 0 then
			  redis.call('EXPIRE', KEYS[1], ARGV[10])
			end
			redis.call('INCR', KEYS[8])
			return 'OK'
			""");

	// KEYS: status sets of one user
	private static final RedisScript ANY = new RedisScript("""
			for _, set in ipairs(KEYS) do
			  if redis.call('SCARD', set) > 0 then
			    return '1'
			  end
			end
			return '0'
			""");

	private final RedisReactiveCommands<String, String> commands;

	private final RedisStoreOptions options;

	private final JsonCodec codec = new JsonCodec();

	private final DecodedActions decoded = new DecodedActions(this.codec, DecodedActions.DEFAULT_CAPACITY);

	/**
	 * A store with the {@linkplain RedisStoreOptions#defaults() default options}.
	 * @param connection the connection to use; the caller owns and closes it
	 */
	public RedisActionStore(StatefulRedisConnection<String, String> connection) {
		this(connection, RedisStoreOptions.defaults());
	}

	/**
	 * A store.
	 * @param connection the connection to use; the caller owns and closes it
	 * @param options how long terminal actions are kept
	 */
	public RedisActionStore(StatefulRedisConnection<String, String> connection, RedisStoreOptions options) {
		this.commands = Objects.requireNonNull(connection, "connection must not be null").reactive();
		this.options = Objects.requireNonNull(options, "options must not be null");
	}

	@Override
	public Mono<Action> insert(Action action) {
		Objects.requireNonNull(action, "action must not be null");
		return insertLimited(action, 0);
	}

	@Override
	public Mono<Action> insert(Action action, int maxLivePerAgent) {
		Objects.requireNonNull(action, "action must not be null");
		if (maxLivePerAgent < 1) {
			throw new IllegalArgumentException("maxLivePerAgent must be positive, but was " + maxLivePerAgent);
		}
		return insertLimited(action, maxLivePerAgent);
	}

	/** Inserts; {@code maxLivePerAgent} 0 for no limit. */
	private Mono<Action> insertLimited(Action action, int maxLivePerAgent) {
		return Mono.defer(() -> {
			RedisKeys keys = RedisKeys.of(action.user());
			String batchId = action.batchId();
			String[] scriptKeys = { keys.action(action.id()), keys.actions(action.status().name()),
					keys.live(action.agent(), action.digest()), keys.agentLive(action.agent()),
					keys.batchActions((batchId != null) ? batchId : ""), keys.actionChanges() };
			return indexUser(action).then(INSERT.run(this.commands, scriptKeys, this.codec.write(action),
					action.status().name(), Long.toString(action.version()), action.id(), flag(action.status().live()),
					flag(batchId != null), Long.toString(ttlSeconds(action.status())), due(action),
					Integer.toString(maxLivePerAgent)))
				.flatMap((outcome) -> {
					if ("OK".equals(outcome)) {
						return Mono.just(action);
					}
					if ("LIMIT".equals(outcome)) {
						return Mono.error(new LiveActionLimitException(action.agent(), maxLivePerAgent));
					}
					if (outcome.startsWith("LIVE:")) {
						String twin = outcome.substring("LIVE:".length());
						return Mono.error(new DuplicateActionException(action.id(), "Agent " + action.agent()
								+ " already has live action " + twin + " with digest " + action.digest()));
					}
					return Mono
						.error(new DuplicateActionException(action.id(), "Action " + action.id() + " already exists"));
				});
		});
	}

	@Override
	public Mono<Action> find(String user, String id) {
		Objects.requireNonNull(id, "id must not be null");
		return Mono.defer(() -> this.commands.hget(RedisKeys.of(user).action(id), "json").map(this.decoded::read));
	}

	@Override
	public Mono<Action> findLive(String user, String agent, String digest) {
		Objects.requireNonNull(agent, "agent must not be null");
		Objects.requireNonNull(digest, "digest must not be null");
		return Mono.defer(() -> this.commands.get(RedisKeys.of(user).live(agent, digest))
			.flatMap((id) -> find(user, id))
			.filter((action) -> action.status().live() && action.agent().equals(agent)
					&& action.digest().equals(digest)));
	}

	@Override
	public Flux<Action> findByUser(String user, Set<ActionStatus> statuses) {
		Set<ActionStatus> wanted = Set.copyOf(statuses);
		return Flux.defer(() -> {
			RedisKeys keys = RedisKeys.of(user);
			return oldestFirst(
					load(keys, indexKeys(keys, wanted)).filter((action) -> wanted.contains(action.status())));
		});
	}

	@Override
	public Flux<Action> findDue(String user, Set<ActionStatus> statuses, Instant now) {
		Objects.requireNonNull(now, "now must not be null");
		Set<ActionStatus> wanted = Set.copyOf(statuses);
		return Flux.defer(() -> {
			RedisKeys keys = RedisKeys.of(user);
			return oldestFirst(
					scan(keys, indexKeys(keys, wanted), IndexScan.DUE, now.toEpochMilli()).map(this.decoded::read)
						.filter((action) -> wanted.contains(action.status()) && !now.isBefore(action.approveBy())));
		});
	}

	@Override
	public Mono<Instant> earliestDue(String user, Set<ActionStatus> statuses) {
		Set<ActionStatus> wanted = Set.copyOf(statuses);
		return Mono.defer(() -> {
			RedisKeys keys = RedisKeys.of(user);
			return scan(keys, indexKeys(keys, wanted), IndexScan.EARLIEST, 0).index().flatMap((answer) -> {
				if (answer.getT1() == 0) {
					String due = answer.getT2();
					return due.isEmpty() ? Mono.empty() : Mono.just(Instant.ofEpochMilli(Long.parseLong(due)));
				}
				// stored before due fields were kept
				Action action = this.decoded.read(answer.getT2());
				return wanted.contains(action.status()) ? Mono.just(action.approveBy()) : Mono.empty();
			}).reduce(BinaryOperator.minBy(Comparator.naturalOrder()));
		});
	}

	private static String[] indexKeys(RedisKeys keys, Set<ActionStatus> statuses) {
		return statuses.stream().map((status) -> keys.actions(status.name())).toArray(String[]::new);
	}

	@Override
	public Flux<Action> findByBatch(String user, String batchId) {
		Objects.requireNonNull(batchId, "batchId must not be null");
		return Flux.defer(() -> {
			RedisKeys keys = RedisKeys.of(user);
			return oldestFirst(
					load(keys, keys.batchActions(batchId)).filter((action) -> batchId.equals(action.batchId())));
		});
	}

	@Override
	public Flux<String> findUsers(Set<ActionStatus> statuses) {
		Set<ActionStatus> wanted = Set.copyOf(statuses);
		if (wanted.isEmpty()) {
			return Flux.empty();
		}
		String[] indexKeys = wanted.stream()
			.map((status) -> RedisKeys.usersWithActions(status.name()))
			.toArray(String[]::new);
		// the global index may name users who no longer have such actions: check each by
		// the sizes of their status sets, in one script per user (not one command per
		// action); the checks of many users are in flight together
		return Flux.defer(() -> this.commands.sunion(indexKeys)
			.flatMap((user) -> hasAny(user, wanted).filter(Boolean::booleanValue).map((any) -> user),
					USER_CHECKS_IN_FLIGHT));
	}

	private Mono<Boolean> hasAny(String user, Set<ActionStatus> statuses) {
		return ANY.run(this.commands, indexKeys(RedisKeys.of(user), statuses)).map("1"::equals);
	}

	@Override
	public Mono<Long> changes(String user) {
		String key = RedisKeys.of(user).actionChanges();
		return Mono.defer(() -> this.commands.get(key)).map(Long::parseLong).defaultIfEmpty(0L);
	}

	@Override
	public Mono<Long> countLive(String user, String agent) {
		Objects.requireNonNull(agent, "agent must not be null");
		return Mono.defer(() -> this.commands.scard(RedisKeys.of(user).agentLive(agent)));
	}

	@Override
	public Mono<Action> transition(String user, String id, ActionStatus expected, long expectedVersion,
			UnaryOperator<Action> change) {
		Objects.requireNonNull(expected, "expected must not be null");
		Objects.requireNonNull(change, "change must not be null");
		return find(user, id).filter((current) -> current.status() == expected && current.version() == expectedVersion)
			.flatMap((current) -> move(current, change));
	}

	/** Without reading the action again: the script's compare-and-set guards the copy. */
	@Override
	public Mono<Action> transitionFrom(Action current, UnaryOperator<Action> change) {
		Objects.requireNonNull(current, "current must not be null");
		Objects.requireNonNull(change, "change must not be null");
		return Mono.defer(() -> move(current, change));
	}

	private Mono<Action> move(Action current, UnaryOperator<Action> change) {
		Action next = current
			.requireLegalSuccessor(Objects.requireNonNull(change.apply(current), "change must not return null"))
			.withVersion(current.version() + 1);
		return indexUser(next).then(write(current, next)).filter("OK"::equals).map((outcome) -> next);
	}

	private Mono<String> write(Action current, Action next) {
		RedisKeys keys = RedisKeys.of(current.user());
		String batchId = next.batchId();
		boolean newBatch = batchId != null && !batchId.equals(current.batchId());
		String[] scriptKeys = { keys.action(current.id()), keys.actions(current.status().name()),
				keys.actions(next.status().name()), keys.live(current.agent(), current.digest()),
				keys.agentLive(current.agent()), keys.batchActions(newBatch ? batchId : ""),
				keys.live(next.agent(), next.digest()), keys.actionChanges() };
		return TRANSITION.run(this.commands, scriptKeys, current.status().name(), Long.toString(current.version()),
				this.codec.write(next), next.status().name(), Long.toString(next.version()), current.id(),
				flag(current.status().live()), flag(next.status().live()), flag(newBatch),
				Long.toString(ttlSeconds(next.status())), due(next));
	}

	/**
	 * Loads the actions index sets name, in one round trip, dropping (and removing from
	 * the set) the ids whose action expired.
	 */
	private Flux<Action> load(RedisKeys keys, String... indexKeys) {
		return scan(keys, indexKeys, IndexScan.ALL, 0).map(this.decoded::read);
	}

	/** Runs {@link IndexScan} over some of a user's index sets. */
	private Flux<String> scan(RedisKeys keys, String[] indexKeys, String mode, long nowMillis) {
		return IndexScan.run(this.commands, indexKeys, keys.action(""), mode, nowMillis);
	}

	private Mono<Long> indexUser(Action action) {
		return this.commands.sadd(RedisKeys.usersWithActions(action.status().name()), action.user());
	}

	private long ttlSeconds(ActionStatus status) {
		return status.terminal() ? this.options.terminalActionTtl().getSeconds() : 0;
	}

	private static Flux<Action> oldestFirst(Flux<Action> actions) {
		return actions.collectList().flatMapIterable((list) -> {
			List<Action> sorted = new ArrayList<>(list);
			sorted.sort(OLDEST_FIRST);
			return sorted;
		});
	}

	/** An action's approveBy in epoch milliseconds, rounded down. */
	private static String due(Action action) {
		return Long.toString(action.approveBy().toEpochMilli());
	}

	private static String flag(boolean value) {
		return value ? "1" : "0";
	}

	@Override
	public String toString() {
		return "RedisActionStore[" + this.options + "]";
	}

}
