package dev.countersign.ciba.internal;

import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * An HTTP answer as the CIBA client needs it.
 *
 * @param status the HTTP status code
 * @param body the body as text, empty when there was none
 * @param retryAfter the raw {@code Retry-After} header, or {@code null} when absent
 */
public record HttpAnswer(int status, String body, @Nullable String retryAfter) {

	public HttpAnswer {
		Objects.requireNonNull(body, "body must not be null");
	}

	/**
	 * Whether the status is 2xx.
	 * @return true for a success status
	 */
	public boolean successful() {
		return this.status >= 200 && this.status < 300;
	}

	@Override
	public String toString() {
		// The body may hold tokens: never print it.
		return "HttpAnswer[status=" + this.status + ", retryAfter=" + this.retryAfter + "]";
	}

}
