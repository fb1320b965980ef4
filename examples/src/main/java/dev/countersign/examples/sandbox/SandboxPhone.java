package dev.countersign.examples.sandbox;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * The sandbox's stand-in for the Guardian app: a phone-sized page at {@value #PATH} that
 * lists the pending CIBA requests and approves or denies them, and its JSON API:
 * {@code GET /sandbox/phone/requests[?user=NAME]} (pending requests), {@code POST
 * /sandbox/phone/requests/{auth_req_id}/approve} and {@code …/deny} (200 with the
 * request; 409 when it was already decided or has expired; 404 when unknown). Everything
 * the page shows is HTML-escaped: agents write the authorization details.
 */
final class SandboxPhone {

	static final String PATH = "/sandbox/phone";

	private static final String LOW_CONFIDENCE = "low confidence";

	private final CibaRequests requests;

	SandboxPhone(CibaRequests requests) {
		this.requests = requests;
	}

	RouterFunction<ServerResponse> routes() {
		return RouterFunctions.route()
			.GET(PATH, this::page)
			.GET(PATH + "/list", this::list)
			.GET(PATH + "/requests", this::pending)
			.POST(PATH + "/requests/{authReqId}/approve", (request) -> decide(request, true))
			.POST(PATH + "/requests/{authReqId}/deny", (request) -> decide(request, false))
			.build();
	}

	private Mono<ServerResponse> pending(ServerRequest request) {
		Optional<String> user;
		try {
			user = user(request);
		}
		catch (IllegalArgumentException ex) {
			return problem(HttpStatus.BAD_REQUEST, ex.getMessage());
		}
		return ServerResponse.ok()
			.contentType(MediaType.APPLICATION_JSON)
			.cacheControl(CacheControl.noStore())
			.bodyValue(this.requests.pending(user.orElse(null)).stream().map(SandboxPhone::json).toList());
	}

	private Mono<ServerResponse> decide(ServerRequest request, boolean approve) {
		String id = request.pathVariable("authReqId");
		if (this.requests.find(id).isEmpty()) {
			return problem(HttpStatus.NOT_FOUND, "No CIBA request " + id);
		}
		return this.requests.decide(id, approve)
			.map((decided) -> ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(json(decided)))
			.orElseGet(() -> problem(HttpStatus.CONFLICT, "The CIBA request is no longer pending"));
	}

	private Mono<ServerResponse> page(ServerRequest request) {
		Optional<String> user;
		try {
			user = user(request);
		}
		catch (IllegalArgumentException ex) {
			return problem(HttpStatus.BAD_REQUEST, ex.getMessage());
		}
		String list = user.map((name) -> "?user=" + name).orElse("");
		String html = PAGE.replace("{{list-url}}", escape(PATH + "/list" + list))
			.replace("{{api}}", escape(PATH + "/requests/"))
			.replace("{{settings-url}}",
					escape(SandboxSettings.PATH + "?user=" + user.orElse(SandboxUsers.DEFAULT_USER)))
			.replace("{{requests}}", cards(user.orElse(null)));
		return html(html);
	}

	private Mono<ServerResponse> list(ServerRequest request) {
		try {
			return html(cards(user(request).orElse(null)));
		}
		catch (IllegalArgumentException ex) {
			return problem(HttpStatus.BAD_REQUEST, ex.getMessage());
		}
	}

	// Empty for every user; throws IllegalArgumentException when the name is malformed.
	private static Optional<String> user(ServerRequest request) {
		Optional<String> user = request.queryParam("user").filter((name) -> !name.isEmpty());
		return user.map((name) -> SandboxUsers.checkName("user", name));
	}

	private String cards(@Nullable String user) {
		List<CibaRequests.CibaRequest> pending = this.requests.pending(user);
		if (pending.isEmpty()) {
			return "<p class=\"empty\">No requests waiting.</p>";
		}
		StringBuilder html = new StringBuilder();
		for (CibaRequests.CibaRequest request : pending) {
			String id = escape(request.authReqId());
			html.append("<article class=\"card\" data-id=\"").append(id).append("\">");
			html.append("<p class=\"user\">").append(escape(request.user())).append("</p>");
			if (request.code() != null) {
				html.append("<p class=\"code\">").append(escape(request.code())).append("</p>");
			}
			html.append("<p class=\"message\">").append(escape(request.bindingMessage())).append("</p>");
			List<String> lines = lines(request.authorizationDetails());
			if (!lines.isEmpty()) {
				html.append("<ul class=\"details\">");
				for (String line : lines) {
					boolean low = line.toLowerCase(Locale.ROOT).contains(LOW_CONFIDENCE);
					html.append(low ? "<li class=\"low\">&#9888; " : "<li>").append(escape(line)).append("</li>");
				}
				html.append("</ul>");
			}
			html.append("<p class=\"expiry\">Expires ").append(escape(request.expiresAt().toString())).append("</p>");
			html.append("<div class=\"actions\"><button class=\"deny\" data-action=\"deny\" data-id=\"")
				.append(id)
				.append("\">Deny</button><button class=\"approve\" data-action=\"approve\" data-id=\"")
				.append(id)
				.append("\">Approve</button></div></article>");
		}
		return html.toString();
	}

	/**
	 * The readable lines of the authorization details: one per entry of the object's
	 * {@code properties} (an object's {@code name: value}, or an array's items), else one
	 * per field other than {@code type}.
	 * @param details the JSON as sent, or null
	 * @return the lines
	 */
	static List<String> lines(@Nullable String details) {
		JsonNode node = parse(details);
		if (node == null || !node.isArray() || node.isEmpty()) {
			return List.of();
		}
		JsonNode object = node.get(0);
		JsonNode properties = object.get("properties");
		List<String> lines = new ArrayList<>();
		if (properties != null && properties.isArray()) {
			properties.forEach((item) -> lines.add(text(item)));
		}
		else if (properties != null && properties.isObject()) {
			properties.properties().forEach((entry) -> lines.add(entry.getKey() + ": " + text(entry.getValue())));
		}
		else {
			Iterator<Map.Entry<String, JsonNode>> fields = object.properties().iterator();
			while (fields.hasNext()) {
				Map.Entry<String, JsonNode> entry = fields.next();
				if (!"type".equals(entry.getKey())) {
					lines.add(entry.getKey() + ": " + text(entry.getValue()));
				}
			}
		}
		return lines;
	}

	private static Map<String, @Nullable Object> json(CibaRequests.CibaRequest request) {
		return Json.object("auth_req_id", request.authReqId(), "user", request.user(), "binding_message",
				request.bindingMessage(), "code", request.code(), "authorization_details",
				parse(request.authorizationDetails()), "status", request.status().name().toLowerCase(Locale.ROOT),
				"expires_at", Json.seconds(request.expiresAt()));
	}

	private static @Nullable JsonNode parse(@Nullable String details) {
		if (details == null) {
			return null;
		}
		try {
			return JsonMapper.shared().readTree(details);
		}
		catch (JacksonException ex) {
			return null;
		}
	}

	private static String text(JsonNode value) {
		return value.isString() ? value.asString() : value.toString();
	}

	/**
	 * Escapes text for HTML content and quoted attribute values.
	 * @param text the text
	 * @return the escaped text
	 */
	static String escape(String text) {
		StringBuilder escaped = new StringBuilder(text.length() + 16);
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			switch (c) {
				case '&':
					escaped.append("&amp;");
					break;
				case '<':
					escaped.append("&lt;");
					break;
				case '>':
					escaped.append("&gt;");
					break;
				case '"':
					escaped.append("&quot;");
					break;
				case '\'':
					escaped.append("&#39;");
					break;
				default:
					escaped.append(c);
			}
		}
		return escaped.toString();
	}

	private static Mono<ServerResponse> html(String html) {
		return ServerResponse.ok()
			.contentType(new MediaType(MediaType.TEXT_HTML, java.nio.charset.StandardCharsets.UTF_8))
			.cacheControl(CacheControl.noStore())
			.header("Content-Security-Policy",
					"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; connect-src 'self'")
			.header("X-Content-Type-Options", "nosniff")
			.bodyValue(html);
	}

	private static Mono<ServerResponse> problem(HttpStatus status, String detail) {
		return ServerResponse.status(status)
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.bodyValue(Json.object("title", status.getReasonPhrase(), "status", status.value(), "detail", detail));
	}

	private static final String PAGE = """
			<!DOCTYPE html>
			<html lang="en">
			<head>
			<meta charset="utf-8">
			<meta name="viewport" content="width=device-width, initial-scale=1">
			<title>Countersign sandbox phone</title>
			<style>
			body { margin: 0; font: 16px/1.4 system-ui, sans-serif; background: #eef1f5; color: #1c2430; }
			header { background: #1c2430; color: #fff; padding: 12px 16px; font-weight: 600; }
			main { max-width: 420px; margin: 0 auto; padding: 12px; }
			.card { background: #fff; border-radius: 12px; padding: 14px; margin-bottom: 12px;
			  box-shadow: 0 1px 3px rgba(0,0,0,.15); }
			.user { margin: 0; color: #5a6472; font-size: 13px; }
			.code { margin: 4px 0; font: 700 34px/1.1 ui-monospace, monospace; letter-spacing: 3px; }
			.message { margin: 4px 0 8px; font-weight: 600; overflow-wrap: anywhere; }
			.details { margin: 0 0 8px; padding-left: 18px; font-size: 14px; overflow-wrap: anywhere; }
			.details .low { color: #8a4b00; font-weight: 600; }
			.expiry { margin: 0 0 10px; color: #5a6472; font-size: 12px; }
			.actions { display: flex; gap: 10px; }
			button { flex: 1; border: 0; border-radius: 8px; padding: 12px; font-size: 16px; font-weight: 600; }
			.approve { background: #1f7a3a; color: #fff; }
			.deny { background: #d9dde3; color: #1c2430; }
			.empty { text-align: center; color: #5a6472; }
			</style>
			</head>
			<body>
			<header>Countersign &mdash; approvals (sandbox) <a href="{{settings-url}}">settings</a></header>
			<main id="requests" data-list="{{list-url}}" data-api="{{api}}">{{requests}}</main>
			<script>
			(function () {
			  var main = document.getElementById('requests');
			  function refresh() {
			    fetch(main.dataset.list, { cache: 'no-store' })
			      .then(function (response) { return response.ok ? response.text() : null; })
			      .then(function (html) { if (html !== null && html !== main.innerHTML) { main.innerHTML = html; } })
			      .catch(function () {});
			  }
			  main.addEventListener('click', function (event) {
			    var button = event.target.closest('button[data-action]');
			    if (!button) { return; }
			    button.disabled = true;
			    fetch(main.dataset.api + encodeURIComponent(button.dataset.id) + '/' + button.dataset.action,
			        { method: 'POST' })
			      .finally(refresh);
			  });
			  setInterval(refresh, 2000);
			})();
			</script>
			</body>
			</html>
			""";

}
