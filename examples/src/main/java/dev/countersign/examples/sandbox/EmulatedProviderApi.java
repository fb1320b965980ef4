package dev.countersign.examples.sandbox;

import java.util.Optional;
import java.util.function.BiFunction;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.reactive.function.server.HandlerFunction;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * What every emulated provider API does before it answers: consult its
 * {@link ProviderFaults.Faults}, then require {@code Authorization: Bearer} with a
 * provider token that {@link EmulatedProviderTokens} issued for this API's connection and
 * that has not expired. The handler then serves that token's user's data. Errors, the
 * injected ones included, are written in the API's own format.
 */
abstract class EmulatedProviderApi {

	private final EmulatedProviderTokens tokens;

	private final String connection;

	private final ProviderFaults.Faults faults;

	EmulatedProviderApi(EmulatedProviderTokens tokens, String connection, ProviderFaults.Faults faults) {
		this.tokens = tokens;
		this.connection = connection;
		this.faults = faults;
	}

	/**
	 * Wraps a handler with the faults and the token check.
	 * @param handler answers for the user of the presented token; may throw
	 * {@link ProviderApiException}
	 * @return the handler function
	 */
	final HandlerFunction<ServerResponse> authorized(
			BiFunction<ServerRequest, EmulatedProviderTokens.Grant, Mono<ServerResponse>> handler) {
		return (request) -> this.faults.apply(this::fault, () -> answer(request, handler));
	}

	/**
	 * Wraps a write handler with the faults and the token check. An injected failure
	 * happens before the write; an injected delay after it, as a write that times out
	 * after it was sent.
	 * @param handler applies the write for the user of the presented token and answers;
	 * may throw {@link ProviderApiException}
	 * @return the handler function
	 */
	final HandlerFunction<ServerResponse> authorizedWrite(
			BiFunction<ServerRequest, EmulatedProviderTokens.Grant, Mono<ServerResponse>> handler) {
		return (request) -> this.faults.applyWrite(this::fault, () -> answer(request, handler));
	}

	private Mono<ServerResponse> answer(ServerRequest request,
			BiFunction<ServerRequest, EmulatedProviderTokens.Grant, Mono<ServerResponse>> handler) {
		String token = bearer(request.headers().firstHeader(HttpHeaders.AUTHORIZATION));
		if (token == null) {
			return unauthenticated(false);
		}
		Optional<EmulatedProviderTokens.Grant> grant = this.tokens.check(token, this.connection);
		if (grant.isEmpty()) {
			return unauthenticated(true);
		}
		try {
			return handler.apply(request, grant.get()).onErrorResume(ProviderApiException.class, this::error);
		}
		catch (ProviderApiException ex) {
			return error(ex);
		}
	}

	/**
	 * The answer to a missing or refused token.
	 * @param presented whether a token was presented at all
	 * @return a 401 response
	 */
	abstract Mono<ServerResponse> unauthenticated(boolean presented);

	/**
	 * Renders an error in this API's format.
	 * @param error the error
	 * @return the response
	 */
	abstract Mono<ServerResponse> error(ProviderApiException error);

	private Mono<ServerResponse> fault(int status) {
		HttpStatus httpStatus = HttpStatus.valueOf(status);
		return error(new ProviderApiException(httpStatus, faultMessage(httpStatus), faultReason(httpStatus)));
	}

	/**
	 * The message of an injected failure.
	 * @param status the status
	 * @return the message the real API writes for it
	 */
	String faultMessage(HttpStatus status) {
		return status.getReasonPhrase();
	}

	private static String faultReason(HttpStatus status) {
		if (status == HttpStatus.TOO_MANY_REQUESTS) {
			return "rateLimitExceeded";
		}
		return status.is5xxServerError() ? "backendError" : "badRequest";
	}

	private static @Nullable String bearer(@Nullable String authorization) {
		if (authorization == null) {
			return null;
		}
		// GitHub also takes the "token" scheme; Google only "Bearer".
		for (String scheme : new String[] { "Bearer ", "token " }) {
			if (authorization.regionMatches(true, 0, scheme, 0, scheme.length())) {
				String token = authorization.substring(scheme.length()).trim();
				return token.isEmpty() ? null : token;
			}
		}
		return null;
	}

}
