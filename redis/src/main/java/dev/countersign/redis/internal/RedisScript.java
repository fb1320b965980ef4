package dev.countersign.redis.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.reactive.RedisReactiveCommands;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A Lua script that answers one string. Runs by {@code EVALSHA} and falls back to
 * {@code EVAL} (which also loads it) when the server answers {@code NOSCRIPT}, for
 * example after a restart or {@code SCRIPT FLUSH}. Immutable and thread-safe.
 */
public final class RedisScript {

	private final String source;

	private final String sha;

	/**
	 * A script.
	 * @param source the Lua source; it must return a string (a bulk or status reply)
	 */
	public RedisScript(String source) {
		this.source = Objects.requireNonNull(source, "source must not be null");
		this.sha = sha1Hex(source);
	}

	/**
	 * Runs the script.
	 * @param commands the commands of the connection to run on
	 * @param keys the keys the script touches, all in one hash slot
	 * @param args the arguments
	 * @return what the script returned; empty for a nil reply
	 */
	public Mono<String> run(RedisReactiveCommands<String, String> commands, String[] keys, String... args) {
		return commands.<String>evalsha(this.sha, ScriptOutputType.VALUE, keys, args)
			.onErrorResume(RedisNoScriptException.class,
					(ex) -> commands.<String>eval(this.source, ScriptOutputType.VALUE, keys, args))
			.next();
	}

	/**
	 * Runs a script that answers a list of strings.
	 * @param commands the commands of the connection to run on
	 * @param keys the keys the script touches, all in one hash slot
	 * @param args the arguments
	 * @return the strings the script returned, in order
	 */
	public Flux<String> runList(RedisReactiveCommands<String, String> commands, String[] keys, String... args) {
		return commands.<Object>evalsha(this.sha, ScriptOutputType.MULTI, keys, args)
			.onErrorResume(RedisNoScriptException.class,
					(ex) -> commands.<Object>eval(this.source, ScriptOutputType.MULTI, keys, args))
			// one list, or its elements one by one, depending on how the reply is
			// streamed
			.flatMapIterable((reply) -> (reply instanceof List<?> values) ? values : List.of(reply))
			.map(String.class::cast);
	}

	/**
	 * The SHA-1 the server knows the script by.
	 * @return 40 lowercase hex digits
	 */
	public String sha() {
		return this.sha;
	}

	private static String sha1Hex(String source) {
		try {
			return HexFormat.of()
				.formatHex(MessageDigest.getInstance("SHA-1").digest(source.getBytes(StandardCharsets.UTF_8)));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-1 is not available", ex);
		}
	}

	@Override
	public String toString() {
		return "RedisScript[" + this.sha + "]";
	}

}
