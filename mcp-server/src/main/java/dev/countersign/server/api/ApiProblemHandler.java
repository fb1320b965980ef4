package dev.countersign.server.api;

import java.net.URI;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.server.ServerWebInputException;

/**
 * Answers the config API's errors as RFC 9457 problem+json: an {@link ApiException} with
 * its status, detail and {@code field}; input Spring could not read (a body that is not
 * JSON, a missing body) as 400 naming the problem, never echoing the body.
 */
@RestControllerAdvice(basePackageClasses = ApiProblemHandler.class)
class ApiProblemHandler {

	private static final Logger logger = LoggerFactory.getLogger(ApiProblemHandler.class);

	@ExceptionHandler(ApiException.class)
	ResponseEntity<ProblemDetail> api(ApiException ex) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(ex.status(), ex.getMessage());
		if (ex.field() != null) {
			problem.setProperty("field", ex.field());
		}
		return answer(problem);
	}

	@ExceptionHandler(ServerWebInputException.class)
	ResponseEntity<ProblemDetail> unreadable(ServerWebInputException ex) {
		logger.debug("Unreadable config API request: {}", ex.getReason());
		String reason = (ex.getReason() != null) ? ex.getReason() : "the request could not be read";
		return answer(ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, reason));
	}

	private static ResponseEntity<ProblemDetail> answer(ProblemDetail problem) {
		problem.setType(URI.create("about:blank"));
		return ResponseEntity.status(problem.getStatus()).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
	}

}
