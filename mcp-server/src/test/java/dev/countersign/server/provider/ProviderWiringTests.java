package dev.countersign.server.provider;

import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

import dev.countersign.server.tool.ToolHandler;
import dev.countersign.server.tool.ToolHandlers;
import dev.countersign.server.tool.calendar.CalendarTools;
import dev.countersign.server.tool.email.EmailTools;
import dev.countersign.server.tool.github.GitHubTools;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The connectors as Spring wires them: the seven read tools, the breakers in one
 * registry, the base URLs from {@code countersign.providers.*}, and the token port.
 */
class ProviderWiringTests {

	private static final WireMockServer github = new WireMockServer(options().dynamicPort());

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withUserConfiguration(Properties.class, ProviderConfiguration.class, CalendarTools.class, EmailTools.class,
				GitHubTools.class)
		.withBean(Clock.class, Clock::systemUTC)
		.withBean(ProviderTokens.class, FakeProviderTokens::new)
		.withPropertyValues("countersign.providers.github-url=" + github.baseUrl());

	@BeforeAll
	static void start() {
		github.start();
	}

	@AfterAll
	static void stop() {
		github.stop();
	}

	@Test
	void contextWhenStartedThenRegistersTheSevenReadToolsAndBothBreakers() {
		this.runner.run((context) -> {
			assertThat(handlers(context.getBeansOfType(ToolHandlers.class).values())).containsOnlyKeys(
					"calendar_list_events", "calendar_find_free_time", "email_search", "email_get",
					"github_list_issues", "github_get_issue", "github_get_pull_request");
			assertThat(context.getBean(CircuitBreakerRegistry.class)
				.getAllCircuitBreakers()
				.stream()
				.map(CircuitBreaker::getName)).containsExactlyInAnyOrder(ProviderHttp.GOOGLE, ProviderHttp.GITHUB);
		});
	}

	@Test
	void callWhenProviderTokensBeanThenUsesItAndTheConfiguredBaseUrl() {
		github.resetAll();
		github.stubFor(get("/repos/ada-lovelace/analytical-engine/issues/1").willReturn(okJson(
				"{\"number\":1,\"title\":\"Difference engine drifts\",\"state\":\"open\",\"user\":{\"login\":\"ada-lovelace\"}}")));
		this.runner.run((context) -> {
			FakeProviderTokens tokens = (FakeProviderTokens) context.getBean(ProviderTokens.class);
			ToolHandler handler = handlers(context.getBeansOfType(ToolHandlers.class).values()).get("github_get_issue");
			Map<String, Object> result = ToolCalls.answer(handler,
					ToolCalls.call("github_get_issue", Map.of("repo", "ada-lovelace/analytical-engine", "number", 1)));
			assertThat(result).containsKey("issue");
			github.verify(getRequestedFor(urlPathEqualTo("/repos/ada-lovelace/analytical-engine/issues/1"))
				.withHeader("Authorization", equalTo("Bearer " + FakeProviderTokens.TOKEN)));
			assertThat(tokens.reads()).containsExactly(ToolCalls.USER + " github");
		});
	}

	private static Map<String, ToolHandler> handlers(Iterable<ToolHandlers> groups) {
		Map<String, ToolHandler> all = new HashMap<>();
		groups.forEach((group) -> all.putAll(group.handlers()));
		return all;
	}

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties(ProviderProperties.class)
	static class Properties {

	}

}
