package dev.countersign.server.auth;

import java.util.List;

import reactor.core.publisher.Mono;

import org.springframework.http.MediaType;
import org.springframework.security.oauth2.server.resource.OAuth2ProtectedResourceMetadata;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

import dev.countersign.server.web.PublicUrls;

/**
 * OAuth 2.0 Protected Resource Metadata (RFC 9728) for the MCP endpoint, served at
 * {@code /.well-known/oauth-protected-resource} and, by RFC 9728 §3.1 path insertion for
 * the resource {@code …/mcp}, at {@code /.well-known/oauth-protected-resource/mcp}.
 */
final class ProtectedResourceMetadata {

	static final String PATH = "/.well-known/oauth-protected-resource";

	static final String MCP_PATH = PATH + "/mcp";

	private final AuthProperties properties;

	private final PublicUrls urls;

	ProtectedResourceMetadata(AuthProperties properties, PublicUrls urls) {
		this.properties = properties;
		this.urls = urls;
	}

	RouterFunction<ServerResponse> routes() {
		return RouterFunctions.route().GET(PATH, this::serve).GET(MCP_PATH, this::serve).build();
	}

	private Mono<ServerResponse> serve(ServerRequest request) {
		String resource = this.urls.base(request.exchange().getRequest()) + "/mcp";
		OAuth2ProtectedResourceMetadata metadata = OAuth2ProtectedResourceMetadata.builder()
			.resource(resource)
			.authorizationServer(this.properties.requireIssuer().toString())
			.scopes((scopes) -> scopes.addAll(List.of("openid", "profile", "email", "offline_access")))
			.bearerMethod("header")
			.resourceName("Countersign")
			.build();
		return ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(metadata.getClaims());
	}

}
