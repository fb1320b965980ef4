package dev.countersign.policy.change;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import dev.countersign.policy.calibration.Suggestion;
import dev.countersign.policy.routing.RoutingSettings;
import dev.countersign.policy.routing.Thresholds;
import dev.countersign.policy.rule.Effect;
import dev.countersign.policy.rule.Rule;
import dev.countersign.policy.rule.RuleNotFoundException;
import dev.countersign.policy.trust.AgentTrust;
import dev.countersign.policy.trust.TrustLevel;
import org.jspecify.annotations.Nullable;

/**
 * Whether a change loosens governance (DESIGN §7): whether, after it, some write could
 * need less approval than before. Pure functions; each returns the reasons it loosens, a
 * person-readable line each, and an empty list when it does not (a tightening or a
 * neutral change, applied at once). When the answer cannot be known from the settings
 * alone, the change counts as loosening.
 *
 * <p>
 * <b>Rules.</b> Effects are ordered by strictness: {@code deny} &gt; {@code review_now}
 * &gt; {@code batch} &gt; no rule (confidence routing, which may auto-approve) &gt;
 * {@code auto} ({@link Effect#strictness()}). Because the first matching rule wins, a
 * write's outcome is its first matching rule's effect. Two rules are assumed to overlap
 * unless their text shows otherwise ({@link Rule#covers(Rule)}), so:
 * <ul>
 * <li>Adding a rule at a position does not loosen when its effect is at least as strict
 * as "no rule" and as every rule after that position (it may capture, or shadow, any of
 * their writes). Adding an {@code auto} rule always loosens.</li>
 * <li>Removing a rule does not loosen only when its writes fall to something at least as
 * strict: an {@code auto} rule (everything is stricter). Removing any other rule
 * loosens.</li>
 * <li>Editing a rule in place does not loosen when its new effect is at least as strict
 * as the old, the writes it no longer matches (unless the new rule covers the old) fall
 * to something at least as strict as the old effect, and the writes it newly matches
 * (unless the old rule covers the new) get an effect at least as strict as what they had.
 * A change of description alone never loosens.</li>
 * <li>Any other list change is taken apart into removals, edits in place and additions,
 * each judged in turn; reordering the rules that stay counts as loosening.</li>
 * </ul>
 *
 * <p>
 * <b>Routing.</b> Lowering {@code auto_approve_at} or {@code review_below} for any tool
 * or connection (through the global values or an override, added, changed or removed),
 * and adding an own domain, loosen.
 *
 * <p>
 * <b>Trust.</b> Raising a ceiling, raising or setting a pin, or removing a pin, loosens
 * when the effective level (min of ceiling and pin, or earned level) could rise for some
 * earned level; restoring a revoked agent loosens. Accepting a calibration suggestion
 * always loosens.
 *
 * <pre>{@code
 * List<String> reasons = Loosening.routing(current.settings(), requested);
 * if (reasons.isEmpty()) { store.replace(user, current.version(), requested); }   // 200
 * else { changes.insert(PendingChange.pending(...)); }                             // 202
 * }</pre>
 */
public final class Loosening {

	private Loosening() {
	}

	/**
	 * Whether new routing settings loosen governance.
	 * @param before the current settings
	 * @param after the requested settings
	 * @return the reasons they loosen; empty when they do not
	 */
	public static List<String> routing(RoutingSettings before, RoutingSettings after) {
		Objects.requireNonNull(before, "before must not be null");
		Objects.requireNonNull(after, "after must not be null");
		Set<String> reasons = new LinkedHashSet<>();
		Set<@Nullable String> tools = new LinkedHashSet<>();
		tools.add(null);
		tools.addAll(before.toolOverrides().keySet());
		tools.addAll(after.toolOverrides().keySet());
		Set<@Nullable String> connections = new LinkedHashSet<>();
		connections.add(null);
		connections.addAll(before.connectionOverrides().keySet());
		connections.addAll(after.connectionOverrides().keySet());
		// Every tool either has an override (one of the keys) or not (null), and likewise
		// its connection: these pairs cover every write that can exist.
		for (String tool : tools) {
			boolean toolDecides = tool != null && before.toolOverrides().containsKey(tool)
					&& after.toolOverrides().containsKey(tool);
			for (String connection : connections) {
				if (toolDecides && connection != null) {
					continue;
				}
				Thresholds was = before.thresholdsFor(tool, connection);
				Thresholds now = after.thresholdsFor(tool, connection);
				String scope = scope(tool, connection);
				if (now.autoApproveAt() < was.autoApproveAt()) {
					reasons.add("auto_approve_at" + scope + " lowered from " + number(was.autoApproveAt()) + " to "
							+ number(now.autoApproveAt()));
				}
				if (now.reviewBelow() < was.reviewBelow()) {
					reasons.add("review_below" + scope + " lowered from " + number(was.reviewBelow()) + " to "
							+ number(now.reviewBelow()));
				}
			}
		}
		for (String domain : after.ownDomains()) {
			if (!before.ownDomains().contains(domain)) {
				reasons.add("own domain " + domain + " added: email to it no longer counts as outside");
			}
		}
		return List.copyOf(reasons);
	}

	/**
	 * Whether adding a rule loosens governance.
	 * @param before the current rules, in order
	 * @param position where the new rule goes, 0 to {@code before.size()}
	 * @param rule the new rule
	 * @return the reasons it loosens; empty when it does not
	 */
	public static List<String> ruleInsert(List<Rule> before, int position, Rule rule) {
		Objects.checkIndex(position, before.size() + 1);
		List<String> reasons = new ArrayList<>();
		if (rule.effect().strictness() < Effect.NO_RULE_STRICTNESS) {
			reasons.add("adding rule " + rule.id() + " (auto) lets writes it matches run without approval");
			return reasons;
		}
		for (Rule later : before.subList(position, before.size())) {
			if (later.effect().strictness() > rule.effect().strictness()) {
				reasons.add("adding rule " + rule.id() + " (" + rule.effect().wireName() + ") before rule " + later.id()
						+ " (" + later.effect().wireName() + ") can take writes away from it");
			}
		}
		return reasons;
	}

	/**
	 * Whether replacing a rule in place (same id, same position) loosens governance.
	 * @param before the current rules, in order
	 * @param replacement the new version of the rule
	 * @return the reasons it loosens; empty when it does not
	 * @throws RuleNotFoundException when no rule has the replacement's id
	 */
	public static List<String> ruleReplace(List<Rule> before, Rule replacement) {
		int index = indexOf(before, replacement.id());
		Rule old = before.get(index);
		List<String> reasons = new ArrayList<>();
		int was = old.effect().strictness();
		int now = replacement.effect().strictness();
		int laterMax = Effect.NO_RULE_STRICTNESS;
		int laterMin = Effect.NO_RULE_STRICTNESS;
		for (Rule later : before.subList(index + 1, before.size())) {
			laterMax = Math.max(laterMax, later.effect().strictness());
			laterMin = Math.min(laterMin, later.effect().strictness());
		}
		String name = "rule " + old.id();
		if (now < was) {
			reasons.add(name + " changed from " + old.effect().wireName() + " to " + replacement.effect().wireName());
		}
		if (!replacement.covers(old) && was > laterMin) {
			reasons.add(name + " may no longer match writes it matched, which then get less than "
					+ old.effect().wireName());
		}
		if (!old.covers(replacement) && now < laterMax) {
			reasons.add(name + " may now match writes that later rules treat more strictly than "
					+ replacement.effect().wireName());
		}
		return reasons;
	}

	/**
	 * Whether deleting a rule loosens governance.
	 * @param before the current rules, in order
	 * @param id the rule to delete
	 * @return the reasons it loosens; empty when it does not
	 * @throws RuleNotFoundException when no rule has that id
	 */
	public static List<String> ruleDelete(List<Rule> before, String id) {
		Rule old = before.get(indexOf(before, id));
		if (old.effect() == Effect.AUTO) {
			return List.of();
		}
		return List.of("removing rule " + id + " (" + old.effect().wireName()
				+ ") lets the writes it matched fall to later rules or confidence routing");
	}

	/**
	 * Whether replacing a whole rule list loosens governance: the change is taken apart
	 * into removals, edits in place and additions, each judged by the methods above;
	 * reordering rules that stay counts as loosening.
	 * @param before the current rules, in order
	 * @param after the requested rules, in order
	 * @return the reasons it loosens; empty when it does not
	 */
	public static List<String> rules(List<Rule> before, List<Rule> after) {
		Set<String> reasons = new LinkedHashSet<>();
		Map<String, Rule> wanted = new HashMap<>();
		after.forEach((rule) -> wanted.put(rule.id(), rule));
		List<Rule> current = new ArrayList<>(before);
		for (Rule rule : before) {
			if (!wanted.containsKey(rule.id())) {
				reasons.addAll(ruleDelete(current, rule.id()));
				current.remove(indexOf(current, rule.id()));
			}
		}
		List<String> kept = current.stream().map(Rule::id).toList();
		List<String> keptInNewOrder = after.stream().map(Rule::id).filter(kept::contains).toList();
		if (!kept.equals(keptInNewOrder)) {
			reasons.add("rules reordered: " + kept + " became " + keptInNewOrder);
			return List.copyOf(reasons);
		}
		for (int i = 0; i < current.size(); i++) {
			Rule next = wanted.get(current.get(i).id());
			if (!next.equals(current.get(i))) {
				reasons.addAll(ruleReplace(current, next));
				current.set(i, next);
			}
		}
		Set<String> present = new HashSet<>(kept);
		int position = 0;
		for (Rule rule : after) {
			if (!present.contains(rule.id())) {
				reasons.addAll(ruleInsert(current, position, rule));
				current.add(position, rule);
				present.add(rule.id());
			}
			position++;
		}
		return List.copyOf(reasons);
	}

	/**
	 * Whether new trust settings for an agent (ceiling, pinned level, revoked) loosen
	 * governance.
	 * @param before the current record
	 * @param after the requested record
	 * @return the reasons they loosen; empty when they do not
	 */
	public static List<String> trust(AgentTrust before, AgentTrust after) {
		List<String> reasons = new ArrayList<>();
		if (before.revoked() && !after.revoked()) {
			reasons.add("restoring revoked agent " + after.agent());
		}
		boolean rises = false;
		for (TrustLevel earned : TrustLevel.values()) {
			if (effective(after, earned).isAbove(effective(before, earned))) {
				rises = true;
				break;
			}
		}
		if (rises) {
			if (after.ceiling().isAbove(before.ceiling())) {
				reasons.add("ceiling of agent " + after.agent() + " raised from " + before.ceiling() + " to "
						+ after.ceiling());
			}
			if (!Objects.equals(before.pinned(), after.pinned())) {
				reasons.add("pinned level of agent " + after.agent() + " changed from " + pin(before.pinned()) + " to "
						+ pin(after.pinned()));
			}
		}
		return reasons;
	}

	/**
	 * Whether restoring an agent loosens governance.
	 * @param before the agent's current record
	 * @return the reason when it is revoked; empty when it is not
	 */
	public static List<String> restore(AgentTrust before) {
		return before.revoked() ? List.of("restoring revoked agent " + before.agent()) : List.of();
	}

	/**
	 * Accepting a calibration suggestion always loosens governance: it adds an
	 * {@code auto} rule.
	 * @param suggestion the suggestion
	 * @return the reason
	 */
	public static List<String> acceptSuggestion(Suggestion suggestion) {
		return List
			.of("accepting a suggestion: auto-approve " + suggestion.tool() + " for agent " + suggestion.agent());
	}

	private static TrustLevel effective(AgentTrust trust, TrustLevel earned) {
		return TrustLevel.min(trust.ceiling(), (trust.pinned() != null) ? trust.pinned() : earned);
	}

	private static String pin(@Nullable TrustLevel level) {
		return (level != null) ? level.name() : "none (earned level)";
	}

	private static int indexOf(List<Rule> rules, String id) {
		for (int i = 0; i < rules.size(); i++) {
			if (rules.get(i).id().equals(id)) {
				return i;
			}
		}
		throw new RuleNotFoundException(id);
	}

	private static String scope(@Nullable String tool, @Nullable String connection) {
		if (tool != null) {
			return " for tool " + tool + ((connection != null) ? " on connection " + connection : "");
		}
		return (connection != null) ? " for connection " + connection : "";
	}

	private static String number(double value) {
		BigDecimal decimal = BigDecimal.valueOf(value).stripTrailingZeros();
		return (decimal.scale() <= 2) ? decimal.setScale(2).toPlainString() : decimal.toPlainString();
	}

}
