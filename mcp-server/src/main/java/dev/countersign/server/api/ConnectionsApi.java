package dev.countersign.server.api;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.countersign.server.auth.Caller;
import dev.countersign.server.console.ConnectedAccounts;

/**
 * The user's connected provider accounts (DESIGN §12), fronting Auth0's My Account API:
 * <ul>
 * <li>{@code GET /api/v1/connections}: each connection Countersign uses, with
 * {@code connected}, {@code account_id}, {@code scopes}, {@code connected_at};</li>
 * <li>{@code POST /api/v1/connections/{connection}/connect}: answers {@code {connection,
 * url, expires_in}}, the URL to open in a browser, where the user consents at the
 * provider; the account is connected when the consent returns to Countersign;</li>
 * <li>{@code DELETE /api/v1/connections/{connection}}: removes the connection's accounts
 * and drops the user's cached provider tokens on every replica; reads then ask the user
 * to connect the account again.</li>
 * </ul>
 * These need the console sign-in (409 naming where to sign in until then) and
 * {@code countersign.connections.enabled} (409 saying it is off otherwise). An unknown
 * connection is 400 naming {@code connection}; nothing connected to remove is 404; Auth0
 * failing is 502.
 */
@RestController
@RequestMapping("/api/v1/connections")
class ConnectionsApi {

	private final ObjectProvider<ConnectedAccounts> accounts;

	ConnectionsApi(ObjectProvider<ConnectedAccounts> accounts) {
		this.accounts = accounts;
	}

	@GetMapping
	Mono<Map<String, Object>> list(@AuthenticationPrincipal Caller caller) {
		return accounts().list(caller.user()).map((connections) -> {
			List<Map<String, @Nullable Object>> json = connections.stream().map(ConnectionsApi::json).toList();
			Map<String, Object> answer = new LinkedHashMap<>();
			answer.put("connections", json);
			return answer;
		});
	}

	@PostMapping("/{connection}/connect")
	Mono<Map<String, Object>> connect(@AuthenticationPrincipal Caller caller, @PathVariable String connection) {
		return accounts().connect(caller.user(), connection).map((started) -> {
			Map<String, Object> answer = new LinkedHashMap<>();
			answer.put("connection", started.connection());
			answer.put("url", started.url());
			answer.put("expires_in", started.expiresIn());
			return answer;
		});
	}

	@DeleteMapping("/{connection}")
	Mono<Map<String, Object>> disconnect(@AuthenticationPrincipal Caller caller, @PathVariable String connection) {
		return accounts().disconnect(caller.user(), connection).map((removed) -> {
			Map<String, Object> answer = new LinkedHashMap<>();
			answer.put("connection", connection);
			answer.put("connected", false);
			answer.put("removed_accounts", removed);
			answer.put("provider_tokens_dropped", true);
			return answer;
		});
	}

	private ConnectedAccounts accounts() {
		ConnectedAccounts active = this.accounts.getIfAvailable();
		if (active == null) {
			throw ApiException.conflict("Connecting accounts is turned off on this server "
					+ "(countersign.connections.enabled=false); connect them in Auth0 instead.");
		}
		return active;
	}

	private static Map<String, @Nullable Object> json(ConnectedAccounts.Connection connection) {
		Map<String, @Nullable Object> json = new LinkedHashMap<>();
		json.put("connection", connection.connection());
		json.put("connected", connection.connected());
		if (connection.connected()) {
			json.put("account_id", connection.accountId());
			json.put("scopes", connection.scopes());
			json.put("connected_at", connection.connectedAt());
		}
		return json;
	}

}
