package dev.countersign.server.mcp;

import java.time.Duration;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Spring binding for {@code countersign.mcp.*}.
 *
 * @param allowedHosts the {@code Host} values accepted on {@code /mcp} (421 otherwise);
 * {@code name:*} allows any port; defaults to loopback names
 * @param allowedOrigins the {@code Origin} values accepted on {@code /mcp} (403
 * otherwise; requests without an Origin are not browsers and pass); defaults to loopback
 * origins
 * @param maxWait how long a write that carried a {@code progressToken} is held open
 * waiting for its outcome; defaults to 45 s, 0 turns holding off
 */
@ConfigurationProperties("countersign.mcp")
public record McpProperties(@Nullable List<String> allowedHosts, @Nullable List<String> allowedOrigins,
		@Nullable Duration maxWait) {

	/**
	 * How long a write call that sent a {@code progressToken} is held open with progress
	 * notifications, well under the ~60 s after which Claude Desktop drops a call.
	 */
	public static final Duration DEFAULT_MAX_WAIT = Duration.ofSeconds(45);

	/** The default Host allow-list. */
	public static final List<String> DEFAULT_ALLOWED_HOSTS = List.of("localhost:*", "127.0.0.1:*", "[::1]:*");

	/** The default Origin allow-list. */
	public static final List<String> DEFAULT_ALLOWED_ORIGINS = List.of("http://localhost:*", "http://127.0.0.1:*",
			"http://[::1]:*");

	/**
	 * The hold for writes that asked for progress.
	 * @return the configured duration or the default
	 */
	public Duration effectiveMaxWait() {
		return (this.maxWait != null) ? this.maxWait : DEFAULT_MAX_WAIT;
	}

	/**
	 * The Host allow-list.
	 * @return the configured list or the default
	 */
	public List<String> effectiveAllowedHosts() {
		return (this.allowedHosts != null && !this.allowedHosts.isEmpty()) ? this.allowedHosts : DEFAULT_ALLOWED_HOSTS;
	}

	/**
	 * The Origin allow-list.
	 * @return the configured list or the default
	 */
	public List<String> effectiveAllowedOrigins() {
		return (this.allowedOrigins != null && !this.allowedOrigins.isEmpty()) ? this.allowedOrigins
				: DEFAULT_ALLOWED_ORIGINS;
	}

}
