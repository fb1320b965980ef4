package dev.countersign.server.tool.github;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.http.MediaType;

import dev.countersign.policy.action.Action;
import dev.countersign.server.approval.ProviderWriter;
import dev.countersign.server.approval.WriteOutcomeUnknownException;
import dev.countersign.server.approval.WriteRejectedException;
import dev.countersign.server.provider.ProviderWriteHttp;

/**
 * Executes approved {@code github_create_issue} actions: {@code POST
 * /repos/{owner}/{repo}/issues} with {@code title}, {@code body} and {@code labels}
 * exactly as frozen, sent once. Answers {@code {issue:{…}}} in the read tools' shape.
 * Thread-safe.
 */
public final class WebClientGitHubWriter implements ProviderWriter {

	private final ProviderWriteHttp http;

	/**
	 * A writer over the given HTTP access, whose base URL is the API's and whose requests
	 * carry GitHub's media type and API version (see
	 * {@link #configure(ProviderWriteHttp.Builder)}).
	 * @param http the write access to GitHub
	 */
	public WebClientGitHubWriter(ProviderWriteHttp http) {
		this.http = Objects.requireNonNull(http, "http must not be null");
	}

	/**
	 * Adds the headers GitHub expects on every request.
	 * @param builder the builder of the write access
	 * @return the builder
	 */
	public static ProviderWriteHttp.Builder configure(ProviderWriteHttp.Builder builder) {
		return builder.defaultHeader("Accept", WebClientGitHub.MEDIA_TYPE)
			.defaultHeader("X-GitHub-Api-Version", WebClientGitHub.API_VERSION)
			.defaultHeader("User-Agent", "Countersign");
	}

	@Override
	public Set<String> tools() {
		return Set.of("github_create_issue");
	}

	@Override
	public Mono<Map<String, Object>> execute(Action action, @Nullable String providerToken) {
		if (providerToken == null) {
			return Mono.error(new WriteRejectedException("No GitHub token was obtained; nothing was sent."));
		}
		Map<String, @Nullable Object> args = action.arguments();
		Repository repo = Repository.parse("repo", (String) Objects.requireNonNull(args.get("repo")));
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("title", Objects.requireNonNull(args.get("title")));
		if (args.get("body") != null) {
			body.put("body", args.get("body"));
		}
		if (args.get("labels") instanceof List<?> labels && !labels.isEmpty()) {
			body.put("labels", labels);
		}
		String what = "the new issue in " + repo;
		return this.http
			.send(providerToken,
					(client) -> client.post()
						.uri("/repos/{owner}/{repo}/issues", repo.owner(), repo.name())
						.contentType(MediaType.APPLICATION_JSON)
						.bodyValue(body))
			.switchIfEmpty(Mono.error(() -> new WriteOutcomeUnknownException(
					"GitHub answered the new issue in " + repo + " without its content; check the repository.")))
			.<Map<String, Object>>map((issue) -> {
				if (!issue.path("number").isNumber()) {
					throw new WriteOutcomeUnknownException("GitHub answered the new issue in " + repo
							+ " in a form Countersign could not read; check the repository.");
				}
				return Map.of("issue", WebClientGitHub.issue(issue));
			})
			.onErrorMap((ex) -> this.http.explain(ex, what, providerToken, "The repository " + repo
					+ " was not found on GitHub, or the connected account cannot write to it; nothing was created."));
	}

}
