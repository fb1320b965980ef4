package dev.countersign.examples.sandbox;

import java.util.List;
import java.util.Map;

import reactor.core.publisher.Mono;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * Google APIs' error bodies:
 * {@code {"error":{"code":404,"message":"…","errors":[{"message","domain","reason"}],"status":"NOT_FOUND"}}}.
 */
final class GoogleErrors {

	private static final String UNAUTHENTICATED = "Request had invalid authentication credentials. "
			+ "Expected OAuth 2 access token, login cookie or other valid authentication credential. "
			+ "See https://developers.google.com/identity/sign-in/web/devconsole-project.";

	private GoogleErrors() {
	}

	static Mono<ServerResponse> render(ProviderApiException error) {
		return ServerResponse.status(error.status())
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(body(error.status(), error.getMessage(), error.reason()));
	}

	static Mono<ServerResponse> unauthenticated() {
		return ServerResponse.status(HttpStatus.UNAUTHORIZED)
			.header(HttpHeaders.WWW_AUTHENTICATE,
					"Bearer realm=\"https://accounts.google.com/\", error=\"invalid_token\"")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Json.object("error",
					Json.object("code", 401, "message", UNAUTHENTICATED, "errors",
							List.of(Json.object("message", "Invalid Credentials", "domain", "global", "reason",
									"authError", "location", "Authorization", "locationType", "header")),
							"status", "UNAUTHENTICATED")));
	}

	static String faultMessage(HttpStatus status) {
		if (status == HttpStatus.TOO_MANY_REQUESTS) {
			return "Rate Limit Exceeded";
		}
		if (status == HttpStatus.SERVICE_UNAVAILABLE) {
			return "The service is currently unavailable.";
		}
		if (status.is5xxServerError()) {
			return "Backend Error";
		}
		return status.getReasonPhrase();
	}

	private static Map<String, Object> body(HttpStatus status, String message, String reason) {
		return Map.of("error",
				Json.object("code", status.value(), "message", message, "errors",
						List.of(Json.object("message", message, "domain", "global", "reason", reason)), "status",
						rpcStatus(status)));
	}

	// google.rpc.Code names for HTTP statuses (AIP-193).
	private static String rpcStatus(HttpStatus status) {
		switch (status.value()) {
			case 400:
				return "INVALID_ARGUMENT";
			case 401:
				return "UNAUTHENTICATED";
			case 403:
				return "PERMISSION_DENIED";
			case 404:
				return "NOT_FOUND";
			case 409:
				return "ABORTED";
			case 412:
				return "FAILED_PRECONDITION";
			case 429:
				return "RESOURCE_EXHAUSTED";
			case 501:
				return "UNIMPLEMENTED";
			case 503:
				return "UNAVAILABLE";
			case 504:
				return "DEADLINE_EXCEEDED";
			default:
				return status.is5xxServerError() ? "INTERNAL" : "UNKNOWN";
		}
	}

}
