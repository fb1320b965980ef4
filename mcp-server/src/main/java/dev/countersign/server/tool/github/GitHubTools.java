package dev.countersign.server.tool.github;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.countersign.policy.tool.ToolDescriptor;
import dev.countersign.server.provider.ProviderHttp;
import dev.countersign.server.provider.ProviderProperties;
import dev.countersign.server.provider.ProviderTokens;
import dev.countersign.server.tool.Arguments;
import dev.countersign.server.tool.ToolArgumentException;
import dev.countersign.server.tool.ToolHandler;
import dev.countersign.server.tool.ToolHandlers;

/**
 * {@code github_list_issues}, {@code github_get_issue} and
 * {@code github_get_pull_request}: reads of GitHub repositories the caller's connected
 * account can see.
 */
@Configuration(proxyBeanMethods = false)
public class GitHubTools {

	private static final List<String> STATES = List.of("open", "closed", "all");

	@Bean
	WebClientGitHub gitHub(ProviderProperties properties, ProviderTokens tokens,
			CircuitBreakerRegistry providerCircuitBreakers, Clock clock) {
		return new WebClientGitHub(WebClientGitHub
			.configure(ProviderHttp.builder("GitHub", ToolDescriptor.GITHUB, properties.effectiveGithubUrl(), tokens,
					providerCircuitBreakers.circuitBreaker(ProviderHttp.GITHUB)))
			.timeout(properties.effectiveTimeout())
			.clock(clock)
			.build());
	}

	@Bean
	ToolHandlers gitHubToolHandlers(WebClientGitHub gitHub) {
		return () -> Map.of("github_list_issues", listIssues(gitHub), "github_get_issue", getIssue(gitHub),
				"github_get_pull_request", getPullRequest(gitHub));
	}

	static ToolHandler listIssues(WebClientGitHub gitHub) {
		return (call) -> {
			Arguments args = call.arguments();
			Repository repo = Repository.parse("repo", args.requireString("repo"));
			String state = args.optionalString("state").orElse("open");
			if (!STATES.contains(state)) {
				throw new ToolArgumentException("state", "it must be one of " + STATES + ", but was " + state);
			}
			List<String> labels = args.optionalStrings("labels");
			int limit = args.optionalInt("limit", 20, 1, 100);
			return gitHub.listIssues(call.caller(), repo, state, labels, limit).map((issues) -> {
				Map<String, Object> result = new LinkedHashMap<>();
				result.put("issues", issues);
				result.put("count", issues.size());
				return result;
			});
		};
	}

	static ToolHandler getIssue(WebClientGitHub gitHub) {
		return (call) -> {
			Arguments args = call.arguments();
			Repository repo = Repository.parse("repo", args.requireString("repo"));
			return gitHub.getIssue(call.caller(), repo, number(args))
				.map((issue) -> Map.<String, Object>of("issue", issue));
		};
	}

	static ToolHandler getPullRequest(WebClientGitHub gitHub) {
		return (call) -> {
			Arguments args = call.arguments();
			Repository repo = Repository.parse("repo", args.requireString("repo"));
			return gitHub.getPullRequest(call.caller(), repo, number(args))
				.map((pull) -> Map.<String, Object>of("pull_request", pull));
		};
	}

	private static long number(Arguments args) {
		long number = args.optionalLong("number")
			.orElseThrow(() -> new ToolArgumentException("number", "it is required"));
		if (number < 1 || number > Integer.MAX_VALUE) {
			throw new ToolArgumentException("number", "it must be a positive issue number, but was " + number);
		}
		return number;
	}

}
