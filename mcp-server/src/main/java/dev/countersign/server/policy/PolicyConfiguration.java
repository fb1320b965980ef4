package dev.countersign.server.policy;

import java.time.Clock;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Conditional;

import dev.countersign.policy.action.ActionStore;
import dev.countersign.policy.action.IdGenerator;
import dev.countersign.policy.calibration.CalibrationStore;
import dev.countersign.policy.calibration.Calibrator;
import dev.countersign.policy.calibration.InMemoryCalibrationStore;
import dev.countersign.policy.change.ChangeStore;
import dev.countersign.policy.change.InMemoryChangeStore;
import dev.countersign.policy.decision.PolicyEngine;
import dev.countersign.policy.routing.InMemoryRoutingStore;
import dev.countersign.policy.routing.RoutingStore;
import dev.countersign.policy.rule.InMemoryRuleStore;
import dev.countersign.policy.rule.RuleStore;
import dev.countersign.policy.trust.InMemoryTrustStore;
import dev.countersign.policy.trust.TrustFigures;
import dev.countersign.policy.trust.TrustLedger;
import dev.countersign.policy.trust.TrustStore;
import dev.countersign.server.approval.AutoRunner;
import dev.countersign.server.approval.ProviderWriter;
import dev.countersign.server.approval.RunningWrites;
import dev.countersign.server.audit.ApprovalAudit;
import dev.countersign.server.provider.ProviderTokens;
import dev.countersign.server.tool.ToolPolicy;
import dev.countersign.server.store.StoreMode;

/**
 * The policy stores (in memory unless another store, such as Redis, defines them), the
 * decision engine, the trust ledger with the documented figures of {@link TrustFigures},
 * the calibrator, and policy in the call path: the {@link PolicyGate} every tool call
 * passes, the {@link AutoRunner} of auto-approved writes, and the
 * {@link ActionOutcomeListener} that learns from every action's end. The
 * {@link ActionStore} bean, whichever store defines it, is wrapped in an
 * {@link OutcomeRecordingActionStore} so that no ending escapes the listener.
 */
@Configuration(proxyBeanMethods = false)
public class PolicyConfiguration {

	@Bean
	@ConditionalOnMissingBean
	@Conditional(StoreMode.Memory.class)
	RuleStore ruleStore() {
		return new InMemoryRuleStore();
	}

	@Bean
	@ConditionalOnMissingBean
	@Conditional(StoreMode.Memory.class)
	RoutingStore routingStore() {
		return new InMemoryRoutingStore();
	}

	@Bean
	@ConditionalOnMissingBean
	@Conditional(StoreMode.Memory.class)
	TrustStore trustStore() {
		return new InMemoryTrustStore();
	}

	@Bean
	@ConditionalOnMissingBean
	@Conditional(StoreMode.Memory.class)
	ChangeStore changeStore() {
		return new InMemoryChangeStore();
	}

	@Bean
	@ConditionalOnMissingBean
	@Conditional(StoreMode.Memory.class)
	CalibrationStore calibrationStore() {
		return new InMemoryCalibrationStore();
	}

	@Bean
	PolicyEngine policyEngine() {
		return new PolicyEngine();
	}

	@Bean
	TrustLedger trustLedger(TrustStore store, Clock clock) {
		return new TrustLedger(store, TrustFigures.defaults(), clock);
	}

	@Bean
	Calibrator calibrator(CalibrationStore store, IdGenerator ids, Clock clock) {
		return new Calibrator(store, ids, clock);
	}

	@Bean
	ActionOutcomeListener actionOutcomeListener(TrustLedger ledger, Calibrator calibrator, RoutingStore routing) {
		return new ActionOutcomeListener(ledger, calibrator, routing);
	}

	/**
	 * Wraps the action store, whichever configuration defines it, so that every stored
	 * move reaches the {@link ActionOutcomeListener}.
	 */
	@Bean
	static BeanPostProcessor actionOutcomeRecording(ObjectProvider<ActionOutcomeListener> listener) {
		return new BeanPostProcessor() {

			@Override
			public Object postProcessAfterInitialization(Object bean, String beanName) {
				if (bean instanceof ActionStore store && !(bean instanceof OutcomeRecordingActionStore)) {
					return new OutcomeRecordingActionStore(store, listener.getObject());
				}
				return bean;
			}

		};
	}

	@Bean
	AutoRunner autoRunner(ActionStore actions, ProviderTokens tokens, ObjectProvider<ProviderWriter> writers,
			Clock clock, ApprovalAudit audit, RunningWrites running) {
		return new AutoRunner(actions, tokens, writers.orderedStream().toList(), clock, audit, running);
	}

	@Bean
	ToolPolicy toolPolicy(PolicyEngine engine, RuleStore rules, RoutingStore routing, TrustLedger ledger,
			AutoRunner runner, ApprovalAudit audit) {
		return new PolicyGate(engine, rules, routing, ledger, runner, audit);
	}

}
