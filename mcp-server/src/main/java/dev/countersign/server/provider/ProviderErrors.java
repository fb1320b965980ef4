package dev.countersign.server.provider;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.concurrent.TimeoutException;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.core.codec.DecodingException;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.http.HttpHeaders;
import org.springframework.web.reactive.function.client.WebClientRequestException;
import org.springframework.web.reactive.function.client.WebClientResponseException;

import dev.countersign.server.tool.ToolFailure;

/**
 * Turns a failed provider call into one sentence for the agent. Knows Google's error
 * envelope ({@code {"error":{"code","message","status"}}}) and GitHub's
 * ({@code {"message","documentation_url"}}), and both providers' rate-limit headers.
 */
final class ProviderErrors {

	/** The longest provider message quoted in a failure. */
	static final int MAX_PROVIDER_MESSAGE = 160;

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final String provider;

	private final String connection;

	private final Clock clock;

	ProviderErrors(String provider, String connection, Clock clock) {
		this.provider = provider;
		this.connection = connection;
		this.clock = clock;
	}

	/**
	 * The HTTP status of a provider's answer.
	 * @param ex the failure
	 * @return the status, or 0 when the provider did not answer
	 */
	static int status(Throwable ex) {
		return (ex instanceof WebClientResponseException response) ? response.getStatusCode().value() : 0;
	}

	ToolFailure toFailure(Throwable ex, String subject, String token) {
		if (ex instanceof WebClientResponseException response) {
			return toFailure(response, subject, token);
		}
		if (ex instanceof DataBufferLimitException) {
			return new ToolFailure(
					this.provider + "'s answer for " + subject + " is too large for Countersign to read.");
		}
		if (ex instanceof DecodingException) {
			return new ToolFailure(
					this.provider + " answered in a form Countersign could not read; try again shortly.");
		}
		if (ex instanceof CallNotPermittedException || ex instanceof WebClientRequestException
				|| ex instanceof TimeoutException) {
			return unavailable();
		}
		return new ToolFailure(this.provider + " could not be read just now; try again shortly.");
	}

	private ToolFailure toFailure(WebClientResponseException response, String subject, String token) {
		int status = response.getStatusCode().value();
		String message = providerMessage(response, token);
		if (status == 401) {
			return new ToolFailure(this.provider + " no longer accepts the " + this.connection
					+ " connection's authorization; the user must re-authorize the " + this.connection
					+ " connection, then try again.");
		}
		if (status == 429 || (status == 403 && rateLimitExhausted(response.getHeaders()))) {
			Duration wait = waitFor(response);
			return new ToolFailure(this.provider + " is rate limiting these requests; "
					+ ((wait != null) ? "retry after " + seconds(wait) + " seconds." : "retry in a minute."));
		}
		if (status == 403) {
			return new ToolFailure("The connected " + this.connection + " account has no access to " + subject + " on "
					+ this.provider + quoted(message) + ".");
		}
		if (status == 404 || status == 410) {
			return new ToolFailure(
					this.provider + " found no " + subject + ", or the connected account cannot see it.");
		}
		if (status >= 500) {
			return unavailable();
		}
		return new ToolFailure(
				this.provider + " refused the request for " + subject + " (HTTP " + status + quoted(message) + ").");
	}

	private ToolFailure unavailable() {
		return new ToolFailure(this.provider + " is unavailable right now; try again shortly.");
	}

	/**
	 * Whether a failure is a 429 that asks to wait no longer than the given time.
	 * @param ex the failure
	 * @param atMost the longest acceptable wait
	 * @return true when a retry after the wait is worthwhile
	 */
	boolean isShortRateLimit(Throwable ex, Duration atMost) {
		Duration wait = retryAfter(ex);
		return wait != null && wait.compareTo(atMost) <= 0;
	}

	/**
	 * The wait a 429 asks for in its {@code Retry-After} header.
	 * @param ex the failure
	 * @return the wait, or null when it is not a 429 or names none
	 */
	@Nullable Duration retryAfter(Throwable ex) {
		if (ex instanceof WebClientResponseException response && response.getStatusCode().value() == 429) {
			return retryAfter(response.getHeaders());
		}
		return null;
	}

	private @Nullable Duration waitFor(WebClientResponseException response) {
		Duration retryAfter = retryAfter(response.getHeaders());
		return (retryAfter != null) ? retryAfter : rateLimitReset(response.getHeaders());
	}

	// RFC 9110 §10.2.3: Retry-After is delay-seconds or an HTTP-date.
	private @Nullable Duration retryAfter(HttpHeaders headers) {
		String value = headers.getFirst(HttpHeaders.RETRY_AFTER);
		if (value == null || value.isBlank()) {
			return null;
		}
		String trimmed = value.trim();
		try {
			return Duration.ofSeconds(Math.max(0, Long.parseLong(trimmed)));
		}
		catch (NumberFormatException ex) {
			try {
				Instant at = ZonedDateTime.parse(trimmed, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
				return nonNegative(Duration.between(this.clock.instant(), at));
			}
			catch (DateTimeParseException notADate) {
				return null;
			}
		}
	}

	// GitHub: x-ratelimit-reset is the epoch second when the quota renews.
	private @Nullable Duration rateLimitReset(HttpHeaders headers) {
		String value = headers.getFirst("x-ratelimit-reset");
		if (value == null) {
			return null;
		}
		try {
			return nonNegative(
					Duration.between(this.clock.instant(), Instant.ofEpochSecond(Long.parseLong(value.trim()))));
		}
		catch (NumberFormatException ex) {
			return null;
		}
	}

	private static boolean rateLimitExhausted(HttpHeaders headers) {
		return "0".equals(headers.getFirst("x-ratelimit-remaining"));
	}

	private static long seconds(Duration wait) {
		long seconds = wait.toSeconds() + ((wait.toMillisPart() > 0) ? 1 : 0);
		return Math.max(1, seconds);
	}

	private static Duration nonNegative(Duration duration) {
		return duration.isNegative() ? Duration.ZERO : duration;
	}

	private static String quoted(@Nullable String message) {
		return (message != null) ? ": " + message : "";
	}

	/**
	 * The provider's own short explanation, from Google's or GitHub's error body: one
	 * line, printable, at most {@link #MAX_PROVIDER_MESSAGE} characters, never holding
	 * the token.
	 */
	static @Nullable String providerMessage(WebClientResponseException response, String token) {
		byte[] body = response.getResponseBodyAsByteArray();
		if (body.length == 0) {
			return null;
		}
		JsonNode json;
		try {
			json = JSON.readTree(body);
		}
		catch (JacksonException ex) {
			return null;
		}
		JsonNode message = json.path("error").path("message");
		if (!message.isString()) {
			message = json.path("message");
		}
		if (!message.isString()) {
			return null;
		}
		// One line, without the final period: the message is quoted inside a sentence.
		String text = message.stringValue().replaceAll("\\p{Cntrl}+", " ").strip().replaceAll("\\.+$", "");
		if (text.isEmpty() || (!token.isEmpty() && text.contains(token))) {
			return null;
		}
		return (text.length() > MAX_PROVIDER_MESSAGE) ? text.substring(0, MAX_PROVIDER_MESSAGE - 1) + "…" : text;
	}

}
