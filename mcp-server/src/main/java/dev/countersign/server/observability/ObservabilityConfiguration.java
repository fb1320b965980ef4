package dev.countersign.server.observability;

import java.time.Clock;

import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.countersign.policy.action.ActionStore;
import dev.countersign.server.approval.ApprovalLoop;
import dev.countersign.server.audit.AuditListener;
import dev.countersign.server.tool.ToolCatalog;

/**
 * Wires what running Countersign in production needs (DESIGN §9, §10): the
 * {@link CountersignMetrics} meters and their feeds (the tool call observer, the metered
 * Token Vault client and approval channel, the audit listener, the pending actions
 * gauge), the {@code upstreams} health contributor, the {@link CorrelationIdFilter} and
 * the {@link ApprovalDrain}. Which actuator endpoints exist and who may call them is set
 * in Countersign's defaults and {@code SecurityConfiguration}: {@code /actuator/health}
 * (with its {@code liveness} and {@code readiness} groups) and
 * {@code /actuator/prometheus}, without a token; nothing else.
 */
@Configuration(proxyBeanMethods = false)
public class ObservabilityConfiguration {

	@Bean
	static ObservingPostProcessor countersignObservingPostProcessor(ObjectProvider<CountersignMetrics> metrics,
			ObjectProvider<ToolCallObserver> observer) {
		return new ObservingPostProcessor(metrics, observer);
	}

	@Bean
	CountersignMetrics countersignMetrics(MeterRegistry registry, ToolCatalog catalog) {
		return new CountersignMetrics(registry, catalog);
	}

	@Bean
	ToolCallObserver toolCallObserver(ObjectProvider<ObservationRegistry> observations, CountersignMetrics metrics) {
		return new ToolCallObserver(observations.getIfAvailable(() -> ObservationRegistry.NOOP), metrics);
	}

	@Bean
	AuditListener countersignAuditMetrics(CountersignMetrics metrics) {
		return new AuditMetrics(metrics);
	}

	@Bean
	PendingActions pendingActions(ActionStore actions, Clock clock, OperationsProperties properties,
			MeterRegistry registry) {
		PendingActions pending = new PendingActions(actions, clock, properties.effectivePendingRefresh());
		Gauge.builder(CountersignMetrics.ACTIONS_PENDING, pending, PendingActions::value)
			.description("Actions waiting for approval (PENDING or BATCHED) in the store")
			.strongReference(true)
			.register(registry);
		return pending;
	}

	@Bean
	UpstreamsHealthIndicator upstreamsHealthIndicator(
			@Qualifier("providerCircuitBreakers") CircuitBreakerRegistry breakers) {
		return new UpstreamsHealthIndicator(breakers);
	}

	@Bean
	CorrelationIdFilter correlationIdFilter() {
		return new CorrelationIdFilter();
	}

	@Bean
	ApprovalDrain approvalDrain(ApprovalLoop loop, OperationsProperties properties) {
		return new ApprovalDrain(loop, properties.effectiveDrainTimeout());
	}

}
