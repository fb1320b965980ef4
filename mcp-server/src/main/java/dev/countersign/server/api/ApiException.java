package dev.countersign.server.api;

import java.util.Objects;

import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpStatus;

/**
 * A config API request that cannot be served: the status, one sentence saying what was
 * wrong and, for bad input, the field it concerns. Answered as problem+json by
 * {@link ApiProblemHandler}; never carries a token or a request body.
 */
public final class ApiException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	private final HttpStatus status;

	private final @Nullable String field;

	ApiException(HttpStatus status, @Nullable String field, String detail) {
		super(Objects.requireNonNull(detail, "detail must not be null"));
		this.status = Objects.requireNonNull(status, "status must not be null");
		this.field = field;
	}

	/**
	 * A field of the request was wrong (400).
	 * @param field the field's name or path, e.g. {@code outcome}
	 * @param problem what was wrong with it
	 * @return the exception
	 */
	public static ApiException badField(String field, String problem) {
		return new ApiException(HttpStatus.BAD_REQUEST, field, field + ": " + problem);
	}

	/**
	 * Nothing of the caller's has this id (404).
	 * @param what what was looked for, e.g. {@code action}
	 * @param id the id asked for
	 * @return the exception
	 */
	public static ApiException notFound(String what, String id) {
		return new ApiException(HttpStatus.NOT_FOUND, null, "No " + what + " with id " + id + " exists for you.");
	}

	/**
	 * The request is valid but conflicts with the current state (409).
	 * @param detail what stands in the way
	 * @return the exception
	 */
	public static ApiException conflict(String detail) {
		return new ApiException(HttpStatus.CONFLICT, null, detail);
	}

	/**
	 * An upstream service Countersign needs failed or refused (502).
	 * @param detail what failed, never a token
	 * @return the exception
	 */
	public static ApiException badGateway(String detail) {
		return new ApiException(HttpStatus.BAD_GATEWAY, null, detail);
	}

	/**
	 * The status to answer.
	 * @return the status
	 */
	public HttpStatus status() {
		return this.status;
	}

	/**
	 * The field the problem concerns.
	 * @return the field, or null
	 */
	public @Nullable String field() {
		return this.field;
	}

}
