package dev.countersign.server.policy;

import java.time.Clock;

import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

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

/**
 * The policy stores (in memory unless another store, such as Redis, defines them), the
 * decision engine, the trust ledger with the documented figures of {@link TrustFigures},
 * and the calibrator.
 */
@Configuration(proxyBeanMethods = false)
public class PolicyConfiguration {

	@Bean
	@ConditionalOnMissingBean
	RuleStore ruleStore() {
		return new InMemoryRuleStore();
	}

	@Bean
	@ConditionalOnMissingBean
	RoutingStore routingStore() {
		return new InMemoryRoutingStore();
	}

	@Bean
	@ConditionalOnMissingBean
	TrustStore trustStore() {
		return new InMemoryTrustStore();
	}

	@Bean
	@ConditionalOnMissingBean
	ChangeStore changeStore() {
		return new InMemoryChangeStore();
	}

	@Bean
	@ConditionalOnMissingBean
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

}
