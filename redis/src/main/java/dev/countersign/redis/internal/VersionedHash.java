package dev.countersign.redis.internal;

import java.util.List;
import java.util.Objects;

import io.lettuce.core.KeyValue;
import io.lettuce.core.api.reactive.RedisReactiveCommands;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * One document with a version, kept as a hash ({@code json}, {@code version}) and
 * replaced by compare-and-set on the version in one Lua script. A missing hash is version
 * 0. Immutable and thread-safe.
 */
public final class VersionedHash {

	// KEYS: the hash
	// ARGV: expected version, json, new version
	private static final RedisScript REPLACE = new RedisScript("""
			local version = redis.call('HGET', KEYS[1], 'version') or '0'
			if version ~= ARGV[1] then
			  return 'LOST'
			end
			redis.call('HSET', KEYS[1], 'json', ARGV[2], 'version', ARGV[3])
			return 'OK'
			""");

	private final RedisReactiveCommands<String, String> commands;

	/**
	 * Versioned documents on a connection.
	 * @param commands the commands of the connection to use
	 */
	public VersionedHash(RedisReactiveCommands<String, String> commands) {
		this.commands = Objects.requireNonNull(commands, "commands must not be null");
	}

	/**
	 * Reads a document.
	 * @param key the hash
	 * @return the document; empty when none was ever stored
	 */
	public Mono<Document> find(String key) {
		return find(this.commands, key);
	}

	/**
	 * Reads a document with the given commands (those of a tracking connection, say).
	 * @param commands the commands to read with
	 * @param key the hash
	 * @return the document; empty when none was ever stored
	 */
	public static Mono<Document> find(RedisReactiveCommands<String, String> commands, String key) {
		return Mono.defer(() -> commands.hmget(key, "json", "version").collectList()).flatMap((fields) -> {
			String json = value(fields, 0);
			String version = value(fields, 1);
			if (json == null || version == null) {
				return Mono.empty();
			}
			return Mono.just(new Document(json, Long.parseLong(version)));
		});
	}

	/**
	 * Replaces a document if, and only if, it is still at the expected version.
	 * @param key the hash
	 * @param expectedVersion the version the caller read (0 when there was none)
	 * @param json the new document
	 * @return true when stored at {@code expectedVersion + 1}, false when the version
	 * moved on
	 */
	public Mono<Boolean> replace(String key, long expectedVersion, String json) {
		return Mono.defer(() -> REPLACE.run(this.commands, new String[] { key }, Long.toString(expectedVersion), json,
				Long.toString(expectedVersion + 1)))
			.map("OK"::equals);
	}

	private static @Nullable String value(List<KeyValue<String, String>> fields, int index) {
		return (fields.size() > index) ? fields.get(index).getValueOrElse(null) : null;
	}

	/**
	 * A stored document.
	 *
	 * @param json the document
	 * @param version its version, from 1
	 */
	public record Document(String json, long version) {

		public Document {
			Objects.requireNonNull(json, "json must not be null");
		}

	}

}
