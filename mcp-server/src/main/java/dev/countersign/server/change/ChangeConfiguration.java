package dev.countersign.server.change;

import java.time.Clock;

import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.countersign.policy.action.IdGenerator;
import dev.countersign.policy.audit.AuditTrail;
import dev.countersign.policy.calibration.CalibrationStore;
import dev.countersign.policy.calibration.Calibrator;
import dev.countersign.policy.change.ChangeStore;
import dev.countersign.policy.routing.RoutingStore;
import dev.countersign.policy.rule.RuleStore;
import dev.countersign.policy.trust.TrustStore;
import dev.countersign.server.approval.ApprovalChannel;
import dev.countersign.server.approval.ApprovalProperties;
import dev.countersign.server.approval.ApprovalTokenValidator;
import dev.countersign.server.approval.BatchPresentation;
import dev.countersign.server.auth.AuthProperties;

/**
 * Wires the settings changes of the config API: the {@link SettingsAudit}, the
 * {@link ChangeApplier} and the {@link ChangeApprovals} loop, which polls at the approval
 * loop's period ({@code countersign.approval.poll-period}) once the application is ready
 * and stops on shutdown.
 */
@Configuration(proxyBeanMethods = false)
public class ChangeConfiguration {

	@Bean
	SettingsAudit settingsAudit(AuditTrail trail) {
		return new SettingsAudit(trail);
	}

	@Bean
	ChangeApplier changeApplier(RoutingStore routing, RuleStore rules, TrustStore trust, Calibrator calibrator,
			CalibrationStore suggestions) {
		return new ChangeApplier(routing, rules, trust, calibrator, suggestions);
	}

	@Bean(destroyMethod = "stop")
	ChangeApprovals changeApprovals(ChangeStore changes, ChangeApplier applier, ApprovalChannel channel,
			ApprovalTokenValidator validator, BatchPresentation presentation, SettingsAudit audit, IdGenerator ids,
			AuthProperties auth, ApprovalProperties properties, Clock clock) {
		return new ChangeApprovals(changes, applier, channel, validator, presentation, audit, ids,
				auth.requireAudience(), properties.effectiveRequestedExpiry(), clock);
	}

	@Bean
	ApplicationListener<ApplicationReadyEvent> changeApprovalsStarter(ChangeApprovals approvals,
			ApprovalProperties properties) {
		return (event) -> approvals.start(properties.effectivePollPeriod());
	}

}
