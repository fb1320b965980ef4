package dev.countersign.server.tool.github;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClientResponseException;

import dev.countersign.policy.action.Action;
import dev.countersign.server.approval.ProviderWriter;
import dev.countersign.server.approval.WriteOutcomeUnknownException;
import dev.countersign.server.approval.WriteRejectedException;
import dev.countersign.server.provider.ProviderJson;
import dev.countersign.server.provider.ProviderWriteHttp;

/**
 * Executes approved GitHub writes, each sent once with the arguments exactly as frozen
 * (never retried: see {@link ProviderWriteHttp}). Thread-safe.
 * <ul>
 * <li>{@code github_create_issue}: {@code POST /repos/{owner}/{repo}/issues} with
 * {@code title}, {@code body} and {@code labels}; answers {@code {issue:{…}}} in the read
 * tools' shape.</li>
 * <li>{@code github_comment}: {@code POST /repos/{owner}/{repo}/issues/{number}/comments}
 * with {@code body}; answers {@code {comment_id, html_url}}.</li>
 * <li>{@code github_merge_pull_request}: {@code PUT
 * /repos/{owner}/{repo}/pulls/{number}/merge} with the frozen head SHA as {@code sha}, so
 * GitHub refuses a branch that moved after the approval (409 → {@value #PULL_MOVED}); a
 * pull request that cannot be merged (405) fails with GitHub's message. Answers
 * {@code {sha, merged}}.</li>
 * </ul>
 */
public final class WebClientGitHubWriter implements ProviderWriter {

	/** The reason a merge fails when the pull request's head moved after approval. */
	public static final String PULL_MOVED = "the pull request moved since you approved";

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
		return Set.of("github_create_issue", "github_comment", "github_merge_pull_request");
	}

	@Override
	public Mono<Map<String, Object>> execute(Action action, @Nullable String providerToken) {
		if (providerToken == null) {
			return Mono.error(new WriteRejectedException("No GitHub token was obtained; nothing was sent."));
		}
		return switch (action.tool()) {
			case "github_comment" -> comment(action, providerToken);
			case "github_merge_pull_request" -> merge(action, providerToken);
			default -> createIssue(action, providerToken);
		};
	}

	private Mono<Map<String, Object>> createIssue(Action action, String providerToken) {
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

	private Mono<Map<String, Object>> comment(Action action, String providerToken) {
		Map<String, @Nullable Object> args = action.arguments();
		Repository repo = Repository.parse("repo", (String) Objects.requireNonNull(args.get("repo")));
		long number = ((Number) Objects.requireNonNull(args.get("number"))).longValue();
		Map<String, Object> body = Map.of("body", Objects.requireNonNull(args.get("body")));
		String what = "a comment on " + repo + "#" + number;
		return this.http
			.send(providerToken,
					(client) -> client.post()
						.uri("/repos/{owner}/{repo}/issues/{number}/comments", repo.owner(), repo.name(), number)
						.contentType(MediaType.APPLICATION_JSON)
						.bodyValue(body))
			.switchIfEmpty(Mono.error(() -> new WriteOutcomeUnknownException(
					"GitHub answered " + what + " without its content; check the issue.")))
			.<Map<String, Object>>map((comment) -> {
				if (!comment.path("id").isNumber()) {
					throw new WriteOutcomeUnknownException(
							"GitHub answered " + what + " in a form Countersign could not read; check the issue.");
				}
				Map<String, Object> result = new LinkedHashMap<>();
				result.put("comment_id", comment.path("id").asLong());
				ProviderJson.putString(result, "html_url", comment.path("html_url"));
				return result;
			})
			.onErrorMap((ex) -> this.http.explain(ex, what, providerToken, "Issue #" + number + " in " + repo
					+ " was not found on GitHub, or the connected account cannot comment on it; nothing was posted."));
	}

	private Mono<Map<String, Object>> merge(Action action, String providerToken) {
		Map<String, @Nullable Object> args = action.arguments();
		Repository repo = Repository.parse("repo", (String) Objects.requireNonNull(args.get("repo")));
		long number = ((Number) Objects.requireNonNull(args.get("number"))).longValue();
		if (!(action.preconditions().get("head_sha") instanceof String headSha)) {
			return Mono.error(new WriteRejectedException(
					"The approved merge carries no head commit to compare; nothing was merged."));
		}
		Map<String, Object> body = new LinkedHashMap<>();
		// GitHub refuses with 409 when the head is no longer this commit.
		body.put("sha", headSha);
		body.put("merge_method", (args.get("merge_method") != null) ? args.get("merge_method") : "merge");
		if (args.get("commit_title") != null) {
			body.put("commit_title", args.get("commit_title"));
		}
		String what = "the merge of pull request #" + number + " in " + repo;
		return this.http
			.send(providerToken,
					(client) -> client.put()
						.uri("/repos/{owner}/{repo}/pulls/{number}/merge", repo.owner(), repo.name(), number)
						.contentType(MediaType.APPLICATION_JSON)
						.bodyValue(body))
			.switchIfEmpty(Mono.error(() -> new WriteOutcomeUnknownException(
					"GitHub answered " + what + " without its content; check the pull request.")))
			.<Map<String, Object>>map((merged) -> {
				if (!merged.path("sha").isString() || !merged.path("merged").isBoolean()) {
					throw new WriteOutcomeUnknownException("GitHub answered " + what
							+ " in a form Countersign could not read; check the pull request.");
				}
				return Map.of("sha", merged.path("sha").asString(), "merged", merged.path("merged").asBoolean());
			})
			.onErrorMap((ex) -> (ex instanceof WebClientResponseException response
					&& response.getStatusCode().value() == HttpStatus.CONFLICT.value())
							? new WriteRejectedException(PULL_MOVED) : ex)
			.onErrorMap((ex) -> this.http.explain(ex, what, providerToken, "Pull request #" + number + " in " + repo
					+ " was not found on GitHub, or the connected account cannot merge it; nothing was merged."));
	}

}
