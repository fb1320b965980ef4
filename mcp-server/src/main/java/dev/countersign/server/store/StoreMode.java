package dev.countersign.server.store;

import java.util.Locale;

import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;

import dev.countersign.server.auth.InvalidConfigurationException;

/**
 * The value of {@value #PROPERTY}: where every store port keeps its state. An unknown
 * value refuses the start, naming the setting.
 */
public enum StoreMode {

	/** In-memory stores: nothing to install, nothing survives a restart. */
	MEMORY,

	/**
	 * Redis stores over one shared Lettuce connection ({@code countersign.redis.url}).
	 */
	REDIS;

	/** The setting that chooses the mode. */
	public static final String PROPERTY = "countersign.store";

	/**
	 * Reads the mode from the environment.
	 * @param environment the application's environment
	 * @return the configured mode, {@link #MEMORY} when unset or blank
	 * @throws InvalidConfigurationException when the value is neither {@code memory} nor
	 * {@code redis}
	 */
	public static StoreMode of(Environment environment) {
		String value = environment.getProperty(PROPERTY, "");
		return switch (value.trim().toLowerCase(Locale.ROOT)) {
			case "", "memory" -> MEMORY;
			case "redis" -> REDIS;
			default ->
				throw new InvalidConfigurationException(PROPERTY, "must be 'memory' or 'redis', not '" + value + "'");
		};
	}

	/**
	 * Matches when the store mode is {@link #MEMORY}: put on the in-memory store beans so
	 * that they back off in Redis mode whatever the order in which configurations load.
	 */
	public static final class Memory implements Condition {

		@Override
		public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
			return of(context.getEnvironment()) == MEMORY;
		}

	}

	/** Matches when the store mode is {@link #REDIS}. */
	public static final class Redis implements Condition {

		@Override
		public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
			return of(context.getEnvironment()) == REDIS;
		}

	}

}
