package dev.countersign.server.auth;

import reactor.core.publisher.Mono;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;
import org.springframework.security.web.server.ServerAuthenticationEntryPoint;
import org.springframework.security.web.server.authorization.ServerAccessDeniedHandler;
import org.springframework.web.server.ServerWebExchange;

import dev.countersign.server.web.Problems;
import dev.countersign.server.web.PublicUrls;

/**
 * The answers to a caller without a usable token (401) or with the wrong kind of token
 * (403). The 401 carries {@code WWW-Authenticate: Bearer resource_metadata="…"} so an MCP
 * client can find where to sign in (RFC 9728 §5.1; MCP authorization).
 */
final class BearerChallenge implements ServerAuthenticationEntryPoint, ServerAccessDeniedHandler {

	private final PublicUrls urls;

	BearerChallenge(PublicUrls urls) {
		this.urls = urls;
	}

	@Override
	public Mono<Void> commence(ServerWebExchange exchange, AuthenticationException ex) {
		String metadata = this.urls.base(exchange.getRequest()) + ProtectedResourceMetadata.PATH;
		StringBuilder challenge = new StringBuilder("Bearer resource_metadata=\"").append(metadata).append('"');
		String detail = "A bearer token is required; the protected resource metadata at " + metadata
				+ " names the authorization server.";
		if (ex instanceof InvalidBearerTokenException || hasBearer(exchange)) {
			// RFC 6750 §3.1: the token was presented but is not valid.
			challenge.append(", error=\"invalid_token\"");
			detail = "The bearer token was refused: " + safeReason(ex);
		}
		exchange.getResponse().getHeaders().set(HttpHeaders.WWW_AUTHENTICATE, challenge.toString());
		return Problems.write(exchange.getResponse(), HttpStatus.UNAUTHORIZED, detail);
	}

	@Override
	public Mono<Void> handle(ServerWebExchange exchange, AccessDeniedException denied) {
		exchange.getResponse().getHeaders().set(HttpHeaders.WWW_AUTHENTICATE, "Bearer error=\"insufficient_scope\"");
		return exchange.getPrincipal()
			.ofType(CallerAuthentication.class)
			.map((authentication) -> forbiddenReason(authentication.caller(), exchange))
			.defaultIfEmpty("This token may not call " + exchange.getRequest().getPath().value() + ".")
			.flatMap((reason) -> Problems.write(exchange.getResponse(), HttpStatus.FORBIDDEN, reason));
	}

	private static String forbiddenReason(Caller caller, ServerWebExchange exchange) {
		String path = exchange.getRequest().getPath().value();
		return switch (caller.kind()) {
			case CONSOLE ->
				"A console token (client " + caller.client() + ") manages settings on /api/v1; it may not call " + path
						+ ". Agents call /mcp with their own token.";
			case APPROVAL ->
				"An approval token is used only by Countersign to run an approved batch; it may not call " + path + ".";
			case AGENT -> path.startsWith("/api/")
					? "An agent's token may not manage settings; /api/v1 needs a console client's token with scope "
							+ AuthProperties.MANAGE_SCOPE + "."
					: "This token may not call " + path + ".";
		};
	}

	private static boolean hasBearer(ServerWebExchange exchange) {
		String authorization = exchange.getRequest().getHeaders().getFirst(HttpHeaders.AUTHORIZATION);
		return authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7);
	}

	/**
	 * The validators' descriptions say what was wrong without echoing the token.
	 */
	private static String safeReason(AuthenticationException ex) {
		String message = ex.getMessage();
		if (message == null || message.isBlank()) {
			return "it is not valid.";
		}
		return message.length() > 300 ? message.substring(0, 300) : message;
	}

}
