package dev.countersign.server.api;

import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;

import reactor.core.publisher.Mono;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.countersign.policy.change.ChangeStore;
import dev.countersign.policy.change.PendingChange;
import dev.countersign.server.auth.Caller;
import dev.countersign.server.change.ChangeApplier;

/**
 * Where a change that needs the phone stands (DESIGN §7): {@code GET
 * /api/v1/changes/{id}} answers {@code {change_id, kind, status, created_at, decided_at,
 * summary}} and, for a change that was not applied, its {@code reason}. Status is one of
 * {@code pending_approval}, {@code applied}, {@code denied}, {@code expired},
 * {@code failed}.
 */
@RestController
@RequestMapping("/api/v1/changes")
class ChangesApi {

	private final ChangeStore changes;

	ChangesApi(ChangeStore changes) {
		this.changes = changes;
	}

	@GetMapping("/{id}")
	Mono<Map<String, Object>> get(@AuthenticationPrincipal Caller caller, @PathVariable String id) {
		return this.changes.find(caller.user(), id)
			.switchIfEmpty(Mono.error(() -> ApiException.notFound("change", id)))
			.map(ChangesApi::json);
	}

	/** A change as the API shows it. */
	static Map<String, Object> json(PendingChange change) {
		Map<String, Object> json = new LinkedHashMap<>();
		json.put("change_id", change.changeId());
		json.put("kind", change.kind().wireName());
		json.put("status", change.status().wireName());
		json.put("created_at", DateTimeFormatter.ISO_INSTANT.format(change.createdAt()));
		if (change.decidedAt() != null) {
			json.put("decided_at", DateTimeFormatter.ISO_INSTANT.format(change.decidedAt()));
		}
		json.put("summary", ChangeApplier.summary(change));
		if (change.target() != null) {
			json.put("target", change.target());
		}
		if (change.reason() != null) {
			json.put("reason", change.reason());
		}
		return json;
	}

	/** The 202 answer of a change held for the phone. */
	static ResponseEntity<Map<String, Object>> accepted(PendingChange change) {
		return ResponseEntity.status(HttpStatus.ACCEPTED).body(json(change));
	}

}
