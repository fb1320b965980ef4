package dev.countersign.redis;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import dev.countersign.policy.calibration.CalibrationStore;
import dev.countersign.policy.calibration.OutcomeCounts;
import dev.countersign.policy.calibration.Suggestion;
import dev.countersign.policy.calibration.SuggestionStatus;
import dev.countersign.redis.internal.Attempts;
import dev.countersign.redis.internal.JsonCodec;
import dev.countersign.redis.internal.RedisKeys;
import dev.countersign.redis.internal.RedisScript;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.reactive.RedisReactiveCommands;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A {@link CalibrationStore} in Redis, for several replicas sharing one Redis.
 *
 * <p>
 * Keys, under the user's hash tag ({@link RedisKeys}), none expiring (a decided
 * suggestion must stay, so that it is never offered again):
 * <ul>
 * <li>{@code cs:{u:USER}:calibration-approved} and {@code …:calibration-denied}, hashes
 * from {@code ["AGENT","TOOL"]} (a JSON array, so no agent id can be mistaken for
 * another) to a count;</li>
 * <li>{@code cs:{u:USER}:suggestions}, a hash from suggestion id to its JSON;</li>
 * <li>{@code cs:{u:USER}:suggestion-ids}, a hash from {@code ["AGENT","TOOL"]} to the id
 * of its one suggestion.</li>
 * </ul>
 *
 * <p>
 * Counting is one Lua script ({@code HINCRBY}, then both counts). Offering and deciding
 * are optimistic: the new suggestion is made in Java from the one read, and a Lua script
 * writes it only if the stored JSON is still the one read (or, for a new suggestion, if
 * the agent and tool still have none); a lost race is read and tried again, up to
 * {@value #MAX_ATTEMPTS} times.
 *
 * <p>
 * Thread-safe: the store holds no mutable state, and the Lettuce connection it is given
 * is thread-safe. The caller owns the connection and closes it.
 *
 * <pre>{@code
 * CalibrationStore store = new RedisCalibrationStore(connection);
 * OutcomeCounts counts = store.count("auth0|ada", "claude", "email_create_draft", true).block();
 * }</pre>
 */
public final class RedisCalibrationStore implements CalibrationStore {

	/** How often an offer or a decision is tried while other writes win the race. */
	public static final int MAX_ATTEMPTS = 100;

	private static final Comparator<Suggestion> OLDEST_FIRST = Comparator.comparing(Suggestion::createdAt)
		.thenComparing(Suggestion::id);

	// KEYS: approved hash, denied hash
	// ARGV: agent-and-tool field, '1' to count an approval, '0' a denial, '' to count
	// nothing
	private static final RedisScript COUNT = new RedisScript("""
			if ARGV[2] == '1' then
			  redis.call('HINCRBY', KEYS[1], ARGV[1], 1)
			elseif ARGV[2] == '0' then
			  redis.call('HINCRBY', KEYS[2], ARGV[1], 1)
			end
			local approved = redis.call('HGET', KEYS[1], ARGV[1]) or '0'
			local denied = redis.call('HGET', KEYS[2], ARGV[1]) or '0'
			return approved .. ':' .. denied
			""");

	// KEYS: suggestions hash, suggestion-ids hash
	// ARGV: agent-and-tool field, id, json
	private static final RedisScript INSERT = new RedisScript("""
			if redis.call('HEXISTS', KEYS[2], ARGV[1]) == 1 then
			  return 'LOST'
			end
			if redis.call('HEXISTS', KEYS[1], ARGV[2]) == 1 then
			  return 'ID'
			end
			redis.call('HSET', KEYS[1], ARGV[2], ARGV[3])
			redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
			return 'OK'
			""");

	// KEYS: suggestions hash
	// ARGV: id, json read, new json
	private static final RedisScript REPLACE = new RedisScript("""
			if redis.call('HGET', KEYS[1], ARGV[1]) ~= ARGV[2] then
			  return 'LOST'
			end
			redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
			return 'OK'
			""");

	private final RedisReactiveCommands<String, String> commands;

	private final JsonCodec codec = new JsonCodec();

	/**
	 * A store.
	 * @param connection the connection to use; the caller owns and closes it
	 */
	public RedisCalibrationStore(StatefulRedisConnection<String, String> connection) {
		this.commands = Objects.requireNonNull(connection, "connection must not be null").reactive();
	}

	@Override
	public Mono<OutcomeCounts> count(String user, String agent, String tool, boolean approved) {
		return counts(user, agent, tool, approved ? "1" : "0");
	}

	@Override
	public Mono<OutcomeCounts> findCounts(String user, String agent, String tool) {
		return counts(user, agent, tool, "");
	}

	private Mono<OutcomeCounts> counts(String user, String agent, String tool, String answer) {
		Objects.requireNonNull(agent, "agent must not be null");
		Objects.requireNonNull(tool, "tool must not be null");
		RedisKeys keys = RedisKeys.of(user);
		String[] scriptKeys = { keys.calibrationApproved(), keys.calibrationDenied() };
		return Mono.defer(() -> COUNT.run(this.commands, scriptKeys, field(agent, tool), answer)).map((counts) -> {
			int colon = counts.indexOf(':');
			return new OutcomeCounts(Long.parseLong(counts.substring(0, colon)),
					Long.parseLong(counts.substring(colon + 1)));
		});
	}

	@Override
	public Mono<Suggestion> offer(Suggestion candidate) {
		Objects.requireNonNull(candidate, "candidate must not be null");
		if (candidate.status() != SuggestionStatus.OPEN) {
			return Mono.error(new IllegalArgumentException(
					"candidate must be OPEN, but " + candidate.id() + " is " + candidate.status()));
		}
		RedisKeys keys = RedisKeys.of(candidate.user());
		String field = field(candidate.agent(), candidate.tool());
		Mono<Outcome> attempt = Mono.defer(() -> this.commands.hget(keys.suggestionIds(), field))
			.flatMap((id) -> this.commands.hget(keys.suggestions(), id))
			.map(Optional::of)
			.defaultIfEmpty(Optional.empty())
			.flatMap(
					(json) -> json.isPresent() ? refresh(keys, json.get(), candidate) : insert(keys, field, candidate));
		return Attempts.untilWon(attempt, MAX_ATTEMPTS, () -> lostTooOften(candidate.user(), candidate.id()))
			.mapNotNull(Outcome::suggestion);
	}

	/** Refreshes the open suggestion; an empty outcome when it is decided. */
	private Mono<Outcome> refresh(RedisKeys keys, String json, Suggestion candidate) {
		Suggestion existing = this.codec.readSuggestion(json);
		if (existing.status() != SuggestionStatus.OPEN) {
			return Mono.just(Outcome.NONE);
		}
		Suggestion refreshed = existing.withCounts(candidate.counts(), candidate.updatedAt());
		return replace(keys, existing.id(), json, refreshed);
	}

	private Mono<Outcome> insert(RedisKeys keys, String field, Suggestion candidate) {
		String[] scriptKeys = { keys.suggestions(), keys.suggestionIds() };
		return INSERT.run(this.commands, scriptKeys, field, candidate.id(), this.codec.write(candidate))
			.flatMap((outcome) -> switch (outcome) {
				case "OK" -> Mono.just(new Outcome(candidate));
				case "ID" -> Mono.error(new IllegalStateException("Suggestion " + candidate.id() + " already exists"));
				default -> Mono.empty();
			});
	}

	private Mono<Outcome> replace(RedisKeys keys, String id, String read, Suggestion next) {
		return REPLACE.run(this.commands, new String[] { keys.suggestions() }, id, read, this.codec.write(next))
			.filter("OK"::equals)
			.map((outcome) -> new Outcome(next));
	}

	@Override
	public Mono<Suggestion> find(String user, String id) {
		Objects.requireNonNull(id, "id must not be null");
		String key = RedisKeys.of(user).suggestions();
		return Mono.defer(() -> this.commands.hget(key, id)).map(this.codec::readSuggestion);
	}

	@Override
	public Flux<Suggestion> findByUser(String user) {
		String key = RedisKeys.of(user).suggestions();
		return Flux.defer(() -> this.commands.hvals(key)).map(this.codec::readSuggestion).sort(OLDEST_FIRST);
	}

	@Override
	public Mono<Suggestion> decide(String user, String id, SuggestionStatus status, Instant at) {
		Objects.requireNonNull(id, "id must not be null");
		Objects.requireNonNull(status, "status must not be null");
		Objects.requireNonNull(at, "at must not be null");
		if (status == SuggestionStatus.OPEN) {
			return Mono.error(new IllegalArgumentException("status must be ACCEPTED or DISMISSED, but was OPEN"));
		}
		RedisKeys keys = RedisKeys.of(user);
		Mono<Outcome> attempt = Mono.defer(() -> this.commands.hget(keys.suggestions(), id))
			.map(Optional::of)
			.defaultIfEmpty(Optional.empty())
			.flatMap((json) -> {
				if (json.isEmpty()) {
					return Mono.just(Outcome.NONE);
				}
				Suggestion current = this.codec.readSuggestion(json.get());
				if (current.status() != SuggestionStatus.OPEN) {
					return Mono.just(Outcome.NONE);
				}
				// an empty answer (the race was lost) makes another attempt
				return replace(keys, id, json.get(), current.withStatus(status, at));
			});
		return Attempts.untilWon(attempt, MAX_ATTEMPTS, () -> lostTooOften(user, id)).mapNotNull(Outcome::suggestion);
	}

	private String field(String agent, String tool) {
		return this.codec.writeStrings(List.of(agent, tool));
	}

	private static IllegalStateException lostTooOften(String user, String id) {
		return new IllegalStateException("Could not store suggestion " + id + " of user " + user + " in " + MAX_ATTEMPTS
				+ " attempts: other writes kept winning");
	}

	@Override
	public String toString() {
		return "RedisCalibrationStore";
	}

	/**
	 * What a won attempt stored: the suggestion, or none when there was nothing to do.
	 */
	private record Outcome(@Nullable Suggestion suggestion) {

		static final Outcome NONE = new Outcome(null);

	}

}
