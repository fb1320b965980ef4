package dev.countersign.server.observability;

import java.util.List;

import io.modelcontextprotocol.server.McpServerFeatures.AsyncToolSpecification;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;

import dev.countersign.server.approval.ApprovalChannel;
import dev.countersign.vault.TokenVaultClient;

/**
 * Decorates the beans the meters watch, so that the code they watch needs no change: each
 * {@link TokenVaultClient} and {@link ApprovalChannel} is metered, and the tool
 * specifications handed to the MCP server (a list bean, or single ones) are observed by
 * the {@link ToolCallObserver}.
 */
final class ObservingPostProcessor implements BeanPostProcessor {

	private final ObjectProvider<CountersignMetrics> metrics;

	private final ObjectProvider<ToolCallObserver> observer;

	ObservingPostProcessor(ObjectProvider<CountersignMetrics> metrics, ObjectProvider<ToolCallObserver> observer) {
		this.metrics = metrics;
		this.observer = observer;
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		if (bean instanceof TokenVaultClient client && !(bean instanceof MeteredTokenVaultClient)) {
			return new MeteredTokenVaultClient(client, this.metrics.getObject());
		}
		if (bean instanceof ApprovalChannel channel && !(bean instanceof MeteredApprovalChannel)) {
			return new MeteredApprovalChannel(channel, this.metrics.getObject());
		}
		if (bean instanceof AsyncToolSpecification specification) {
			return this.observer.getObject().observe(specification);
		}
		if (bean instanceof List<?> list && !list.isEmpty()
				&& list.stream().allMatch(AsyncToolSpecification.class::isInstance)) {
			ToolCallObserver tools = this.observer.getObject();
			return list.stream().map((item) -> tools.observe((AsyncToolSpecification) item)).toList();
		}
		return bean;
	}

}
