package dev.countersign.server.api;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.countersign.policy.change.ChangeKind;
import dev.countersign.policy.change.Loosening;
import dev.countersign.policy.routing.InvalidRoutingException;
import dev.countersign.policy.routing.RoutingJson;
import dev.countersign.policy.routing.RoutingSettings;
import dev.countersign.policy.routing.RoutingStore;
import dev.countersign.policy.routing.StoredRouting;
import dev.countersign.server.auth.Caller;
import dev.countersign.server.change.ChangeApplier;
import dev.countersign.server.change.ChangeApprovals;
import dev.countersign.server.change.SettingsAudit;

/**
 * The user's routing settings (DESIGN §6, §7): {@code GET /api/v1/routing} answers the
 * document {@link RoutingJson} writes plus a read-only {@code version}; {@code PUT}
 * accepts exactly what GET answers (the whole document; a {@code version} sent back must
 * be the current one, else 409). Validation errors name the field and store nothing. A
 * tightening or neutral change is applied at once (200, the new document); a loosening
 * ({@link Loosening#routing}) answers 202 with {@code change_id} and waits for the phone.
 */
@RestController
@RequestMapping("/api/v1/routing")
class RoutingApi {

	private final RoutingStore routing;

	private final ChangeApprovals approvals;

	private final SettingsAudit audit;

	RoutingApi(RoutingStore routing, ChangeApprovals approvals, SettingsAudit audit) {
		this.routing = routing;
		this.approvals = approvals;
		this.audit = audit;
	}

	@GetMapping
	Mono<JsonNode> get(@AuthenticationPrincipal Caller caller) {
		return this.routing.find(caller.user()).map(RoutingApi::json);
	}

	@PutMapping
	Mono<ResponseEntity<?>> put(@AuthenticationPrincipal Caller caller,
			@RequestBody(required = false) @Nullable String body) {
		ObjectNode tree = ApiJson.tree(body);
		JsonNode version = tree.remove("version");
		if (version != null && !version.isIntegralNumber()) {
			throw ApiException.badField("version",
					"it is read-only; send back the number GET answered, or leave it out");
		}
		RoutingSettings requested;
		try {
			requested = RoutingJson.read(tree);
		}
		catch (InvalidRoutingException ex) {
			throw ApiException.badField(ex.field(), ex.detail());
		}
		String user = caller.user();
		return this.routing.find(user).flatMap((current) -> {
			if (version != null && version.asLong() != current.version()) {
				return Mono.error(ApiException.conflict("The routing settings changed since you read them (version "
						+ version.asLong() + ", now " + current.version() + "); get them again."));
			}
			List<String> reasons = Loosening.routing(current.settings(), requested);
			if (!reasons.isEmpty()) {
				return this.approvals
					.request(user, ChangeKind.ROUTING, null,
							ChangeApplier.routingDocument(current.version(), requested, reasons), "routing", reasons)
					.<ResponseEntity<?>>map(ChangesApi::accepted);
			}
			return this.routing.replace(user, current.version(), requested)
				.switchIfEmpty(Mono.error(() -> ApiException
					.conflict("The routing settings changed meanwhile; get them again and retry.")))
				.flatMap((stored) -> this.audit.changed(user, "routing", null, details(stored)).thenReturn(stored))
				.<ResponseEntity<?>>map((stored) -> ResponseEntity.ok(json(stored)));
		});
	}

	private static Map<String, @Nullable Object> details(StoredRouting stored) {
		Map<String, @Nullable Object> details = new LinkedHashMap<>();
		details.put("version", stored.version());
		details.put("auto_approve_at", stored.settings().autoApproveAt());
		details.put("review_below", stored.settings().reviewBelow());
		return details;
	}

	static ObjectNode json(StoredRouting stored) {
		ObjectNode json = RoutingJson.write(stored.settings());
		json.put("version", stored.version());
		return json;
	}

}
