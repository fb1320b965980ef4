package dev.countersign.redis;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

import dev.countersign.policy.audit.AuditCheckpoint;
import dev.countersign.policy.audit.AuditEvent;
import dev.countersign.policy.audit.AuditEventDraft;
import dev.countersign.policy.audit.AuditStore;
import dev.countersign.redis.internal.Attempts;
import dev.countersign.redis.internal.JsonCodec;
import dev.countersign.redis.internal.RedisKeys;
import dev.countersign.redis.internal.RedisScript;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.reactive.RedisReactiveCommands;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * An {@link AuditStore} in Redis: one stream per user, for several replicas sharing one
 * Redis.
 *
 * <p>
 * Keys, under the user's hash tag ({@link RedisKeys}); neither ever expires:
 * <ul>
 * <li>{@code cs:{u:USER}:audit}, a stream: entry number {@code n} has the id {@code n-0}
 * and one field, {@code json}, the whole {@link AuditEvent} (sequence, user, hashes
 * included);</li>
 * <li>{@code cs:{u:USER}:audit-checkpoints}, a sorted set: each checkpoint's JSON scored
 * by its sequence.</li>
 * </ul>
 *
 * <p>
 * An append chains the new entry to the last one's hash in Java
 * ({@link AuditEvent#chain}: Redis's Lua has no SHA-256), then adds it with a Lua script
 * that first checks that the last entry is still the one chained to: a second entry for
 * the same sequence is refused atomically, and the loser reads the last entry
 * ({@code XREVRANGE … COUNT 1}) and retries, up to {@value #MAX_APPEND_ATTEMPTS} times.
 * The last entry is read only when the store does not know it: each store remembers the
 * entry it last appended for each user (up to {@value #MAX_KNOWN_TOPS} users), so the
 * appends of a user that one replica serves are one round trip each. So appends of
 * several replicas make one unbroken chain; the store itself never checks the chain it
 * holds ({@code AuditTrail#verify} does). Saving a checkpoint replaces one at the same
 * sequence in one script.
 *
 * <p>
 * Thread-safe: its only state is the concurrent map of the entries it appended last, and
 * the Lettuce connection it is given is thread-safe. The caller owns the connection and
 * closes it.
 *
 * <pre>{@code
 * AuditStore store = new RedisAuditStore(connection);
 * AuditTrail trail = new AuditTrail(store, signer, anchors, AuditConfig.defaults(), clock);
 * trail.record("auth0|ada", draft).block();
 * }</pre>
 */
public final class RedisAuditStore implements AuditStore {

	/** How often an append is tried while other appends of the same user win the race. */
	public static final int MAX_APPEND_ATTEMPTS = 1000;

	/** How many users' last entries a store remembers. */
	static final int MAX_KNOWN_TOPS = 10_000;

	// KEYS: stream
	// ARGV: id of the entry the caller chained to ('0-0' for none), new id, json
	private static final RedisScript APPEND = new RedisScript("""
			local top = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
			local last = '0-0'
			if #top > 0 then
			  last = top[1][1]
			end
			if last ~= ARGV[1] then
			  return 'LOST'
			end
			redis.call('XADD', KEYS[1], ARGV[2], 'json', ARGV[3])
			return 'OK'
			""");

	// KEYS: checkpoints
	// ARGV: sequence, json
	private static final RedisScript SAVE_CHECKPOINT = new RedisScript("""
			redis.call('ZREMRANGEBYSCORE', KEYS[1], ARGV[1], ARGV[1])
			redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2])
			return 'OK'
			""");

	private final RedisReactiveCommands<String, String> commands;

	private final JsonCodec codec = new JsonCodec();

	/** The last entry this store appended per user; a guess the append script checks. */
	private final Map<String, Top> tops = new ConcurrentHashMap<>();

	/**
	 * A store.
	 * @param connection the connection to use; the caller owns and closes it
	 */
	public RedisAuditStore(StatefulRedisConnection<String, String> connection) {
		this.commands = Objects.requireNonNull(connection, "connection must not be null").reactive();
	}

	@Override
	public Mono<AuditEvent> append(String user, AuditEventDraft draft) {
		Objects.requireNonNull(user, "user must not be null");
		Objects.requireNonNull(draft, "draft must not be null");
		String stream = RedisKeys.of(user).audit();
		return Attempts.untilWon(Mono.defer(() -> tryAppend(user, stream, draft)), MAX_APPEND_ATTEMPTS,
				() -> new IllegalStateException("Could not append to the audit chain of user " + user + " in "
						+ MAX_APPEND_ATTEMPTS + " attempts: other appends kept winning"));
	}

	/**
	 * One attempt: the stored entry, or empty when another append won the race. It chains
	 * to the entry this store last appended for the user when it knows one (the script
	 * checks that it is still the last), so an uncontended append is one round trip; it
	 * reads the last entry only when it knows none or lost a race.
	 */
	private Mono<AuditEvent> tryAppend(String user, String stream, AuditEventDraft draft) {
		Top known = this.tops.get(user);
		Mono<Top> top = (known != null) ? Mono.just(known) : readTop(stream);
		return top.flatMap((previous) -> {
			AuditEvent event = AuditEvent.chain(user, previous.sequence() + 1, previous.hash(), draft);
			return APPEND
				.run(this.commands, new String[] { stream }, id(previous.sequence()), id(event.sequence()),
						this.codec.write(event))
				.flatMap((outcome) -> {
					if (!"OK".equals(outcome)) {
						this.tops.remove(user, previous);
						return Mono.empty();
					}
					remember(user, new Top(event.sequence(), event.hash()));
					return Mono.just(event);
				});
		});
	}

	/** The stream's last entry, or the chain's start when the stream is empty. */
	private Mono<Top> readTop(String stream) {
		return this.commands.xrevrange(stream, Range.unbounded(), Limit.from(1))
			.next()
			.map((top) -> new Top(sequenceOf(top), this.codec.readAuditEvent(json(top)).hash()))
			.defaultIfEmpty(Top.EMPTY);
	}

	private void remember(String user, Top top) {
		if (this.tops.size() >= MAX_KNOWN_TOPS && !this.tops.containsKey(user)) {
			// a bound, not a policy: a forgotten user's next append reads its last entry
			this.tops.clear();
		}
		this.tops.put(user, top);
	}

	@Override
	public Flux<AuditEvent> read(String user, long fromSequence, int limit) {
		if (fromSequence < 1) {
			throw new IllegalArgumentException("fromSequence must be positive, but was " + fromSequence);
		}
		if (limit < 1) {
			throw new IllegalArgumentException("limit must be positive, but was " + limit);
		}
		String stream = RedisKeys.of(user).audit();
		// entry number n has the id n-0, whatever sequence it claims
		return Flux.defer(
				() -> this.commands
					.xrange(stream, Range.from(Range.Boundary.including(id(fromSequence)), Range.Boundary.unbounded()),
							Limit.from(limit))
					.map((message) -> this.codec.readAuditEvent(json(message))));
	}

	@Override
	public Mono<Long> length(String user) {
		String stream = RedisKeys.of(user).audit();
		return Mono.defer(() -> this.commands.xlen(stream));
	}

	@Override
	public Mono<AuditCheckpoint> lastCheckpoint(String user) {
		String key = RedisKeys.of(user).auditCheckpoints();
		return Mono.defer(() -> this.commands.zrange(key, -1, -1).next().map(this.codec::readAuditCheckpoint));
	}

	@Override
	public Mono<Void> saveCheckpoint(AuditCheckpoint checkpoint) {
		Objects.requireNonNull(checkpoint, "checkpoint must not be null");
		String[] keys = { RedisKeys.of(checkpoint.user()).auditCheckpoints() };
		return Mono.defer(() -> SAVE_CHECKPOINT
			.run(this.commands, keys, Long.toString(checkpoint.sequence()), this.codec.write(checkpoint))
			.then());
	}

	@Override
	public Flux<AuditCheckpoint> checkpoints(String user) {
		String key = RedisKeys.of(user).auditCheckpoints();
		return Flux.defer(() -> this.commands.zrange(key, 0, -1).map(this.codec::readAuditCheckpoint));
	}

	private static String id(long sequence) {
		return sequence + "-0";
	}

	private static long sequenceOf(StreamMessage<String, String> message) {
		String id = message.getId();
		int dash = id.indexOf('-');
		return Long.parseLong((dash >= 0) ? id.substring(0, dash) : id);
	}

	private static String json(StreamMessage<String, String> message) {
		String json = message.getBody().get("json");
		if (json == null) {
			throw new IllegalStateException("Stored audit entry " + message.getId() + " has no json field");
		}
		return json;
	}

	@Override
	public String toString() {
		return "RedisAuditStore";
	}

	/** An entry's sequence and hash: what the next entry chains to. */
	private record Top(long sequence, String hash) {

		/** Before the first entry. */
		static final Top EMPTY = new Top(0, AuditEvent.GENESIS_HASH);

	}

}
