package dev.countersign.policy.approval;

import java.util.Map;
import java.util.Objects;

import dev.countersign.policy.action.CanonicalJson;
import dev.countersign.policy.tool.Risk;
import dev.countersign.policy.tool.ToolDescriptor;
import dev.countersign.policy.tool.ToolKind;
import org.jspecify.annotations.Nullable;

/**
 * A write ready to be frozen: one policy decided must be approved ({@code Batch} or
 * {@code ReviewNow}), or one it auto-approved (frozen too, so the action record shows it
 * ran).
 *
 * @param user the user the write acts for ({@code sub})
 * @param agent the agent asking
 * @param tool the server-side descriptor of the write tool
 * @param risk the risk after the arguments were looked at (at least the tool's base risk)
 * @param arguments the validated, normalised arguments (a JSON object; frozen here)
 * @param preconditions what must still hold when it runs (a JSON object, may be empty)
 * @param confidence the agent's stated confidence, 0 to 1, or {@code null}
 * @param reviewNow whether a rule asked for a push of its own
 * @param lowConfidence whether policy flagged the write low-confidence against the user's
 * own {@code review_below}; {@code null} leaves it to the freezer's
 * {@link ApprovalConfig#isLowConfidence(Double)} (the global default)
 */
public record SubmitRequest(String user, String agent, ToolDescriptor tool, Risk risk,
		Map<String, @Nullable Object> arguments, Map<String, @Nullable Object> preconditions,
		@Nullable Double confidence, boolean reviewNow, @Nullable Boolean lowConfidence) {

	public SubmitRequest {
		Objects.requireNonNull(user, "user must not be null");
		Objects.requireNonNull(agent, "agent must not be null");
		Objects.requireNonNull(tool, "tool must not be null");
		Objects.requireNonNull(risk, "risk must not be null");
		arguments = CanonicalJson.freeze(Objects.requireNonNull(arguments, "arguments must not be null"));
		preconditions = CanonicalJson.freeze(Objects.requireNonNull(preconditions, "preconditions must not be null"));
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
	 * A request whose low-confidence flag the freezer sets from its settings.
	 * @param user the user id
	 * @param agent the agent id
	 * @param tool the write tool
	 * @param risk the risk
	 * @param arguments the arguments
	 * @param preconditions the preconditions
	 * @param confidence the agent's confidence, or {@code null}
	 * @param reviewNow whether it gets a batch of its own
	 */
	public SubmitRequest(String user, String agent, ToolDescriptor tool, Risk risk,
			Map<String, @Nullable Object> arguments, Map<String, @Nullable Object> preconditions,
			@Nullable Double confidence, boolean reviewNow) {
		this(user, agent, tool, risk, arguments, preconditions, confidence, reviewNow, null);
	}

	/**
	 * A write to be batched, at the tool's base risk.
	 * @param user the user id
	 * @param agent the agent id
	 * @param tool the write tool
	 * @param arguments the arguments
	 * @param preconditions the preconditions
	 * @param confidence the agent's confidence, or {@code null}
	 * @return the request
	 */
	public static SubmitRequest batch(String user, String agent, ToolDescriptor tool,
			Map<String, ? extends @Nullable Object> arguments, Map<String, ? extends @Nullable Object> preconditions,
			@Nullable Double confidence) {
		return new SubmitRequest(user, agent, tool, tool.baseRisk(), CanonicalJson.freeze(arguments),
				CanonicalJson.freeze(preconditions), confidence, false);
	}

	/**
	 * This request with another risk.
	 * @param elevated the risk after looking at the arguments
	 * @return the changed copy
	 */
	public SubmitRequest withRisk(Risk elevated) {
		return new SubmitRequest(this.user, this.agent, this.tool, elevated, this.arguments, this.preconditions,
				this.confidence, this.reviewNow, this.lowConfidence);
	}

	/**
	 * This request as a {@code ReviewNow} write: a batch of its own at once.
	 * @return the changed copy
	 */
	public SubmitRequest reviewingNow() {
		return new SubmitRequest(this.user, this.agent, this.tool, this.risk, this.arguments, this.preconditions,
				this.confidence, true, this.lowConfidence);
	}

	/**
	 * This request flagged by policy: low-confidence or not, whatever the freezer's
	 * global default says (DESIGN §6: the user's {@code review_below} decides).
	 * @param low whether the write is low-confidence
	 * @return the changed copy
	 */
	public SubmitRequest withLowConfidence(boolean low) {
		return new SubmitRequest(this.user, this.agent, this.tool, this.risk, this.arguments, this.preconditions,
				this.confidence, this.reviewNow, low);
	}

}
