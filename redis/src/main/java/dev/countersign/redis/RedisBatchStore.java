package dev.countersign.redis;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.UnaryOperator;

import dev.countersign.policy.approval.Batch;
import dev.countersign.policy.approval.BatchStatus;
import dev.countersign.policy.approval.BatchStore;
import dev.countersign.redis.internal.IndexScan;
import dev.countersign.redis.internal.JsonCodec;
import dev.countersign.redis.internal.RedisKeys;
import dev.countersign.redis.internal.RedisScript;
import io.lettuce.core.Range;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.reactive.RedisReactiveCommands;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A {@link BatchStore} in Redis, for several replicas sharing one Redis.
 *
 * <p>
 * Each batch is a hash ({@code json}, {@code status}, {@code version}) under the user's
 * hash tag ({@link RedisKeys}), with a set of ids per status and a sorted set of the
 * started CIBA requests by {@code requestedAt}. {@link #insert(Batch)} and
 * {@link #transition(String, String, BatchStatus, long, UnaryOperator)} are each one Lua
 * script; the transition writes only if the stored status and version are still the
 * expected ones. The change itself runs in Java before the script, on the batch as read,
 * and is checked with {@link Batch#requireLegalSuccessor(Batch)}. A user's batches of
 * some statuses are read in one round trip ({@link IndexScan}). A terminal batch expires
 * after {@link RedisStoreOptions#closedBatchTtl()}; so do its entries in the request
 * history.
 *
 * <p>
 * Thread-safe: the store holds no mutable state, and the Lettuce connection it is given
 * is thread-safe. The caller owns the connection and closes it.
 *
 * <pre>{@code
 * BatchStore store = new RedisBatchStore(connection, RedisStoreOptions.defaults());
 * store.findOpenRequest("auth0|ada").block();
 * }</pre>
 */
public final class RedisBatchStore implements BatchStore {

	private static final Comparator<Batch> OLDEST_FIRST = Comparator.comparing(Batch::closedAt)
		.thenComparing(Batch::id);

	// KEYS: batch, status set, request history
	// ARGV: json, status, version, id, requestedAt score ('' if none), ttl seconds (0:
	// none)
	private static final RedisScript INSERT = new RedisScript("""
			if redis.call('EXISTS', KEYS[1]) == 1 then
			  return 'ID'
			end
			redis.call('HSET', KEYS[1], 'json', ARGV[1], 'status', ARGV[2], 'version', ARGV[3])
			redis.call('SADD', KEYS[2], ARGV[4])
			if ARGV[5] ~= '' then
			  redis.call('ZADD', KEYS[3], ARGV[5], ARGV[4])
			end
			if tonumber(ARGV[6]) > 0 then
			  redis.call('EXPIRE', KEYS[1], ARGV[6])
			end
			return 'OK'
			""");

	// KEYS: batch, old status set, new status set, request history
	// ARGV: expected status, expected version, json, new status, new version, id,
	// requestedAt score ('' if none), ttl seconds (0: none), history cut-off score
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
			if ARGV[7] ~= '' then
			  redis.call('ZADD', KEYS[4], ARGV[7], ARGV[6])
			  redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', '(' .. ARGV[9])
			end
			if tonumber(ARGV[8]) > 0 then
			  redis.call('EXPIRE', KEYS[1], ARGV[8])
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
	public RedisBatchStore(StatefulRedisConnection<String, String> connection) {
		this(connection, RedisStoreOptions.defaults());
	}

	/**
	 * A store.
	 * @param connection the connection to use; the caller owns and closes it
	 * @param options how long closed batches are kept
	 */
	public RedisBatchStore(StatefulRedisConnection<String, String> connection, RedisStoreOptions options) {
		this.commands = Objects.requireNonNull(connection, "connection must not be null").reactive();
		this.options = Objects.requireNonNull(options, "options must not be null");
	}

	@Override
	public Mono<Batch> insert(Batch batch) {
		Objects.requireNonNull(batch, "batch must not be null");
		return Mono.defer(() -> {
			RedisKeys keys = RedisKeys.of(batch.user());
			String[] scriptKeys = { keys.batch(batch.id()), keys.batches(batch.status().name()), keys.batchRequests() };
			return INSERT
				.run(this.commands, scriptKeys, this.codec.write(batch), batch.status().name(),
						Long.toString(batch.version()), batch.id(), score(batch.requestedAt()),
						Long.toString(ttlSeconds(batch.status())))
				.flatMap((outcome) -> "OK".equals(outcome) ? Mono.just(batch)
						: Mono.error(new IllegalStateException("Batch " + batch.id() + " already exists")));
		});
	}

	@Override
	public Mono<Batch> find(String user, String id) {
		Objects.requireNonNull(id, "id must not be null");
		return Mono.defer(() -> this.commands.hget(RedisKeys.of(user).batch(id), "json").map(this.codec::readBatch));
	}

	@Override
	public Flux<Batch> findByUser(String user, Set<BatchStatus> statuses) {
		Set<BatchStatus> wanted = Set.copyOf(statuses);
		return Flux.defer(() -> {
			RedisKeys keys = RedisKeys.of(user);
			String[] indexKeys = wanted.stream().map((status) -> keys.batches(status.name())).toArray(String[]::new);
			return oldestFirst(IndexScan.run(this.commands, indexKeys, keys.batch(""), IndexScan.ALL, 0)
				.map(this.codec::readBatch)
				.filter((batch) -> wanted.contains(batch.status())));
		});
	}

	@Override
	public Mono<Batch> findOpenRequest(String user) {
		return findByUser(user, Set.of(BatchStatus.REQUESTED)).next();
	}

	@Override
	public Mono<Long> countRequestsSince(String user, Instant since) {
		Objects.requireNonNull(since, "since must not be null");
		return Mono.defer(() -> this.commands.zcount(RedisKeys.of(user).batchRequests(),
				Range.create(epochMillis(since), Double.POSITIVE_INFINITY)));
	}

	@Override
	public Mono<Batch> transition(String user, String id, BatchStatus expected, long expectedVersion,
			UnaryOperator<Batch> change) {
		Objects.requireNonNull(expected, "expected must not be null");
		Objects.requireNonNull(change, "change must not be null");
		return find(user, id).filter((current) -> current.status() == expected && current.version() == expectedVersion)
			.flatMap((current) -> {
				Batch next = current
					.requireLegalSuccessor(Objects.requireNonNull(change.apply(current), "change must not return null"))
					.withVersion(expectedVersion + 1);
				return write(current, next).filter("OK"::equals).map((outcome) -> next);
			});
	}

	private Mono<String> write(Batch current, Batch next) {
		RedisKeys keys = RedisKeys.of(current.user());
		Instant requestedAt = next.requestedAt();
		boolean newRequest = requestedAt != null && current.requestedAt() == null;
		String cutOff = (requestedAt != null) ? score(requestedAt.minus(this.options.closedBatchTtl())) : "";
		String[] scriptKeys = { keys.batch(current.id()), keys.batches(current.status().name()),
				keys.batches(next.status().name()), keys.batchRequests() };
		return TRANSITION.run(this.commands, scriptKeys, current.status().name(), Long.toString(current.version()),
				this.codec.write(next), next.status().name(), Long.toString(next.version()), current.id(),
				newRequest ? score(requestedAt) : "", Long.toString(ttlSeconds(next.status())), cutOff);
	}

	/**
	 * Loads the batches an index set names, dropping (and removing from the set) the ids
	 * whose batch expired.
	 */
	private long ttlSeconds(BatchStatus status) {
		return status.terminal() ? this.options.closedBatchTtl().getSeconds() : 0;
	}

	private static String score(@Nullable Instant instant) {
		return (instant != null) ? Double.toString(epochMillis(instant)) : "";
	}

	// milliseconds with the sub-millisecond part as a fraction: the same instant always
	// gives the same double, so "at or after" stays exact for equal instants
	private static double epochMillis(Instant instant) {
		return instant.getEpochSecond() * 1000.0 + instant.getNano() / 1_000_000.0;
	}

	private static Flux<Batch> oldestFirst(Flux<Batch> batches) {
		return batches.collectList().flatMapIterable((list) -> {
			List<Batch> sorted = new ArrayList<>(list);
			sorted.sort(OLDEST_FIRST);
			return sorted;
		});
	}

	@Override
	public String toString() {
		return "RedisBatchStore[" + this.options + "]";
	}

}
