package dev.countersign.server.api;

import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.countersign.policy.calibration.CalibrationStore;
import dev.countersign.policy.calibration.Calibrator;
import dev.countersign.policy.calibration.Suggestion;
import dev.countersign.policy.calibration.SuggestionStatus;
import dev.countersign.policy.change.ChangeKind;
import dev.countersign.policy.change.Loosening;
import dev.countersign.server.auth.Caller;
import dev.countersign.server.change.ChangeApplier;
import dev.countersign.server.change.ChangeApprovals;
import dev.countersign.server.change.SettingsAudit;

/**
 * Calibration suggestions (DESIGN §6): {@code GET /api/v1/suggestions}; {@code POST
 * …/{id}/accept} is a loosening (202, the phone; once approved the suggestion's rule is
 * appended to the user's rules); {@code POST …/{id}/dismiss} is applied at once. Only an
 * open suggestion can be accepted or dismissed (409 otherwise).
 */
@RestController
@RequestMapping("/api/v1/suggestions")
class SuggestionsApi {

	private final Calibrator calibrator;

	private final CalibrationStore store;

	private final ChangeApprovals approvals;

	private final SettingsAudit audit;

	SuggestionsApi(Calibrator calibrator, CalibrationStore store, ChangeApprovals approvals, SettingsAudit audit) {
		this.calibrator = calibrator;
		this.store = store;
		this.approvals = approvals;
		this.audit = audit;
	}

	@GetMapping
	Mono<Map<String, Object>> list(@AuthenticationPrincipal Caller caller) {
		return this.calibrator.suggestions(caller.user()).map(SuggestionsApi::json).collectList().map((list) -> {
			Map<String, Object> answer = new LinkedHashMap<>();
			answer.put("suggestions", list);
			answer.put("count", list.size());
			return answer;
		});
	}

	@PostMapping("/{id}/accept")
	Mono<ResponseEntity<Map<String, Object>>> accept(@AuthenticationPrincipal Caller caller, @PathVariable String id) {
		return open(caller.user(), id).flatMap((suggestion) -> {
			List<String> reasons = Loosening.acceptSuggestion(suggestion);
			String document;
			try {
				document = ChangeApplier.suggestionDocument(suggestion, reasons);
			}
			catch (IllegalStateException ex) {
				return Mono
					.error(ApiException.conflict("Suggestion " + id + " cannot be accepted: " + ex.getMessage()));
			}
			return this.approvals
				.request(caller.user(), ChangeKind.SUGGESTION_ACCEPT, id, document, "accept suggestion", reasons)
				.map(ChangesApi::accepted);
		});
	}

	@PostMapping("/{id}/dismiss")
	Mono<Map<String, Object>> dismiss(@AuthenticationPrincipal Caller caller, @PathVariable String id) {
		String user = caller.user();
		return open(user, id).then(this.calibrator.dismiss(user, id))
			.switchIfEmpty(Mono.error(() -> ApiException.conflict("Suggestion " + id + " was decided meanwhile.")))
			.flatMap((dismissed) -> {
				Map<String, @Nullable Object> details = new LinkedHashMap<>();
				details.put("change", "dismissed");
				return this.audit.changed(user, "suggestion", id, details).thenReturn(dismissed);
			})
			.map(SuggestionsApi::json);
	}

	private Mono<Suggestion> open(String user, String id) {
		return this.store.find(user, id)
			.switchIfEmpty(Mono.error(() -> ApiException.notFound("suggestion", id)))
			.flatMap((suggestion) -> (suggestion.status() == SuggestionStatus.OPEN) ? Mono.just(suggestion)
					: Mono.error(ApiException
						.conflict("Suggestion " + id + " is " + suggestion.status().wireName() + ", not open.")));
	}

	static Map<String, Object> json(Suggestion suggestion) {
		Map<String, Object> json = new LinkedHashMap<>();
		json.put("suggestion_id", suggestion.id());
		json.put("agent", suggestion.agent());
		json.put("tool", suggestion.tool());
		json.put("text", suggestion.text());
		json.put("approved", suggestion.counts().approved());
		json.put("denied", suggestion.counts().denied());
		json.put("status", suggestion.status().wireName());
		json.put("created_at", DateTimeFormatter.ISO_INSTANT.format(suggestion.createdAt()));
		json.put("updated_at", DateTimeFormatter.ISO_INSTANT.format(suggestion.updatedAt()));
		return json;
	}

}
