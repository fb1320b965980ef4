package dev.countersign.server.policy;

import java.util.Objects;

import reactor.core.publisher.Mono;

import dev.countersign.policy.action.Action;
import dev.countersign.policy.approval.SubmitRequest;
import dev.countersign.policy.decision.Decision;
import dev.countersign.policy.decision.PolicyEngine;
import dev.countersign.policy.decision.ReadContext;
import dev.countersign.policy.decision.WriteContext;
import dev.countersign.policy.routing.RoutingStore;
import dev.countersign.policy.rule.RuleStore;
import dev.countersign.policy.tool.ToolKind;
import dev.countersign.policy.trust.TrustLedger;
import dev.countersign.policy.trust.TrustView;
import dev.countersign.server.approval.AutoRunner;
import dev.countersign.server.audit.ApprovalAudit;
import dev.countersign.server.auth.Caller;
import dev.countersign.server.observability.ToolCallObserver;
import dev.countersign.server.tool.ToolCall;
import dev.countersign.server.tool.ToolFailure;
import dev.countersign.server.tool.ToolPolicy;

/**
 * The {@link ToolPolicy} of the server: the {@link PolicyEngine} over the user's stored
 * rules and routing settings and the agent's trust (DESIGN §6).
 *
 * <ul>
 * <li><b>Every call</b> reads the agent's trust once ({@link TrustLedger#view}); a
 * revoked agent is refused, reads, writes and governance tools alike, until the user
 * restores it.</li>
 * <li><b>Reads</b> are decided by {@link PolicyEngine#decideRead}: a {@code deny} rule
 * refuses the call with the rule's reason, recorded as DECISION. Governance tools always
 * pass.</li>
 * <li><b>Writes</b> are decided by {@link PolicyEngine#decideWrite} with the effective
 * trust level (a revoked agent, found between admission and the decision, is refused
 * there too); auto-approved writes run through the {@link AutoRunner}.</li>
 * </ul>
 * Stateless and thread-safe; each decision reads the stores afresh, so a change of rules,
 * routing or trust applies to the next call.
 */
public final class PolicyGate implements ToolPolicy {

	/** What a revoked agent hears, whatever it calls. */
	public static final String REVOKED = "This agent was revoked by the user; Countersign refuses its calls until the user restores it in the Countersign console. Nothing was done.";

	private final PolicyEngine engine;

	private final RuleStore rules;

	private final RoutingStore routing;

	private final TrustLedger ledger;

	private final AutoRunner runner;

	private final ApprovalAudit audit;

	/**
	 * Creates the gate.
	 * @param engine decides
	 * @param rules the users' rules
	 * @param routing the users' routing settings
	 * @param ledger the agents' trust
	 * @param runner runs auto-approved writes
	 * @param audit records refusals; never fails
	 */
	public PolicyGate(PolicyEngine engine, RuleStore rules, RoutingStore routing, TrustLedger ledger, AutoRunner runner,
			ApprovalAudit audit) {
		this.engine = Objects.requireNonNull(engine, "engine must not be null");
		this.rules = Objects.requireNonNull(rules, "rules must not be null");
		this.routing = Objects.requireNonNull(routing, "routing must not be null");
		this.ledger = Objects.requireNonNull(ledger, "ledger must not be null");
		this.runner = Objects.requireNonNull(runner, "runner must not be null");
		this.audit = Objects.requireNonNull(audit, "audit must not be null");
	}

	@Override
	public Mono<Void> admit(ToolCall call) {
		Caller caller = call.caller();
		return trusted(caller).flatMap((trust) -> {
			if (call.tool().descriptor().kind() != ToolKind.READ) {
				return Mono.empty();
			}
			return Mono.zip(this.rules.find(caller.user()), this.routing.find(caller.user())).flatMap((stored) -> {
				Decision decision = this.engine
					.decideRead(new ReadContext(caller.user(), caller.email(), caller.agent(), call.tool().descriptor(),
							call.arguments().values(), stored.getT1().rules(), stored.getT2().settings()));
				Mono<Void> noted = ToolCallObserver.noteDecision(decision.kind());
				if (decision instanceof Decision.Deny deny) {
					return noted
						.then(this.audit.decision(caller.user(), caller.agent(), call.tool().name(), deny, null))
						.then(Mono.error(new ToolFailure(ToolPolicy.refused(call.tool().name(), deny))));
				}
				return noted;
			});
		});
	}

	@Override
	public Mono<Decision> decideWrite(ToolCall call, SubmitRequest request) {
		Caller caller = call.caller();
		return Mono.zip(this.rules.find(caller.user()), this.routing.find(caller.user()), trusted(caller))
			.map((stored) -> this.engine.decideWrite(new WriteContext(caller.user(), caller.email(), caller.agent(),
					request.tool(), request.risk(), request.arguments(), request.confidence(),
					stored.getT3().effectiveLevel(), stored.getT1().rules(), stored.getT2().settings())))
			.flatMap((decision) -> ToolCallObserver.noteDecision(decision.kind()).thenReturn(decision));
	}

	@Override
	public Mono<Action> runNow(ToolCall call, Mono<Action> frozen) {
		return this.runner.run(call.caller(), call.tool().descriptor().connection(), frozen);
	}

	/** The agent's trust now; an error when the user revoked it. */
	private Mono<TrustView> trusted(Caller caller) {
		return this.ledger.view(caller.user(), caller.agent())
			.flatMap((view) -> view.revoked() ? Mono.error(new ToolFailure(REVOKED)) : Mono.just(view));
	}

	@Override
	public String toString() {
		return "PolicyGate[" + this.engine + "]";
	}

}
