package dev.countersign.server.web;

import java.net.URI;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Spring binding for {@code countersign.http.*}.
 *
 * @param publicUrl the base URL clients reach Countersign at (for example behind a
 * proxy); by default the one each request was sent to
 * @param maxRequestSize the largest request body accepted on any surface; larger ones get
 * 413; defaults to 1 MiB
 */
@ConfigurationProperties("countersign.http")
public record HttpProperties(@Nullable URI publicUrl, @Nullable DataSize maxRequestSize) {

	/** The default body limit. */
	public static final DataSize DEFAULT_MAX_REQUEST_SIZE = DataSize.ofMegabytes(1);

	/**
	 * The body limit.
	 * @return the limit
	 */
	public DataSize effectiveMaxRequestSize() {
		return (this.maxRequestSize != null) ? this.maxRequestSize : DEFAULT_MAX_REQUEST_SIZE;
	}

}
