package dev.countersign.policy.decision;

import java.util.List;
import java.util.Map;
import java.util.Objects;

import dev.countersign.policy.action.CanonicalJson;
import dev.countersign.policy.routing.RoutingSettings;
import dev.countersign.policy.rule.Rule;
import dev.countersign.policy.tool.ToolDescriptor;
import dev.countersign.policy.tool.ToolKind;
import org.jspecify.annotations.Nullable;

/**
 * Everything policy looks at to decide a read. Governance tools (the caller's own
 * actions) are not decided: an agent can always follow and cancel what it queued.
 *
 * @param user the user ({@code sub})
 * @param userEmail the user's {@code email} claim, or {@code null}
 * @param agent the agent asking
 * @param tool the read tool's server-side descriptor
 * @param arguments the validated arguments (a JSON object; frozen here)
 * @param rules the user's rules, in order
 * @param routing the user's routing settings (own domains)
 */
public record ReadContext(String user, @Nullable String userEmail, String agent, ToolDescriptor tool,
		Map<String, @Nullable Object> arguments, List<Rule> rules, RoutingSettings routing) {

	public ReadContext {
		Objects.requireNonNull(user, "user must not be null");
		Objects.requireNonNull(agent, "agent must not be null");
		Objects.requireNonNull(tool, "tool must not be null");
		Objects.requireNonNull(routing, "routing must not be null");
		arguments = CanonicalJson.freeze(Objects.requireNonNull(arguments, "arguments must not be null"));
		rules = List.copyOf(Objects.requireNonNull(rules, "rules must not be null"));
		if (tool.kind() != ToolKind.READ) {
			throw new IllegalArgumentException("tool must be a read, but " + tool.name() + " is " + tool.kind());
		}
	}

}
