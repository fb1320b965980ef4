package dev.countersign.server.mcp;

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
 */
@ConfigurationProperties("countersign.mcp")
public record McpProperties(@Nullable List<String> allowedHosts, @Nullable List<String> allowedOrigins) {

	/** The default Host allow-list. */
	public static final List<String> DEFAULT_ALLOWED_HOSTS = List.of("localhost:*", "127.0.0.1:*", "[::1]:*");

	/** The default Origin allow-list. */
	public static final List<String> DEFAULT_ALLOWED_ORIGINS = List.of("http://localhost:*", "http://127.0.0.1:*",
			"http://[::1]:*");

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
