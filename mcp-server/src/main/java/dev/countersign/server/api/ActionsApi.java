package dev.countersign.server.api;

import java.time.Clock;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import dev.countersign.policy.action.Action;
import dev.countersign.policy.action.ActionStatus;
import dev.countersign.policy.action.ActionStore;
import dev.countersign.policy.approval.ActionFreezer;
import dev.countersign.policy.approval.SubmitRequest;
import dev.countersign.policy.approval.TooManyPendingActionsException;
import dev.countersign.server.audit.ApprovalAudit;
import dev.countersign.server.auth.Caller;
import dev.countersign.server.change.SettingsAudit;
import dev.countersign.server.tool.ToolCatalog;
import dev.countersign.server.tool.ToolDefinition;
import dev.countersign.server.tool.governance.GovernanceTools;

/**
 * The user's actions (DESIGN §7): list, get, cancel, and the ways out of the states an
 * action can get stuck in (issue: stuck actions).
 * <ul>
 * <li>{@code GET /api/v1/actions[?status=unknown,expired&limit=50]}: the caller's actions
 * of every agent, newest first;</li>
 * <li>{@code GET /api/v1/actions/{id}};</li>
 * <li>{@code PATCH /api/v1/actions/{id}} with {@code {"arguments":{…}}}: edits a
 * {@code PENDING} action. The arguments sent are merged into the frozen ones; only
 * arguments the action already has may be sent, each with the JSON type it had. The
 * merged arguments are re-frozen and re-digested ({@code ActionDigest.of}) and stored by
 * compare-and-set, audited as EDITED (actor: the user). A {@code BATCHED} action is 409:
 * its batch is signed; cancel it and ask again instead;</li>
 * <li>{@code POST /api/v1/actions/{id}/cancel}: a {@code PENDING} or {@code BATCHED} one
 * (a tightening: no approval needed);</li>
 * <li>{@code POST /api/v1/actions/{id}/resolve} with
 * {@code {"outcome":"succeeded"|"failed","note":"…"}}: an {@code UNKNOWN} one, after the
 * user checked the provider; nothing is run;</li>
 * <li>{@code POST /api/v1/actions/{id}/resubmit}: an {@code EXPIRED} or {@code DENIED}
 * one becomes a new {@code PENDING} action with the same frozen arguments and
 * preconditions, which needs a new approval on the phone. The preconditions are the ones
 * read when the agent first asked: if the target changed since, the write fails at the
 * provider rather than doing something the user did not see.</li>
 * </ul>
 * Every change moves the action by compare-and-set and is recorded in the user's audit
 * chain with the user as the actor. Another user's action is answered 404, like an
 * unknown id.
 */
@RestController
@RequestMapping("/api/v1/actions")
class ActionsApi {

	private static final Set<ActionStatus> CANCELLABLE = EnumSet.of(ActionStatus.PENDING, ActionStatus.BATCHED);

	private static final Set<ActionStatus> RESUBMITTABLE = EnumSet.of(ActionStatus.EXPIRED, ActionStatus.DENIED);

	private static final int MAX_LIMIT = 200;

	private final ActionStore actions;

	private final ActionFreezer freezer;

	private final ToolCatalog catalog;

	private final ApprovalAudit audit;

	private final Clock clock;

	private final SettingsAudit settingsAudit;

	ActionsApi(ActionStore actions, ActionFreezer freezer, ToolCatalog catalog, ApprovalAudit audit, Clock clock,
			SettingsAudit settingsAudit) {
		this.settingsAudit = settingsAudit;
		this.actions = actions;
		this.freezer = freezer;
		this.catalog = catalog;
		this.audit = audit;
		this.clock = clock;
	}

	@GetMapping
	Mono<Map<String, Object>> list(@AuthenticationPrincipal Caller caller,
			@RequestParam(name = "status", required = false) @Nullable String status,
			@RequestParam(name = "limit", required = false) @Nullable String limit) {
		Set<ActionStatus> statuses = statuses(status);
		int max = limit(limit);
		return this.actions.findByUser(caller.user(), statuses)
			.sort(Comparator.comparing(Action::createdAt).reversed().thenComparing(Action::id))
			.take(max)
			.map(ActionsApi::json)
			.collectList()
			.map((list) -> {
				Map<String, Object> answer = new LinkedHashMap<>();
				answer.put("actions", list);
				answer.put("count", list.size());
				return answer;
			});
	}

	@GetMapping("/{id}")
	Mono<Map<String, Object>> get(@AuthenticationPrincipal Caller caller, @PathVariable String id) {
		return own(caller, id).map(ActionsApi::json);
	}

	@PatchMapping("/{id}")
	Mono<Map<String, Object>> edit(@AuthenticationPrincipal Caller caller, @PathVariable String id,
			@RequestBody(required = false) @Nullable String body) {
		JsonNode request = ApiJson.object(body, Set.of("arguments"));
		JsonNode edits = request.get("arguments");
		if (edits == null || !edits.isObject() || edits.isEmpty()) {
			throw ApiException.badField("arguments", "it must be a non-empty JSON object of the arguments to change");
		}
		return own(caller, id).flatMap((action) -> {
			if (action.status() == ActionStatus.BATCHED) {
				return Mono.error(ApiException.conflict("Action " + id
						+ " is batched: its batch is signed for the phone. Cancel it and ask for the write again instead."));
			}
			if (action.status() != ActionStatus.PENDING) {
				return Mono.error(ApiException.conflict("Action " + id + " is "
						+ GovernanceTools.wireStatus(action.status()) + "; only a pending action can be edited."));
			}
			Map<String, @Nullable Object> merged = new LinkedHashMap<>(action.arguments());
			List<String> names = new ArrayList<>();
			for (Map.Entry<String, JsonNode> entry : edits.properties()) {
				String name = entry.getKey();
				String field = "arguments." + name;
				if (!action.arguments().containsKey(name)) {
					return Mono.error(ApiException.badField(field,
							"the action has no such argument; only its own arguments can be edited: "
									+ action.arguments().keySet()));
				}
				Object value = ApiJson.plain(entry.getValue());
				String was = jsonType(action.arguments().get(name));
				String now = jsonType(value);
				if (!was.equals(now)) {
					return Mono.error(ApiException.badField(field, "it must stay a " + was + ", but was a " + now));
				}
				merged.put(name, value);
				names.add(name);
			}
			Action edited;
			try {
				edited = action.edited(merged, this.clock.instant());
			}
			catch (IllegalArgumentException ex) {
				return Mono.error(ApiException.badField("arguments", "they cannot be frozen: " + ex.getMessage()));
			}
			if (edited.arguments().equals(action.arguments())) {
				// nothing changes: no new digest, nothing to record
				return Mono.just(json(action));
			}
			return this.actions
				.transition(action.user(), action.id(), ActionStatus.PENDING, action.version(),
						(current) -> current.edited(edited.arguments(), edited.updatedAt()))
				.switchIfEmpty(Mono.error(() -> ApiException
					.conflict("Action " + id + " changed meanwhile; get it again to see where it stands.")))
				.flatMap((stored) -> this.settingsAudit.edited(action, stored, names).thenReturn(stored))
				.map(ActionsApi::json);
		});
	}

	private static String jsonType(@Nullable Object value) {
		if (value == null) {
			return "null";
		}
		if (value instanceof String) {
			return "string";
		}
		if (value instanceof Boolean) {
			return "boolean";
		}
		if (value instanceof Number) {
			return "number";
		}
		if (value instanceof List<?>) {
			return "array";
		}
		return "object";
	}

	@PostMapping("/{id}/cancel")
	Mono<Map<String, Object>> cancel(@AuthenticationPrincipal Caller caller, @PathVariable String id) {
		return own(caller, id).flatMap((action) -> {
			if (!CANCELLABLE.contains(action.status())) {
				return Mono.error(ApiException.conflict("Action " + id + " is "
						+ GovernanceTools.wireStatus(action.status()) + " and can no longer be cancelled."));
			}
			return moved(action, ActionStatus.CANCELLED, "cancelled by the user")
				.flatMap((cancelled) -> this.audit.userEnded(cancelled).thenReturn(cancelled))
				.map(ActionsApi::json);
		});
	}

	@PostMapping("/{id}/resolve")
	Mono<Map<String, Object>> resolve(@AuthenticationPrincipal Caller caller, @PathVariable String id,
			@RequestBody(required = false) @Nullable String body) {
		JsonNode request = ApiJson.object(body, Set.of("outcome", "note"));
		String outcome = ApiJson.text(request, "outcome", true, 20);
		ActionStatus next = switch (String.valueOf(outcome).toLowerCase(Locale.ROOT)) {
			case "succeeded" -> ActionStatus.SUCCEEDED;
			case "failed" -> ActionStatus.FAILED;
			default -> throw ApiException.badField("outcome", "it must be succeeded or failed, but was " + outcome);
		};
		String note = ApiJson.text(request, "note", false, 500);
		return own(caller, id).flatMap((action) -> {
			if (action.status() != ActionStatus.UNKNOWN) {
				return Mono.error(ApiException.conflict("Action " + id + " is "
						+ GovernanceTools.wireStatus(action.status()) + "; only an unknown action can be resolved."));
			}
			String reason = "resolved by the user as " + next.name().toLowerCase(Locale.ROOT)
					+ ((note != null && !note.isEmpty()) ? ": " + note : "") + " (was: " + action.reason() + ")";
			return moved(action, next, reason).flatMap((resolved) -> this.audit.resolved(resolved).thenReturn(resolved))
				.map(ActionsApi::json);
		});
	}

	@PostMapping("/{id}/resubmit")
	Mono<Map<String, Object>> resubmit(@AuthenticationPrincipal Caller caller, @PathVariable String id) {
		return own(caller, id).flatMap((action) -> {
			if (!RESUBMITTABLE.contains(action.status())) {
				return Mono
					.error(ApiException.conflict("Action " + id + " is " + GovernanceTools.wireStatus(action.status())
							+ "; only an expired or denied action can be resubmitted."));
			}
			ToolDefinition tool = this.catalog.find(action.tool())
				.orElseThrow(() -> ApiException.conflict("Action " + id + " is for " + action.tool()
						+ ", which this Countersign build no longer offers."));
			SubmitRequest request = SubmitRequest.batch(action.user(), action.agent(), tool.descriptor(),
					action.arguments(), action.preconditions(), action.confidence());
			if (request.risk() != action.risk()) {
				request = request.withRisk(action.risk());
			}
			if (action.reviewNow()) {
				request = request.reviewingNow();
			}
			return this.freezer.submit(request)
				.onErrorMap(TooManyPendingActionsException.class, (ex) -> ApiException.conflict(ex.getMessage()))
				.flatMap((fresh) -> this.audit.resubmitted(action, fresh).thenReturn(fresh))
				.map((fresh) -> {
					Map<String, Object> answer = json(fresh);
					answer.put("resubmitted_from", action.id());
					return answer;
				});
		});
	}

	private Mono<Action> own(Caller caller, String id) {
		return this.actions.find(caller.user(), id)
			.switchIfEmpty(Mono.error(() -> ApiException.notFound("action", id)));
	}

	private Mono<Action> moved(Action action, ActionStatus next, String reason) {
		return this.actions
			.transition(action.user(), action.id(), action.status(), action.version(),
					(current) -> current.moveTo(next, this.clock.instant()).withReason(reason))
			.switchIfEmpty(Mono.error(() -> ApiException
				.conflict("Action " + action.id() + " changed meanwhile; get it again to see where it stands.")));
	}

	private static Set<ActionStatus> statuses(@Nullable String wire) {
		if (wire == null || wire.isBlank()) {
			return EnumSet.allOf(ActionStatus.class);
		}
		Set<ActionStatus> statuses = EnumSet.noneOf(ActionStatus.class);
		for (String name : wire.split(",")) {
			String trimmed = name.strip().toLowerCase(Locale.ROOT);
			statuses.add(Arrays.stream(ActionStatus.values())
				.filter((status) -> GovernanceTools.wireStatus(status).equals(trimmed))
				.findFirst()
				.orElseThrow(() -> ApiException.badField("status", "unknown status " + trimmed + "; known are "
						+ Arrays.stream(ActionStatus.values()).map(GovernanceTools::wireStatus).toList())));
		}
		return statuses;
	}

	private static int limit(@Nullable String text) {
		if (text == null) {
			return 50;
		}
		try {
			int value = Integer.parseInt(text.strip());
			if (value >= 1 && value <= MAX_LIMIT) {
				return value;
			}
		}
		catch (NumberFormatException ex) {
			// answered below
		}
		throw ApiException.badField("limit", "it must be a whole number from 1 to " + MAX_LIMIT);
	}

	/** The user's view of an action: everything but its digest. */
	static Map<String, Object> json(Action action) {
		Map<String, Object> json = new LinkedHashMap<>();
		json.put("action_id", action.id());
		json.put("status", GovernanceTools.wireStatus(action.status()));
		json.put("tool", action.tool());
		json.put("agent", action.agent());
		json.put("risk", action.risk().name());
		if (action.confidence() != null) {
			json.put("confidence", action.confidence());
		}
		json.put("low_confidence", action.lowConfidence());
		json.put("arguments", action.arguments());
		if (!action.preconditions().isEmpty()) {
			json.put("preconditions", action.preconditions());
		}
		if (action.batchId() != null) {
			json.put("batch_id", action.batchId());
		}
		json.put("created_at", DateTimeFormatter.ISO_INSTANT.format(action.createdAt()));
		json.put("approve_by", DateTimeFormatter.ISO_INSTANT.format(action.approveBy()));
		json.put("updated_at", DateTimeFormatter.ISO_INSTANT.format(action.updatedAt()));
		if (action.reason() != null) {
			json.put("reason", action.reason());
		}
		if (action.result() != null) {
			json.put("result", action.result());
		}
		return json;
	}

}
