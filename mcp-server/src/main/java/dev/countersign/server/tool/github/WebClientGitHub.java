package dev.countersign.server.tool.github;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

import dev.countersign.server.auth.Caller;
import dev.countersign.server.provider.ProviderHttp;
import dev.countersign.server.provider.ProviderJson;

/**
 * GitHub's REST API over WebClient: reads of issues and pull requests, answered in the
 * tools' snake_case shape; failures are {@link dev.countersign.server.tool.ToolFailure}s
 * (see {@link ProviderHttp}). Thread-safe.
 */
public final class WebClientGitHub {

	/** GitHub's media type for REST v3. */
	public static final String MEDIA_TYPE = "application/vnd.github+json";

	/** The REST API version Countersign speaks. */
	public static final String API_VERSION = "2022-11-28";

	private final ProviderHttp http;

	/**
	 * An adapter over the given HTTP access, whose base URL is the API's
	 * ({@code https://api.github.com}) and whose requests carry {@link #MEDIA_TYPE} and
	 * {@link #API_VERSION} (see {@link #configure(ProviderHttp.Builder)}).
	 * @param http the HTTP access for the {@code github} connection
	 */
	public WebClientGitHub(ProviderHttp http) {
		this.http = Objects.requireNonNull(http, "http must not be null");
	}

	/**
	 * Adds the headers GitHub expects on every request.
	 * @param builder the builder of the HTTP access
	 * @return the builder
	 */
	public static ProviderHttp.Builder configure(ProviderHttp.Builder builder) {
		return builder.defaultHeader("Accept", MEDIA_TYPE)
			.defaultHeader("X-GitHub-Api-Version", API_VERSION)
			.defaultHeader("User-Agent", "Countersign");
	}

	/**
	 * Lists a repository's issues, newest first. GitHub lists pull requests as issues
	 * too; they are left out, so fewer than {@code perPage} may come back.
	 * @param caller the caller
	 * @param repo the repository
	 * @param state open, closed or all
	 * @param labels labels every issue must have; none for any
	 * @param perPage the most items GitHub sends
	 * @return the issues as tool results
	 */
	public Mono<List<Map<String, Object>>> listIssues(Caller caller, Repository repo, String state, List<String> labels,
			int perPage) {
		return this.http.read(caller, "repository " + repo, (client) -> client.get().uri((uri) -> {
			uri.path("/repos/{owner}/{repo}/issues").queryParam("state", "{state}").queryParam("per_page", "{perPage}");
			Map<String, Object> variables = new LinkedHashMap<>();
			variables.put("owner", repo.owner());
			variables.put("repo", repo.name());
			variables.put("state", state);
			variables.put("perPage", perPage);
			if (!labels.isEmpty()) {
				uri.queryParam("labels", "{labels}");
				variables.put("labels", String.join(",", labels));
			}
			return uri.build(variables);
		}))
			.map((issues) -> issues.values()
				.stream()
				// GitHub REST: "every pull request is an issue"; those carry a
				// pull_request key.
				.filter((item) -> !item.has("pull_request"))
				.map(WebClientGitHub::issue)
				.toList());
	}

	/**
	 * Gets one issue (a pull request's number answers it as an issue).
	 * @param caller the caller
	 * @param repo the repository
	 * @param number the issue number
	 * @return the issue as a tool result
	 */
	public Mono<Map<String, Object>> getIssue(Caller caller, Repository repo, long number) {
		return this.http
			.read(caller, "issue #" + number + " in " + repo,
					(client) -> client.get()
						.uri("/repos/{owner}/{repo}/issues/{number}", repo.owner(), repo.name(), number))
			.map(WebClientGitHub::issue);
	}

	/**
	 * Gets one pull request.
	 * @param caller the caller
	 * @param repo the repository
	 * @param number the pull request number
	 * @return the pull request as a tool result
	 */
	public Mono<Map<String, Object>> getPullRequest(Caller caller, Repository repo, long number) {
		return this.http
			.read(caller, "pull request #" + number + " in " + repo,
					(client) -> client.get()
						.uri("/repos/{owner}/{repo}/pulls/{number}", repo.owner(), repo.name(), number))
			.map(WebClientGitHub::pullRequest);
	}

	/**
	 * Finds one issue or pull request (GitHub answers a pull request's number as an issue
	 * too).
	 * @param caller the caller
	 * @param repo the repository
	 * @param number the number
	 * @return the issue as a tool result; empty when GitHub has none with that number (or
	 * the account cannot see it)
	 */
	public Mono<Map<String, Object>> findIssue(Caller caller, Repository repo, long number) {
		return this.http
			.find(caller, "issue #" + number + " in " + repo,
					(client) -> client.get()
						.uri("/repos/{owner}/{repo}/issues/{number}", repo.owner(), repo.name(), number))
			.map(WebClientGitHub::issue);
	}

	/**
	 * Finds one pull request.
	 * @param caller the caller
	 * @param repo the repository
	 * @param number the pull request number
	 * @return the pull request as a tool result ({@code state}, {@code merged},
	 * {@code head_sha}, …); empty when GitHub has no pull request with that number (or
	 * the account cannot see it)
	 */
	public Mono<Map<String, Object>> findPullRequest(Caller caller, Repository repo, long number) {
		return this.http
			.find(caller, "pull request #" + number + " in " + repo,
					(client) -> client.get()
						.uri("/repos/{owner}/{repo}/pulls/{number}", repo.owner(), repo.name(), number))
			.map(WebClientGitHub::pullRequest);
	}

	/**
	 * Whether a repository is private and inside the connected account: owned by the
	 * account itself or by an organisation (GitHub shows an organisation's private
	 * repositories to its members and invited collaborators only). Reads {@code GET
	 * /repos/{owner}/{repo}}, then {@code GET /user} when a user owns it.
	 * @param caller the caller
	 * @param repo the repository
	 * @return true for a private repository of the account or one of its organisations,
	 * false for a public one or another user's; empty when the repository does not exist
	 * or the account cannot see it; a {@link dev.countersign.server.tool.ToolFailure}
	 * when GitHub cannot be read
	 */
	public Mono<Boolean> isOwnPrivateRepository(Caller caller, Repository repo) {
		return this.http
			.find(caller, "repository " + repo,
					(client) -> client.get().uri("/repos/{owner}/{repo}", repo.owner(), repo.name()))
			.flatMap((found) -> {
				if (!found.path("private").asBoolean(false)) {
					return Mono.just(false);
				}
				JsonNode owner = found.path("owner");
				if ("Organization".equals(owner.path("type").asString(""))) {
					return Mono.just(true);
				}
				String login = owner.path("login").asString("");
				return this.http.read(caller, "the connected account", (client) -> client.get().uri("/user"))
					.map((user) -> login.equalsIgnoreCase(user.path("login").asString("")));
			});
	}

	static Map<String, Object> issue(JsonNode item) {
		Map<String, Object> issue = new LinkedHashMap<>();
		issue.put("number", item.path("number").asLong());
		issue.put("title", item.path("title").asString(""));
		issue.put("state", item.path("state").asString(""));
		ProviderJson.putString(issue, "body", item.path("body"));
		ProviderJson.putString(issue, "author", item.path("user").path("login"));
		ProviderJson.putList(issue, "labels", ProviderJson.strings(item.path("labels"), "name"));
		ProviderJson.putString(issue, "html_url", item.path("html_url"));
		ProviderJson.putString(issue, "created_at", item.path("created_at"));
		return issue;
	}

	static Map<String, Object> pullRequest(JsonNode item) {
		Map<String, Object> pull = new LinkedHashMap<>();
		pull.put("number", item.path("number").asLong());
		pull.put("title", item.path("title").asString(""));
		pull.put("state", item.path("state").asString(""));
		ProviderJson.putBoolean(pull, "merged", item.path("merged"));
		// GitHub answers mergeable: null while it is still computing; then it is omitted.
		ProviderJson.putBoolean(pull, "mergeable", item.path("mergeable"));
		ProviderJson.putString(pull, "head_sha", item.path("head").path("sha"));
		ProviderJson.putString(pull, "head_ref", item.path("head").path("ref"));
		ProviderJson.putString(pull, "base_ref", item.path("base").path("ref"));
		ProviderJson.putString(pull, "author", item.path("user").path("login"));
		ProviderJson.putString(pull, "body", item.path("body"));
		ProviderJson.putString(pull, "html_url", item.path("html_url"));
		return pull;
	}

}
