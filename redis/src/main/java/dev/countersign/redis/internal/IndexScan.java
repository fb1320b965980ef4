package dev.countersign.redis.internal;

import io.lettuce.core.api.reactive.RedisReactiveCommands;
import reactor.core.publisher.Flux;

/**
 * Reads the records a user's index sets name, in one round trip: a Lua script walks the
 * sets and answers each record's {@code json} field. The record keys are built in the
 * script from a prefix and the ids the sets hold; they share the sets' hash tag, so they
 * live in the same slot. Ids whose record expired are dropped from their set.
 *
 * <p>
 * Three modes, for records that keep their due time (epoch milliseconds, rounded down) in
 * a {@code due} field: {@link #ALL} answers every record; {@link #DUE} only those due at
 * or before a time (to the millisecond, so a few due later in the same millisecond come
 * too, for the caller to filter); {@link #EARLIEST} answers the earliest due field first
 * ({@code ""} when none has one), then only the records without one. A record without a
 * {@code due} field is always answered.
 */
public final class IndexScan {

	/** Every record the sets name. */
	public static final String ALL = "all";

	/** The records due at or before a time, and those without a due field. */
	public static final String DUE = "due";

	/** The earliest due field, then the records without one. */
	public static final String EARLIEST = "earliest";

	// KEYS: index sets of one user
	// ARGV: the prefix of that user's record keys, the mode, now (epoch milliseconds;
	// for 'due' only)
	private static final RedisScript SCAN = new RedisScript("""
			local mode = ARGV[2]
			local now = tonumber(ARGV[3])
			local earliest = nil
			local found = {}
			if mode == 'earliest' then
			  found[1] = ''
			end
			for _, set in ipairs(KEYS) do
			  for _, id in ipairs(redis.call('SMEMBERS', set)) do
			    local key = ARGV[1] .. id
			    local due = nil
			    if mode ~= 'all' then
			      due = tonumber(redis.call('HGET', key, 'due'))
			    end
			    if due and mode == 'earliest' then
			      if not earliest or due < earliest then
			        earliest = due
			      end
			    elseif not due or due <= now then
			      local json = redis.call('HGET', key, 'json')
			      if json then
			        found[#found + 1] = json
			      else
			        redis.call('SREM', set, id)
			      end
			    end
			  end
			end
			if earliest then
			  found[1] = string.format('%d', earliest)
			end
			return found
			""");

	private IndexScan() {
	}

	/**
	 * Runs the scan over some of one user's index sets; nothing when there are none.
	 * @param commands the commands of the connection to run on
	 * @param indexKeys the index sets, all of one user
	 * @param recordKeyPrefix what, followed by an id, makes a record's key
	 * @param mode {@link #ALL}, {@link #DUE} or {@link #EARLIEST}
	 * @param nowMillis the time for {@link #DUE}, in epoch milliseconds
	 * @return the answer, as the mode says
	 */
	public static Flux<String> run(RedisReactiveCommands<String, String> commands, String[] indexKeys,
			String recordKeyPrefix, String mode, long nowMillis) {
		if (indexKeys.length == 0) {
			return Flux.empty();
		}
		return SCAN.runList(commands, indexKeys, recordKeyPrefix, mode, Long.toString(nowMillis));
	}

}
