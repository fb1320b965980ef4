package dev.countersign.redis;

import java.util.Comparator;
import java.util.Objects;
import java.util.Set;
import java.util.function.UnaryOperator;

import dev.countersign.policy.change.ChangeStatus;
import dev.countersign.policy.change.ChangeStore;
import dev.countersign.policy.change.DuplicateChangeException;
import dev.countersign.policy.change.PendingChange;
import dev.countersign.redis.internal.JsonCodec;
import dev.countersign.redis.internal.RedisKeys;
import dev.countersign.redis.internal.RedisScript;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.reactive.RedisReactiveCommands;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A {@link ChangeStore} in Redis, for several replicas sharing one Redis.
 *
 * <p>
 * Keys, under the user's hash tag ({@link RedisKeys}):
 * <ul>
 * <li>{@code cs:{u:USER}:change:ID}, a hash with {@code json} (the whole
 * {@link PendingChange}, see {@link JsonCodec#write(PendingChange)}), {@code status} and
 * {@code version}; it expires {@link RedisStoreOptions#decidedChangeTtl()} after the
 * change is decided ({@code APPLIED}, {@code DENIED}, {@code EXPIRED}), and never while
 * it waits for approval;</li>
 * <li>{@code cs:{u:USER}:changes:STATUS}, a set of the ids of the user's changes in that
 * status; ids of expired changes are dropped when next read.</li>
 * </ul>
 *
 * <p>
 * {@link #insert(PendingChange)} and {@link #transition} are each one Lua script; the
 * transition writes only if the stored status and version are still the expected ones.
 * The change itself runs in Java before the script, on the change as read, and is checked
 * with {@link PendingChange#requireLegalSuccessor(PendingChange)}.
 *
 * <p>
 * Thread-safe: the store holds no mutable state, and the Lettuce connection it is given
 * is thread-safe. The caller owns the connection and closes it.
 *
 * <pre>{@code
 * ChangeStore store = new RedisChangeStore(connection, RedisStoreOptions.defaults());
 * store.transition("auth0|ada", id, ChangeStatus.PENDING_APPROVAL, version,
 *         (current) -> current.decide(ChangeStatus.APPLIED, clock.instant())).block();
 * }</pre>
 */
public final class RedisChangeStore implements ChangeStore {

	private static final Comparator<PendingChange> OLDEST_FIRST = Comparator.comparing(PendingChange::createdAt)
		.thenComparing(PendingChange::changeId);

	// KEYS: change, status set
	// ARGV: json, status, version, id, ttl seconds (0: none)
	private static final RedisScript INSERT = new RedisScript("""
			if redis.call('EXISTS', KEYS[1]) == 1 then
			  return 'ID'
			end
			redis.call('HSET', KEYS[1], 'json', ARGV[1], 'status', ARGV[2], 'version', ARGV[3])
			redis.call('SADD', KEYS[2], ARGV[4])
			if tonumber(ARGV[5]) > 0 then
			  redis.call('EXPIRE', KEYS[1], ARGV[5])
			end
			return 'OK'
			""");

	// KEYS: change, old status set, new status set
	// ARGV: expected status, expected version, json, new status, new version, id, ttl
	// seconds (0: none)
	private static final RedisScript TRANSITION = new RedisScript("""
			local current = redis.call('HMGET', KEYS[1], 'status', 'version')
			if current[1] ~= ARGV[1] or current[2] ~= ARGV[2] then
			  return 'LOST'
			end
			redis.call('HSET', KEYS[1], 'json', ARGV[3], 'status', ARGV[4], 'version', ARGV[5])
			if ARGV[1] ~= ARGV[4] then
			  redis.call('SREM', KEYS[2], ARGV[6])
			  redis.call('SADD', KEYS[3], ARGV[6])
			end
			if tonumber(ARGV[7]) > 0 then
			  redis.call('EXPIRE', KEYS[1], ARGV[7])
			end
			return 'OK'
			""");

	private final RedisReactiveCommands<String, String> commands;

	private final RedisStoreOptions options;

	private final JsonCodec codec = new JsonCodec();

	/**
	 * A store with the {@linkplain RedisStoreOptions#defaults() default options}.
	 * @param connection the connection to use; the caller owns and closes it
	 */
	public RedisChangeStore(StatefulRedisConnection<String, String> connection) {
		this(connection, RedisStoreOptions.defaults());
	}

	/**
	 * A store.
	 * @param connection the connection to use; the caller owns and closes it
	 * @param options how long decided changes are kept
	 */
	public RedisChangeStore(StatefulRedisConnection<String, String> connection, RedisStoreOptions options) {
		this.commands = Objects.requireNonNull(connection, "connection must not be null").reactive();
		this.options = Objects.requireNonNull(options, "options must not be null");
	}

	@Override
	public Mono<PendingChange> insert(PendingChange change) {
		Objects.requireNonNull(change, "change must not be null");
		return Mono.defer(() -> {
			RedisKeys keys = RedisKeys.of(change.user());
			String[] scriptKeys = { keys.change(change.changeId()), keys.changes(change.status().name()) };
			return INSERT
				.run(this.commands, scriptKeys, this.codec.write(change), change.status().name(),
						Long.toString(change.version()), change.changeId(), Long.toString(ttlSeconds(change.status())))
				.flatMap((outcome) -> "OK".equals(outcome) ? Mono.just(change)
						: Mono.error(new DuplicateChangeException(change.changeId())));
		});
	}

	@Override
	public Mono<PendingChange> find(String user, String changeId) {
		Objects.requireNonNull(changeId, "changeId must not be null");
		return Mono.defer(() -> this.commands.hget(RedisKeys.of(user).change(changeId), "json"))
			.map(this.codec::readChange);
	}

	@Override
	public Flux<PendingChange> findByUser(String user, Set<ChangeStatus> statuses) {
		Set<ChangeStatus> wanted = Set.copyOf(statuses);
		return Flux.defer(() -> {
			RedisKeys keys = RedisKeys.of(user);
			return Flux.fromIterable(wanted)
				.flatMap((status) -> load(keys, keys.changes(status.name())))
				.filter((change) -> wanted.contains(change.status()))
				.sort(OLDEST_FIRST);
		});
	}

	@Override
	public Mono<PendingChange> transition(String user, String changeId, ChangeStatus expected, long expectedVersion,
			UnaryOperator<PendingChange> change) {
		Objects.requireNonNull(expected, "expected must not be null");
		Objects.requireNonNull(change, "change must not be null");
		return find(user, changeId)
			.filter((current) -> current.status() == expected && current.version() == expectedVersion)
			.flatMap((current) -> {
				PendingChange next = current
					.requireLegalSuccessor(Objects.requireNonNull(change.apply(current), "change must not return null"))
					.withVersion(expectedVersion + 1);
				RedisKeys keys = RedisKeys.of(user);
				String[] scriptKeys = { keys.change(changeId), keys.changes(current.status().name()),
						keys.changes(next.status().name()) };
				return TRANSITION
					.run(this.commands, scriptKeys, current.status().name(), Long.toString(current.version()),
							this.codec.write(next), next.status().name(), Long.toString(next.version()), changeId,
							Long.toString(ttlSeconds(next.status())))
					.filter("OK"::equals)
					.map((outcome) -> next);
			});
	}

	/**
	 * Loads the changes an index set names, dropping (and removing from the set) the ids
	 * whose change expired.
	 */
	private Flux<PendingChange> load(RedisKeys keys, String indexKey) {
		return this.commands.smembers(indexKey)
			.flatMap((id) -> this.commands.hget(keys.change(id), "json")
				.switchIfEmpty(this.commands.srem(indexKey, id).then(Mono.empty())))
			.map(this.codec::readChange);
	}

	private long ttlSeconds(ChangeStatus status) {
		return status.terminal() ? this.options.decidedChangeTtl().getSeconds() : 0;
	}

	@Override
	public String toString() {
		return "RedisChangeStore[" + this.options + "]";
	}

}
