package dev.countersign.server.change;

import java.util.List;
import java.util.Objects;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import dev.countersign.policy.calibration.Calibrator;
import dev.countersign.policy.calibration.CalibrationStore;
import dev.countersign.policy.calibration.Suggestion;
import dev.countersign.policy.change.ChangeKind;
import dev.countersign.policy.change.PendingChange;
import dev.countersign.policy.routing.RoutingJson;
import dev.countersign.policy.routing.RoutingSettings;
import dev.countersign.policy.routing.RoutingStore;
import dev.countersign.policy.rule.Rule;
import dev.countersign.policy.rule.RuleJson;
import dev.countersign.policy.rule.RuleNotFoundException;
import dev.countersign.policy.rule.RuleStore;
import dev.countersign.policy.trust.AgentTrust;
import dev.countersign.policy.trust.TrustLevel;
import dev.countersign.policy.trust.TrustStore;

/**
 * Applies an approved {@link PendingChange} by compare-and-set on the settings it was
 * based on. The change's document is JSON written by the {@code document*} methods here:
 * the requested settings plus the {@code base_version} read when the change was asked
 * for. When that version moved meanwhile, nothing is applied and the returned
 * {@code Mono} fails with a {@link BaseMovedException} saying what moved. Thread-safe.
 *
 * <pre>{@code
 * String document = ChangeApplier.routingDocument(current.version(), requested, reasons);
 * applier.apply(change).onErrorResume(BaseMovedException.class, (ex) -> fail(change, ex.getMessage()));
 * }</pre>
 */
public final class ChangeApplier {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final int SUGGESTION_TRIES = 3;

	private final RoutingStore routing;

	private final RuleStore rules;

	private final TrustStore trust;

	private final Calibrator calibrator;

	private final CalibrationStore suggestions;

	/**
	 * Creates the applier.
	 * @param routing the routing store
	 * @param rules the rule store
	 * @param trust the trust store
	 * @param calibrator decides suggestions
	 * @param suggestions finds suggestions
	 */
	public ChangeApplier(RoutingStore routing, RuleStore rules, TrustStore trust, Calibrator calibrator,
			CalibrationStore suggestions) {
		this.routing = Objects.requireNonNull(routing, "routing must not be null");
		this.rules = Objects.requireNonNull(rules, "rules must not be null");
		this.trust = Objects.requireNonNull(trust, "trust must not be null");
		this.calibrator = Objects.requireNonNull(calibrator, "calibrator must not be null");
		this.suggestions = Objects.requireNonNull(suggestions, "suggestions must not be null");
	}

	/**
	 * The document of new routing settings.
	 * @param baseVersion the routing version they replace
	 * @param settings the requested settings
	 * @param reasons why they loosen
	 * @return the JSON text
	 */
	public static String routingDocument(long baseVersion, RoutingSettings settings, List<String> reasons) {
		ObjectNode json = base(baseVersion, reasons);
		json.set("routing", RoutingJson.write(settings));
		return json.toString();
	}

	/**
	 * The document of a rule to add, replace (target: its id) or delete (no rule).
	 * @param baseVersion the rules version it changes
	 * @param position where a new rule goes, or -1
	 * @param rule the rule, or null to delete
	 * @param reasons why it loosens
	 * @return the JSON text
	 */
	public static String ruleDocument(long baseVersion, int position, @Nullable Rule rule, List<String> reasons) {
		ObjectNode json = base(baseVersion, reasons);
		if (position >= 0) {
			json.put("position", position);
		}
		if (rule != null) {
			json.set("rule", RuleJson.writeRule(rule));
		}
		return json.toString();
	}

	/**
	 * The document of an agent's new trust settings, or of its restoration.
	 * @param baseVersion the trust record version it changes
	 * @param requested the requested record (ceiling, pin, revoked)
	 * @param reasons why it loosens
	 * @return the JSON text
	 */
	public static String agentDocument(long baseVersion, AgentTrust requested, List<String> reasons) {
		ObjectNode json = base(baseVersion, reasons);
		json.put("ceiling", requested.ceiling().name());
		if (requested.pinned() != null) {
			json.put("pinned_level", requested.pinned().name());
		}
		else {
			json.putNull("pinned_level");
		}
		json.put("revoked", requested.revoked());
		return json.toString();
	}

	/**
	 * The document of an accepted suggestion.
	 * @param suggestion the suggestion
	 * @param reasons why it loosens
	 * @return the JSON text
	 */
	public static String suggestionDocument(Suggestion suggestion, List<String> reasons) {
		ObjectNode json = base(0, reasons);
		json.set("rule", RuleJson.writeRule(suggestion.toRule()));
		return json.toString();
	}

	/**
	 * The reasons a change's document gives for loosening, joined: what the user is asked
	 * to approve.
	 * @param change the change
	 * @return one line
	 */
	public static String summary(PendingChange change) {
		JsonNode reasons = read(change).get("reasons");
		StringBuilder summary = new StringBuilder();
		if (reasons != null && reasons.isArray()) {
			for (JsonNode reason : reasons) {
				summary.append(summary.isEmpty() ? "" : "; ").append(reason.asString());
			}
		}
		return summary.isEmpty() ? change.kind().wireName() : summary.toString();
	}

	/**
	 * Applies an approved change.
	 * @param change the change, approved
	 * @return completes when applied; an error {@link BaseMovedException} when its base
	 * moved (nothing applied)
	 */
	public Mono<Void> apply(PendingChange change) {
		JsonNode document = read(change);
		long base = document.path("base_version").asLong();
		String user = change.user();
		String target = change.target();
		switch (change.kind()) {
			case ROUTING: {
				RoutingSettings settings = RoutingJson.read(document.get("routing"));
				return this.routing.replace(user, base, settings)
					.switchIfEmpty(moved("the routing settings changed since this change was requested"))
					.then();
			}
			case RULE_CREATE: {
				Rule rule = RuleJson.readRule(document.get("rule"), "", null);
				return this.rules.create(user, base, document.path("position").asInt(), rule)
					.switchIfEmpty(moved("the rules changed since this change was requested"))
					.then();
			}
			case RULE_REPLACE: {
				Rule rule = RuleJson.readRule(document.get("rule"), "", null);
				return this.rules.replace(user, base, rule)
					.onErrorMap(RuleNotFoundException.class,
							(ex) -> new BaseMovedException("rule " + rule.id() + " no longer exists"))
					.switchIfEmpty(moved("the rules changed since this change was requested"))
					.then();
			}
			case RULE_DELETE: {
				String id = Objects.requireNonNull(target, "a rule deletion names its rule");
				return this.rules.delete(user, base, id)
					.onErrorMap(RuleNotFoundException.class,
							(ex) -> new BaseMovedException("rule " + id + " no longer exists"))
					.switchIfEmpty(moved("the rules changed since this change was requested"))
					.then();
			}
			case AGENT_TRUST:
			case AGENT_RESTORE: {
				String agent = Objects.requireNonNull(target, "an agent change names its agent");
				TrustLevel ceiling = TrustLevel.valueOf(document.path("ceiling").asString());
				JsonNode pin = document.get("pinned_level");
				TrustLevel pinned = (pin == null || pin.isNull()) ? null : TrustLevel.valueOf(pin.asString());
				boolean revoked = document.path("revoked").asBoolean();
				return this.trust.update(user, agent, (current) -> {
					long version = (current != null) ? current.version() : 0;
					if (current == null || version != base) {
						throw new BaseMovedException(
								"the settings of agent " + agent + " changed since this change was requested");
					}
					return current.withCeiling(ceiling).withPinned(pinned).withRevoked(revoked);
				}).then();
			}
			case SUGGESTION_ACCEPT: {
				String id = Objects.requireNonNull(target, "a suggestion change names its suggestion");
				Rule rule = RuleJson.readRule(document.get("rule"), "", null);
				return this.suggestions.find(user, id)
					.filter((suggestion) -> suggestion
						.status() == dev.countersign.policy.calibration.SuggestionStatus.OPEN)
					.switchIfEmpty(moved("suggestion " + id + " is no longer open"))
					.then(appendRule(user, rule, SUGGESTION_TRIES))
					.then(this.calibrator.accept(user, id))
					.then();
			}
			default:
				return Mono.error(new IllegalStateException("unknown change kind " + change.kind()));
		}
	}

	/** Appends at the end of whatever the rules are now: approved for any base. */
	private Mono<Void> appendRule(String user, Rule rule, int tries) {
		return this.rules.find(user).flatMap((current) -> {
			if (current.find(rule.id()).isPresent()) {
				return Mono.<Void>empty();
			}
			return this.rules.create(user, current.version(), current.rules().size(), rule)
				.map((stored) -> true)
				.switchIfEmpty(Mono.defer(() -> (tries > 1) ? appendRule(user, rule, tries - 1).thenReturn(true)
						: moved("the rules kept changing while the suggestion was applied")))
				.then();
		});
	}

	private static ObjectNode base(long baseVersion, List<String> reasons) {
		ObjectNode json = JSON.createObjectNode();
		json.put("base_version", baseVersion);
		reasons.forEach(json.putArray("reasons")::add);
		return json;
	}

	private static JsonNode read(PendingChange change) {
		return JSON.readTree(change.document());
	}

	private static <T> Mono<T> moved(String reason) {
		return Mono.error(() -> new BaseMovedException(reason));
	}

	@Override
	public String toString() {
		return "ChangeApplier[routing=" + this.routing + ", rules=" + this.rules + ", trust=" + this.trust + "]";
	}

	/**
	 * The settings a change was based on moved meanwhile: it was not applied.
	 */
	public static final class BaseMovedException extends IllegalStateException {

		private static final long serialVersionUID = 1L;

		BaseMovedException(String reason) {
			super(reason);
		}

	}

}
