package dev.countersign.examples.sandbox;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

import dev.countersign.server.auth.AuthProperties;

/**
 * The sandbox phone's settings view at {@value #PATH}{@code ?user=NAME}: a small page
 * over the config API for a person without curl — thresholds (edit, save), rules (list,
 * delete, add from JSON), agents (ceiling, pin, revoke, restore) and pending actions. The
 * thresholds are read server-side through {@code GET /api/v1/routing} with a console
 * token minted for the sandbox user; the rest is plain JavaScript calling the API with a
 * console token from {@code /sandbox/user-token} (the page itself never holds a token). A
 * loosening answers 202: the page says so, and the request appears on the phone page.
 * Everything shown is HTML-escaped.
 */
final class SandboxSettings {

	static final String PATH = SandboxPhone.PATH + "/settings";

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final EmulatedTenant tenant;

	private final String consoleClient;

	SandboxSettings(EmulatedTenant tenant, String consoleClient) {
		this.tenant = tenant;
		this.consoleClient = consoleClient;
	}

	RouterFunction<ServerResponse> routes() {
		return RouterFunctions.route().GET(PATH, this::page).build();
	}

	private Mono<ServerResponse> page(ServerRequest request) {
		String user;
		try {
			user = SandboxUsers.checkName("user", request.queryParam("user").orElse(SandboxUsers.DEFAULT_USER));
		}
		catch (IllegalArgumentException ex) {
			return ServerResponse.status(HttpStatus.BAD_REQUEST)
				.contentType(MediaType.APPLICATION_PROBLEM_JSON)
				.bodyValue(Json.object("title", "Bad Request", "status", 400, "detail", ex.getMessage()));
		}
		int port = request.localAddress().map(InetSocketAddress::getPort).orElse(request.uri().getPort());
		String token = this.tenant.accessToken(user, this.consoleClient,
				SandboxConfiguration.AGENT_SCOPES + " " + AuthProperties.MANAGE_SCOPE);
		return WebClient.create("http://127.0.0.1:" + port)
			.get()
			.uri("/api/v1/routing")
			.headers((h) -> h.setBearerAuth(token))
			.retrieve()
			.bodyToMono(String.class)
			.map(JSON::readTree)
			.map((routing) -> render(user, routing))
			.flatMap((html) -> ServerResponse.ok()
				.contentType(new MediaType(MediaType.TEXT_HTML, StandardCharsets.UTF_8))
				.cacheControl(CacheControl.noStore())
				.header("Content-Security-Policy",
						"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; connect-src 'self'")
				.header("X-Content-Type-Options", "nosniff")
				.bodyValue(html));
	}

	private static String render(String user, JsonNode routing) {
		Map<String, String> values = Map.of("{{user}}", SandboxPhone.escape(user), "{{auto}}",
				SandboxPhone.escape(routing.path("auto_approve_at").asString()), "{{review}}",
				SandboxPhone.escape(routing.path("review_below").asString()), "{{routing}}",
				SandboxPhone.escape(routing.toString()));
		String html = PAGE;
		for (Map.Entry<String, String> value : values.entrySet()) {
			html = html.replace(value.getKey(), value.getValue());
		}
		return html;
	}

	private static final String PAGE = """
			<!DOCTYPE html>
			<html lang="en">
			<head>
			<meta charset="utf-8">
			<meta name="viewport" content="width=device-width, initial-scale=1">
			<title>Countersign sandbox settings</title>
			<style>
			body { margin: 0; font: 15px/1.4 system-ui, sans-serif; background: #eef1f5; color: #1c2430; }
			header { background: #1c2430; color: #fff; padding: 12px 16px; font-weight: 600; }
			main { max-width: 520px; margin: 0 auto; padding: 12px; }
			section { background: #fff; border-radius: 12px; padding: 12px 14px; margin-bottom: 12px; }
			h2 { font-size: 16px; margin: 0 0 8px; }
			input, select, textarea { font: inherit; }
			textarea { width: 100%; box-sizing: border-box; }
			li { margin-bottom: 6px; overflow-wrap: anywhere; }
			#status { min-height: 1.4em; color: #8a4b00; font-weight: 600; }
			</style>
			</head>
			<body>
			<header>Countersign &mdash; settings of {{user}} (sandbox)</header>
			<main id="settings" data-user="{{user}}" data-routing="{{routing}}">
			<p id="status"></p>
			<section><h2>Thresholds</h2>
			<form id="thresholds">
			<label>auto_approve_at <input name="auto_approve_at" type="number" step="0.01" min="0" max="1" value="{{auto}}"></label>
			<label>review_below <input name="review_below" type="number" step="0.01" min="0" max="1" value="{{review}}"></label>
			<button type="submit">Save</button>
			</form></section>
			<section><h2>Rules</h2><ol id="rules"></ol>
			<textarea id="rule" rows="3">{"tools":["github_*"],"effect":"review_now"}</textarea>
			<button id="add-rule">Add rule</button></section>
			<section><h2>Agents</h2><ul id="agents"></ul></section>
			<section><h2>Pending actions</h2><ul id="actions"></ul></section>
			<p><a href="/sandbox/phone?user={{user}}">Open the phone</a></p>
			</main>
			<script>
			(function () {
			  var main = document.getElementById('settings');
			  var user = main.dataset.user;
			  var status = document.getElementById('status');
			  function token() {
			    return fetch('/sandbox/user-token?user=' + encodeURIComponent(user)).then(function (r) { return r.json(); })
			      .then(function (t) { return t.access_token; });
			  }
			  function api(method, path, body) {
			    return token().then(function (t) {
			      var init = { method: method, headers: { 'Authorization': 'Bearer ' + t } };
			      if (body !== undefined) { init.headers['Content-Type'] = 'application/json'; init.body = body; }
			      return fetch('/api/v1' + path, init);
			    }).then(function (r) {
			      return r.text().then(function (text) {
			        var json = text ? JSON.parse(text) : {};
			        if (r.status === 202) { status.textContent = 'Waiting for your phone: ' + json.summary + ' (' + json.change_id + ')'; }
			        else if (!r.ok) { status.textContent = (json.field ? json.field + ': ' : '') + (json.detail || r.status); }
			        else if (method !== 'GET') { status.textContent = 'Saved.'; }
			        return json;
			      });
			    }).then(function (json) { if (method !== 'GET') { load(); } return json; });
			  }
			  function item(list, text, buttons) {
			    var li = document.createElement('li');
			    li.textContent = text + ' ';
			    buttons.forEach(function (b) {
			      var button = document.createElement('button');
			      button.textContent = b[0];
			      button.addEventListener('click', b[1]);
			      li.appendChild(button);
			    });
			    list.appendChild(li);
			  }
			  function load() {
			    api('GET', '/rules').then(function (json) {
			      var list = document.getElementById('rules'); list.textContent = '';
			      (json.rules || []).forEach(function (rule) {
			        item(list, JSON.stringify(rule), [['Delete', function () { api('DELETE', '/rules/' + encodeURIComponent(rule.id)); }]]);
			      });
			    });
			    api('GET', '/agents').then(function (json) {
			      var list = document.getElementById('agents'); list.textContent = '';
			      (json.agents || []).forEach(function (a) {
			        var path = '/agents/' + encodeURIComponent(a.agent);
			        item(list, a.agent + ': score ' + a.score + ', level ' + a.effective_level + ', ceiling ' + a.ceiling
			            + ', pin ' + (a.pinned_level || 'none') + (a.revoked ? ', REVOKED' : ''), [
			          ['Ceiling', function () { var l = prompt('Ceiling (L0-L3)', a.ceiling); if (l) { api('PATCH', path, JSON.stringify({ ceiling: l })); } }],
			          ['Pin', function () { var l = prompt('Pinned level (L0-L3, empty to unpin)', a.pinned_level || ''); if (l !== null) { api('PATCH', path, JSON.stringify({ pinned_level: l || null })); } }],
			          a.revoked ? ['Restore', function () { api('POST', path + '/restore'); }] : ['Revoke', function () { api('POST', path + '/revoke'); }]
			        ]);
			      });
			    });
			    api('GET', '/actions?status=pending_approval,batched').then(function (json) {
			      var list = document.getElementById('actions'); list.textContent = '';
			      (json.actions || []).forEach(function (a) {
			        item(list, a.tool + ' by ' + a.agent + ' (' + a.status + ')', [['Cancel', function () { api('POST', '/actions/' + a.action_id + '/cancel'); }]]);
			      });
			    });
			  }
			  document.getElementById('thresholds').addEventListener('submit', function (event) {
			    event.preventDefault();
			    api('GET', '/routing').then(function (doc) {
			      var form = event.target;
			      doc.auto_approve_at = Number(form.auto_approve_at.value);
			      doc.review_below = Number(form.review_below.value);
			      api('PUT', '/routing', JSON.stringify(doc));
			    });
			  });
			  document.getElementById('add-rule').addEventListener('click', function () {
			    api('POST', '/rules', document.getElementById('rule').value);
			  });
			  load();
			})();
			</script>
			</body>
			</html>
			""";

}
