package dev.countersign.server.api;

import java.time.format.DateTimeFormatter;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.countersign.policy.action.ActionStatus;
import dev.countersign.policy.action.ActionStore;
import dev.countersign.policy.change.ChangeKind;
import dev.countersign.policy.change.Loosening;
import dev.countersign.policy.trust.AgentTrust;
import dev.countersign.policy.trust.PinAboveCeilingException;
import dev.countersign.policy.trust.TrustLedger;
import dev.countersign.policy.trust.TrustLevel;
import dev.countersign.policy.trust.TrustStore;
import dev.countersign.policy.trust.TrustView;
import dev.countersign.server.audit.ApprovalAudit;
import dev.countersign.server.auth.Caller;
import dev.countersign.server.change.ChangeApplier;
import dev.countersign.server.change.ChangeApprovals;
import dev.countersign.server.change.SettingsAudit;

/**
 * The agents a user has seen (DESIGN §6, §7, §12), from the trust ledger:
 * <ul>
 * <li>{@code GET /api/v1/agents}: each with {@code score}, {@code earned_level},
 * {@code effective_level}, {@code ceiling}, {@code pinned_level}, {@code revoked};</li>
 * <li>{@code GET|PATCH /api/v1/agents/{agent}}: a PATCH sets {@code ceiling} and/or
 * {@code pinned_level} ({@code null} unpins); a pin above the ceiling is refused naming
 * {@code pinned_level}. Raising the effective level is a loosening (202, the phone);
 * anything else is applied at once;</li>
 * <li>{@code POST …/revoke}: at once; the agent's {@code PENDING} and {@code BATCHED}
 * actions of this user are cancelled ("agent revoked by the user"), each audited, and the
 * user's credential epoch is advanced, so the user's cached provider tokens are dropped
 * on every replica (the audit entry says {@code provider_tokens_dropped});</li>
 * <li>{@code POST …/restore}: a loosening (202, the phone).</li>
 * </ul>
 * An agent the user has no record of is answered 404.
 */
@RestController
@RequestMapping("/api/v1/agents")
class AgentsApi {

	/** The reason of the actions cancelled by a revocation. */
	static final String REVOKED = "agent revoked by the user";

	private static final Set<ActionStatus> CANCELLABLE = EnumSet.of(ActionStatus.PENDING, ActionStatus.BATCHED);

	private final TrustLedger ledger;

	private final TrustStore trust;

	private final ActionStore actions;

	private final ChangeApprovals approvals;

	private final SettingsAudit audit;

	private final ApprovalAudit actionAudit;

	private final java.time.Clock clock;

	AgentsApi(TrustLedger ledger, TrustStore trust, ActionStore actions, ChangeApprovals approvals, SettingsAudit audit,
			ApprovalAudit actionAudit, java.time.Clock clock) {
		this.ledger = ledger;
		this.trust = trust;
		this.actions = actions;
		this.approvals = approvals;
		this.audit = audit;
		this.actionAudit = actionAudit;
		this.clock = clock;
	}

	@GetMapping
	Mono<Map<String, Object>> list(@AuthenticationPrincipal Caller caller) {
		return this.ledger.views(caller.user()).map(AgentsApi::json).collectList().map((agents) -> {
			Map<String, Object> answer = new LinkedHashMap<>();
			answer.put("agents", agents);
			answer.put("count", agents.size());
			return answer;
		});
	}

	@GetMapping("/{agent}")
	Mono<Map<String, Object>> get(@AuthenticationPrincipal Caller caller, @PathVariable String agent) {
		return known(caller.user(), agent).then(this.ledger.view(caller.user(), agent)).map(AgentsApi::json);
	}

	@PatchMapping("/{agent}")
	Mono<ResponseEntity<?>> patch(@AuthenticationPrincipal Caller caller, @PathVariable String agent,
			@RequestBody(required = false) @Nullable String body) {
		JsonNode request = ApiJson.object(body, Set.of("ceiling", "pinned_level"));
		if (!request.has("ceiling") && !request.has("pinned_level")) {
			throw ApiException.badField("body", "send ceiling, pinned_level or both");
		}
		TrustLevel ceiling = request.has("ceiling") ? level(request.get("ceiling"), "ceiling", false) : null;
		boolean pinGiven = request.has("pinned_level");
		TrustLevel pin = pinGiven ? level(request.get("pinned_level"), "pinned_level", true) : null;
		String user = caller.user();
		return known(user, agent).flatMap((current) -> {
			AgentTrust requested;
			try {
				requested = changed(current, ceiling, pinGiven, pin);
			}
			catch (PinAboveCeilingException ex) {
				return Mono.error(ApiException.badField("pinned_level", "it must not be above the ceiling "
						+ ((ceiling != null) ? ceiling : current.ceiling()) + ", but was " + pin));
			}
			List<String> reasons = Loosening.trust(current, requested);
			if (!reasons.isEmpty()) {
				return this.approvals.request(user, ChangeKind.AGENT_TRUST, agent,
						ChangeApplier.agentDocument(current.version(), requested, reasons), "agent " + agent, reasons)
					.<ResponseEntity<?>>map(ChangesApi::accepted);
			}
			return this.trust.update(user, agent, (now) -> changed(now, ceiling, pinGiven, pin))
				.flatMap((stored) -> this.audit.changed(user, "agent", agent, details(stored)).thenReturn(stored))
				.then(this.ledger.view(user, agent))
				.<ResponseEntity<?>>map((view) -> ResponseEntity.ok(json(view)));
		});
	}

	@PostMapping("/{agent}/revoke")
	Mono<Map<String, Object>> revoke(@AuthenticationPrincipal Caller caller, @PathVariable String agent) {
		String user = caller.user();
		// DESIGN §12: the user's cached provider tokens are dropped on every replica by
		// advancing the credential epoch in the store (the read cache's key includes it)
		return seen(user, agent).then(this.ledger.revoke(user, agent))
			.flatMap((stored) -> this.trust.advanceCredentialEpoch(user).flatMap((epoch) -> {
				Map<String, @Nullable Object> details = details(stored);
				details.put("provider_tokens_dropped", true);
				return this.audit.changed(user, "agent", agent, details);
			}))
			.then(this.actions.findByUser(user, CANCELLABLE)
				.filter((action) -> action.agent().equals(agent))
				.concatMap((action) -> this.actions
					.transition(user, action.id(), action.status(), action.version(),
							(current) -> current.moveTo(ActionStatus.CANCELLED, this.clock.instant())
								.withReason(REVOKED))
					.flatMap((cancelled) -> this.actionAudit.userEnded(cancelled).thenReturn(cancelled.id())))
				.collectList())
			.flatMap((cancelled) -> this.ledger.view(user, agent).map((view) -> {
				Map<String, Object> answer = json(view);
				answer.put("cancelled_actions", cancelled);
				return answer;
			}));
	}

	@PostMapping("/{agent}/restore")
	Mono<ResponseEntity<?>> restore(@AuthenticationPrincipal Caller caller, @PathVariable String agent) {
		String user = caller.user();
		return known(user, agent).flatMap((current) -> {
			List<String> reasons = Loosening.restore(current);
			if (reasons.isEmpty()) {
				// not revoked: nothing to restore
				return this.ledger.view(user, agent).<ResponseEntity<?>>map((view) -> ResponseEntity.ok(json(view)));
			}
			return this.approvals
				.request(user, ChangeKind.AGENT_RESTORE, agent,
						ChangeApplier.agentDocument(current.version(), current.withRevoked(false), reasons),
						"restore agent", reasons)
				.<ResponseEntity<?>>map(ChangesApi::accepted);
		});
	}

	/**
	 * An agent the user may revoke: one with a trust record, or one that holds actions of
	 * the user but has no outcome yet (a new agent whose first writes wait). Anything
	 * else is 404, as another user's agent is.
	 */
	private Mono<Boolean> seen(String user, String agent) {
		return this.trust.find(user, agent)
			.map((found) -> true)
			.switchIfEmpty(this.actions.findByUser(user, EnumSet.allOf(ActionStatus.class))
				.any((action) -> action.agent().equals(agent))
				.filter(Boolean::booleanValue))
			.switchIfEmpty(Mono.error(() -> ApiException.notFound("agent", agent)));
	}

	private Mono<AgentTrust> known(String user, String agent) {
		return this.trust.find(user, agent).switchIfEmpty(Mono.error(() -> ApiException.notFound("agent", agent)));
	}

	private static AgentTrust changed(AgentTrust current, @Nullable TrustLevel ceiling, boolean pinGiven,
			@Nullable TrustLevel pin) {
		AgentTrust next = (ceiling != null) ? current.withCeiling(ceiling) : current;
		return pinGiven ? next.withPinned(pin) : next;
	}

	private static @Nullable TrustLevel level(JsonNode node, String field, boolean nullable) {
		if (node.isNull() && nullable) {
			return null;
		}
		if (!node.isString()) {
			throw ApiException.badField(field, "it must be one of L0, L1, L2, L3" + (nullable ? " or null" : ""));
		}
		return TrustLevel.fromWireName(node.asString())
			.orElseThrow(() -> ApiException.badField(field, "it must be one of L0, L1, L2, L3"
					+ (nullable ? " or null" : "") + ", but was " + shorten(node.asString())));
	}

	private static String shorten(String text) {
		return (text.length() <= 16) ? text : text.substring(0, 16) + "…";
	}

	private static Map<String, @Nullable Object> details(AgentTrust stored) {
		Map<String, @Nullable Object> details = new LinkedHashMap<>();
		details.put("ceiling", stored.ceiling().name());
		details.put("pinned_level", (stored.pinned() != null) ? stored.pinned().name() : null);
		details.put("revoked", stored.revoked());
		return details;
	}

	static Map<String, Object> json(TrustView view) {
		Map<String, Object> json = new LinkedHashMap<>();
		json.put("agent", view.agent());
		json.put("score", Math.round(view.score() * 100) / 100.0);
		json.put("earned_level", view.earnedLevel().name());
		json.put("effective_level", view.effectiveLevel().name());
		json.put("ceiling", view.ceiling().name());
		json.put("pinned_level", (view.pinned() != null) ? view.pinned().name() : null);
		json.put("revoked", view.revoked());
		json.put("at", DateTimeFormatter.ISO_INSTANT.format(view.at()));
		return json;
	}

}
