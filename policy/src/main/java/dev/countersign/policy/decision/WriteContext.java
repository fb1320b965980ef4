package dev.countersign.policy.decision;

import java.util.List;
import java.util.Map;
import java.util.Objects;

import dev.countersign.policy.action.CanonicalJson;
import dev.countersign.policy.routing.RoutingSettings;
import dev.countersign.policy.rule.Rule;
import dev.countersign.policy.tool.Risk;
import dev.countersign.policy.tool.ToolDescriptor;
import dev.countersign.policy.tool.ToolKind;
import dev.countersign.policy.trust.TrustLevel;
import org.jspecify.annotations.Nullable;

/**
 * Everything policy looks at to decide a write.
 *
 * @param user the user the write acts for ({@code sub})
 * @param userEmail the user's {@code email} claim, or {@code null}; its domain is one of
 * the user's own for {@code recipients_outside}
 * @param agent the agent asking
 * @param tool the write tool's server-side descriptor
 * @param risk the effective risk after the arguments were looked at (at least the tool's
 * base risk)
 * @param arguments the validated, normalised arguments (a JSON object; frozen here)
 * @param confidence the agent's stated confidence, 0 to 1, or {@code null} (counts as 0)
 * @param trustLevel the agent's effective trust level
 * @param rules the user's rules, in order
 * @param routing the user's routing settings
 */
public record WriteContext(String user, @Nullable String userEmail, String agent, ToolDescriptor tool, Risk risk,
		Map<String, @Nullable Object> arguments, @Nullable Double confidence, TrustLevel trustLevel, List<Rule> rules,
		RoutingSettings routing) {

	public WriteContext {
		Objects.requireNonNull(user, "user must not be null");
		Objects.requireNonNull(agent, "agent must not be null");
		Objects.requireNonNull(tool, "tool must not be null");
		Objects.requireNonNull(risk, "risk must not be null");
		Objects.requireNonNull(trustLevel, "trustLevel must not be null");
		Objects.requireNonNull(routing, "routing must not be null");
		arguments = CanonicalJson.freeze(Objects.requireNonNull(arguments, "arguments must not be null"));
		rules = List.copyOf(Objects.requireNonNull(rules, "rules must not be null"));
		if (tool.kind() != ToolKind.WRITE) {
			throw new IllegalArgumentException("tool must be a write, but " + tool.name() + " is " + tool.kind());
		}
		if (risk.weight() < tool.baseRisk().weight()) {
			throw new IllegalArgumentException("risk must be at least the base risk " + tool.baseRisk() + " of "
					+ tool.name() + ", but was " + risk);
		}
		if (confidence != null && !(confidence >= 0.0 && confidence <= 1.0)) {
			throw new IllegalArgumentException("confidence must be between 0 and 1, but was " + confidence);
		}
	}

	/**
	 * The confidence policy uses.
	 * @return the stated confidence, or 0 when the agent gave none
	 */
	public double effectiveConfidence() {
		return (this.confidence != null) ? this.confidence : 0.0;
	}

}
