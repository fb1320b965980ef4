package dev.countersign.examples.sandbox;

import reactor.core.publisher.Mono;

import org.springframework.http.HttpStatus;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * An emulated Google API: tokens of the {@code google-oauth2} connection, and errors in
 * Google's envelope ({@code {"error":{"code","message","errors","status"}}}).
 */
abstract class EmulatedGoogleApi extends EmulatedProviderApi {

	EmulatedGoogleApi(EmulatedProviderTokens tokens, ProviderFaults.Faults faults) {
		super(tokens, EmulatedTokenVault.GOOGLE, faults);
	}

	@Override
	final Mono<ServerResponse> unauthenticated(boolean presented) {
		return GoogleErrors.unauthenticated();
	}

	@Override
	final Mono<ServerResponse> error(ProviderApiException error) {
		return GoogleErrors.render(error);
	}

	@Override
	final String faultMessage(HttpStatus status) {
		return GoogleErrors.faultMessage(status);
	}

}
