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
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.countersign.policy.action.IdGenerator;
import dev.countersign.policy.change.ChangeKind;
import dev.countersign.policy.change.Loosening;
import dev.countersign.policy.rule.InvalidRuleException;
import dev.countersign.policy.rule.Rule;
import dev.countersign.policy.rule.RuleJson;
import dev.countersign.policy.rule.RuleSet;
import dev.countersign.policy.rule.RuleStore;
import dev.countersign.server.auth.Caller;
import dev.countersign.server.change.ChangeApplier;
import dev.countersign.server.change.ChangeApprovals;
import dev.countersign.server.change.SettingsAudit;

/**
 * The user's rules (DESIGN §6, §7), in order, first match wins:
 * <ul>
 * <li>{@code GET /api/v1/rules}: {@code {rules: [...], version}};</li>
 * <li>{@code POST /api/v1/rules}: a rule in the grammar of {@link RuleJson}, plus an
 * optional {@code position} (0 first; default: the end); {@code id} is made when left
 * out;</li>
 * <li>{@code GET|PUT|DELETE /api/v1/rules/{id}}: a PUT replaces the rule in place (an
 * {@code id} in the body must be the path's).</li>
 * </ul>
 * Errors name the field ({@code when[0].op}) and store nothing. A change that does not
 * loosen ({@link Loosening}) is applied at once (200, the rules); one that does answers
 * 202 with {@code change_id} and waits for the phone.
 */
@RestController
@RequestMapping("/api/v1/rules")
class RulesApi {

	private final RuleStore rules;

	private final ChangeApprovals approvals;

	private final SettingsAudit audit;

	private final IdGenerator ids;

	RulesApi(RuleStore rules, ChangeApprovals approvals, SettingsAudit audit, IdGenerator ids) {
		this.rules = rules;
		this.approvals = approvals;
		this.audit = audit;
		this.ids = ids;
	}

	@GetMapping
	Mono<Map<String, Object>> list(@AuthenticationPrincipal Caller caller) {
		return this.rules.find(caller.user()).map(RulesApi::json);
	}

	@GetMapping("/{id}")
	Mono<JsonNode> get(@AuthenticationPrincipal Caller caller, @PathVariable String id) {
		return this.rules.find(caller.user())
			.flatMap((set) -> Mono.justOrEmpty(set.find(id)))
			.switchIfEmpty(Mono.error(() -> ApiException.notFound("rule", id)))
			.map(RuleJson::writeRule);
	}

	@PostMapping
	Mono<ResponseEntity<?>> create(@AuthenticationPrincipal Caller caller,
			@RequestBody(required = false) @Nullable String body) {
		ObjectNode tree = ApiJson.tree(body);
		JsonNode positionNode = tree.remove("position");
		if (positionNode != null && !positionNode.isNull() && !positionNode.canConvertToInt()) {
			throw ApiException.badField("position", "it must be a whole number from 0 to the number of rules");
		}
		Rule rule = rule(tree, this.ids.next("rule_"));
		String user = caller.user();
		return this.rules.find(user).flatMap((current) -> {
			int size = current.rules().size();
			int position = (positionNode == null || positionNode.isNull()) ? size : positionNode.asInt();
			if (position < 0 || position > size) {
				return Mono.error(ApiException.badField("position",
						"it must be a whole number from 0 to " + size + ", but was " + position));
			}
			if (current.find(rule.id()).isPresent()) {
				return Mono.error(ApiException.badField("id", "a rule with id " + rule.id() + " already exists"));
			}
			List<String> reasons = Loosening.ruleInsert(current.rules(), position, rule);
			if (!reasons.isEmpty()) {
				return pending(user, ChangeKind.RULE_CREATE, rule.id(),
						ChangeApplier.ruleDocument(current.version(), position, rule, reasons), reasons);
			}
			return applied(user, rule.id(), "created", this.rules.create(user, current.version(), position, rule));
		});
	}

	@PutMapping("/{id}")
	Mono<ResponseEntity<?>> replace(@AuthenticationPrincipal Caller caller, @PathVariable String id,
			@RequestBody(required = false) @Nullable String body) {
		ObjectNode tree = ApiJson.tree(body);
		JsonNode bodyId = tree.get("id");
		if (bodyId != null && !(bodyId.isString() && bodyId.asString().equals(id))) {
			throw ApiException.badField("id", "it must be the rule id of the path, " + id + ", or left out");
		}
		Rule rule = rule(tree, id);
		String user = caller.user();
		return existing(user, id).flatMap((current) -> {
			List<String> reasons = Loosening.ruleReplace(current.rules(), rule);
			if (!reasons.isEmpty()) {
				return pending(user, ChangeKind.RULE_REPLACE, id,
						ChangeApplier.ruleDocument(current.version(), -1, rule, reasons), reasons);
			}
			return applied(user, id, "replaced", this.rules.replace(user, current.version(), rule));
		});
	}

	@DeleteMapping("/{id}")
	Mono<ResponseEntity<?>> delete(@AuthenticationPrincipal Caller caller, @PathVariable String id) {
		String user = caller.user();
		return existing(user, id).flatMap((current) -> {
			List<String> reasons = Loosening.ruleDelete(current.rules(), id);
			if (!reasons.isEmpty()) {
				return pending(user, ChangeKind.RULE_DELETE, id,
						ChangeApplier.ruleDocument(current.version(), -1, null, reasons), reasons);
			}
			return applied(user, id, "deleted", this.rules.delete(user, current.version(), id));
		});
	}

	private Mono<RuleSet> existing(String user, String id) {
		return this.rules.find(user)
			.filter((set) -> set.find(id).isPresent())
			.switchIfEmpty(Mono.error(() -> ApiException.notFound("rule", id)));
	}

	private Mono<ResponseEntity<?>> pending(String user, ChangeKind kind, String id, String document,
			List<String> reasons) {
		return this.approvals.request(user, kind, id, document, "rule " + id, reasons)
			.<ResponseEntity<?>>map(ChangesApi::accepted);
	}

	private Mono<ResponseEntity<?>> applied(String user, String id, String what, Mono<RuleSet> change) {
		return change
			.switchIfEmpty(
					Mono.error(() -> ApiException.conflict("The rules changed meanwhile; get them again and retry.")))
			.flatMap((stored) -> {
				Map<String, @Nullable Object> details = new LinkedHashMap<>();
				details.put("change", what);
				details.put("version", stored.version());
				return this.audit.changed(user, "rule", id, details).thenReturn(stored);
			})
			.<ResponseEntity<?>>map((stored) -> ResponseEntity.ok(json(stored)));
	}

	private static Rule rule(JsonNode tree, String idIfAbsent) {
		try {
			return RuleJson.readRule(tree, "", idIfAbsent);
		}
		catch (InvalidRuleException ex) {
			throw ApiException.badField(ex.field(), ex.detail());
		}
	}

	static Map<String, Object> json(RuleSet set) {
		Map<String, Object> json = new LinkedHashMap<>();
		json.put("rules", RuleJson.writeRules(set.rules()));
		json.put("version", set.version());
		return json;
	}

}
