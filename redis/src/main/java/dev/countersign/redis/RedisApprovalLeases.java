package dev.countersign.redis;

import java.time.Duration;
import java.util.Objects;

import dev.countersign.policy.approval.ApprovalLeases;
import dev.countersign.redis.internal.RedisKeys;
import dev.countersign.redis.internal.RedisScript;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.reactive.RedisReactiveCommands;
import reactor.core.publisher.Mono;

/**
 * {@link ApprovalLeases} in Redis, for several replicas sharing one Redis.
 *
 * <p>
 * One key per user under the user's hash tag ({@link RedisKeys}):
 * {@code cs:{u:USER}:approval-lease}, a string holding the owner, set with {@code PX} so
 * that Redis itself lets it lapse (one clock for every replica). Acquiring and releasing
 * are each one Lua compare-and-set on the owner: two replicas racing for a free lease
 * produce exactly one holder, and a replica never renews or releases a lease another one
 * took over.
 *
 * <p>
 * Thread-safe: it holds no mutable state, and the Lettuce connection it is given is
 * thread-safe. The caller owns the connection and closes it.
 *
 * <pre>{@code
 * ApprovalLeases leases = new RedisApprovalLeases(connection);
 * leases.acquire("auth0|ada", "replica-1", Duration.ofSeconds(15)).block();
 * }</pre>
 */
public final class RedisApprovalLeases implements ApprovalLeases {

	// KEYS: lease; ARGV: owner, ttl in milliseconds
	private static final RedisScript ACQUIRE = new RedisScript("""
			local current = redis.call('GET', KEYS[1])
			if current == false or current == ARGV[1] then
			  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
			  return 'HELD'
			end
			return 'TAKEN'
			""");

	// KEYS: lease; ARGV: owner
	private static final RedisScript RELEASE = new RedisScript("""
			if redis.call('GET', KEYS[1]) == ARGV[1] then
			  redis.call('DEL', KEYS[1])
			  return 'RELEASED'
			end
			return 'NOT_HELD'
			""");

	private final RedisReactiveCommands<String, String> commands;

	/**
	 * Leases.
	 * @param connection the connection to use; the caller owns and closes it
	 */
	public RedisApprovalLeases(StatefulRedisConnection<String, String> connection) {
		this.commands = Objects.requireNonNull(connection, "connection must not be null").reactive();
	}

	@Override
	public Mono<Boolean> acquire(String user, String owner, Duration ttl) {
		Objects.requireNonNull(owner, "owner must not be null");
		String key = RedisKeys.of(user).approvalLease();
		// whole milliseconds, at least one: PX refuses 0
		long millis = Math.max(1, ApprovalLeases.requirePositive(ttl).toMillis());
		return Mono.defer(() -> ACQUIRE.run(this.commands, new String[] { key }, owner, Long.toString(millis)))
			.map("HELD"::equals);
	}

	@Override
	public Mono<Boolean> release(String user, String owner) {
		Objects.requireNonNull(owner, "owner must not be null");
		String key = RedisKeys.of(user).approvalLease();
		return Mono.defer(() -> RELEASE.run(this.commands, new String[] { key }, owner)).map("RELEASED"::equals);
	}

	@Override
	public Mono<String> findOwner(String user) {
		String key = RedisKeys.of(user).approvalLease();
		return Mono.defer(() -> this.commands.get(key));
	}

	@Override
	public String toString() {
		return "RedisApprovalLeases";
	}

}
