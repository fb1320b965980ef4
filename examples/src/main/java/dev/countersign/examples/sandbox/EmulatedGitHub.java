package dev.countersign.examples.sandbox;

import java.net.URI;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * An EMULATED GitHub REST API under {@value #BASE_PATH}: {@code GET /user}, {@code GET
 * /repos/{owner}/{repo}}, {@code GET /repos/{owner}/{repo}/issues} (with {@code state},
 * {@code labels}, {@code per_page}, {@code page}; pull requests are items with a
 * {@code pull_request} key), {@code GET /repos/{owner}/{repo}/issues/{number}} and
 * {@code GET /repos/{owner}/{repo}/pulls/{number}} and {@code GET
 * /repos/{owner}/{repo}/issues/{number}/comments} (the comments posted in the sandbox),
 * over the user's view in {@link SandboxGitHub}; and the writes {@code POST
 * /repos/{owner}/{repo}/issues}, {@code POST
 * /repos/{owner}/{repo}/issues/{number}/comments} and {@code PUT
 * /repos/{owner}/{repo}/pulls/{number}/merge} (with an optional {@code sha} that must be
 * the head's, else 409), each counted in {@link ProviderWrites}. Answers and errors have
 * GitHub's shapes; URLs inside answers are GitHub's own.
 */
final class EmulatedGitHub extends EmulatedProviderApi {

	static final String BASE_PATH = "/sandbox/github";

	static final int DEFAULT_PER_PAGE = 30;

	static final int MAX_PER_PAGE = 100;

	private static final String API = "https://api.github.com";

	private static final String WEB = "https://github.com";

	private static final String DOCS = "https://docs.github.com/rest";

	private static final Set<String> STATES = Set.of("open", "closed", "all");

	private final SandboxGitHub github;

	private final ProviderWrites writes;

	private final SecureRandom random = new SecureRandom();

	EmulatedGitHub(SandboxGitHub github, EmulatedProviderTokens tokens, ProviderFaults faults, ProviderWrites writes) {
		super(tokens, EmulatedTokenVault.GITHUB, faults.github());
		this.github = github;
		this.writes = writes;
	}

	RouterFunction<ServerResponse> routes() {
		return RouterFunctions.route()
			.GET(BASE_PATH + "/user", authorized(this::user))
			.GET(BASE_PATH + "/repos/{owner}/{repo}", authorized(this::repository))
			.GET(BASE_PATH + "/repos/{owner}/{repo}/issues", authorized(this::issues))
			.GET(BASE_PATH + "/repos/{owner}/{repo}/issues/{number}", authorized(this::issue))
			.GET(BASE_PATH + "/repos/{owner}/{repo}/issues/{number}/comments", authorized(this::comments))
			.GET(BASE_PATH + "/repos/{owner}/{repo}/pulls/{number}", authorized(this::pullRequest))
			.POST(BASE_PATH + "/repos/{owner}/{repo}/issues", authorizedWrite(this::createIssue))
			.POST(BASE_PATH + "/repos/{owner}/{repo}/issues/{number}/comments", authorizedWrite(this::comment))
			.PUT(BASE_PATH + "/repos/{owner}/{repo}/pulls/{number}/merge", authorizedWrite(this::merge))
			.build();
	}

	@Override
	Mono<ServerResponse> unauthenticated(boolean presented) {
		return ServerResponse.status(HttpStatus.UNAUTHORIZED)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Json.object("message", presented ? "Bad credentials" : "Requires authentication",
					"documentation_url", DOCS, "status", "401"));
	}

	@Override
	Mono<ServerResponse> error(ProviderApiException error) {
		ServerResponse.BodyBuilder response = ServerResponse.status(error.status())
			.contentType(MediaType.APPLICATION_JSON);
		if (error.status() == HttpStatus.TOO_MANY_REQUESTS) {
			response.header("x-ratelimit-remaining", "0").header(HttpHeaders.RETRY_AFTER, "60");
		}
		return response.bodyValue(Json.object("message", error.getMessage(), "documentation_url", DOCS));
	}

	@Override
	String faultMessage(HttpStatus status) {
		return (status == HttpStatus.TOO_MANY_REQUESTS) ? "API rate limit exceeded" : status.getReasonPhrase();
	}

	private Mono<ServerResponse> user(ServerRequest request, EmulatedProviderTokens.Grant grant) {
		SandboxGitHub.Account account = this.github.account(grant.user());
		String login = account.login();
		Map<String, @Nullable Object> user = user(login);
		user.put("name", SandboxGitHub.ADA_LOGIN.equals(login) ? "Ada Lovelace" : login);
		user.put("company", null);
		user.put("blog", "");
		user.put("location", null);
		user.put("email", SandboxUsers.email(grant.user()));
		user.put("bio", null);
		user.put("public_repos",
				account.repositories()
					.stream()
					.filter((repo) -> !repo.isPrivate() && repo.owner().equals(login))
					.count());
		user.put("followers", 0);
		user.put("following", 0);
		user.put("created_at", "2015-12-10T09:00:00Z");
		user.put("updated_at", "2015-12-10T09:00:00Z");
		return ok(user);
	}

	private Mono<ServerResponse> repository(ServerRequest request, EmulatedProviderTokens.Grant grant) {
		SandboxGitHub.Account account = this.github.account(grant.user());
		return ok(repository(requireRepository(request, account), account.login()));
	}

	private Mono<ServerResponse> issues(ServerRequest request, EmulatedProviderTokens.Grant grant) {
		SandboxGitHub.Account account = this.github.account(grant.user());
		SandboxGitHub.Repository repository = requireRepository(request, account);
		String state = request.queryParam("state").orElse("open");
		if (!STATES.contains(state)) {
			throw new ProviderApiException(HttpStatus.UNPROCESSABLE_CONTENT, "Validation Failed", "invalid");
		}
		List<String> labels = request.queryParam("labels")
			.map((value) -> Arrays.stream(value.split(","))
				.map(String::trim)
				.filter((label) -> !label.isEmpty())
				.toList())
			.orElse(List.of());
		int perPage = Pages.size(request.queryParam("per_page").orElse(null), DEFAULT_PER_PAGE, MAX_PER_PAGE);
		int page = Math.max(1, Pages.size(request.queryParam("page").orElse(null), 1, Integer.MAX_VALUE));
		List<GitHubIssue> matching = repository.issues()
			.stream()
			.filter((issue) -> state.equals("all") || state.equals(issue.state()))
			.filter((issue) -> issue.labels()
				.stream()
				.map((label) -> label.toLowerCase(Locale.ROOT))
				.toList()
				.containsAll(labels.stream().map((label) -> label.toLowerCase(Locale.ROOT)).toList()))
			.toList();
		long offset = (long) (page - 1) * perPage;
		List<GitHubIssue> items = (offset >= matching.size()) ? List.of() : Pages.page(matching, (int) offset, perPage);
		ServerResponse.BodyBuilder response = ServerResponse.ok().contentType(MediaType.APPLICATION_JSON);
		int lastPage = Math.max(1, (matching.size() + perPage - 1) / perPage);
		if (page < lastPage) {
			// GitHub paginates with a Link header (RFC 8288).
			response.header(HttpHeaders.LINK, "<" + pageUri(request.uri(), page + 1) + ">; rel=\"next\", <"
					+ pageUri(request.uri(), lastPage) + ">; rel=\"last\"");
		}
		return response.bodyValue(items.stream().map((issue) -> issue(repository, issue)).toList());
	}

	private Mono<ServerResponse> issue(ServerRequest request, EmulatedProviderTokens.Grant grant) {
		SandboxGitHub.Account account = this.github.account(grant.user());
		SandboxGitHub.Repository repository = requireRepository(request, account);
		GitHubIssue issue = repository.find(number(request)).orElseThrow(EmulatedGitHub::notFound);
		return ok(issue(repository, issue));
	}

	private Mono<ServerResponse> pullRequest(ServerRequest request, EmulatedProviderTokens.Grant grant) {
		SandboxGitHub.Account account = this.github.account(grant.user());
		SandboxGitHub.Repository repository = requireRepository(request, account);
		GitHubIssue issue = repository.find(number(request))
			.filter((candidate) -> candidate.pullRequest() != null)
			.orElseThrow(EmulatedGitHub::notFound);
		return ok(pullRequest(repository, issue, account.login()));
	}

	private Mono<ServerResponse> createIssue(ServerRequest request, EmulatedProviderTokens.Grant grant) {
		SandboxGitHub.Account account = this.github.account(grant.user());
		SandboxGitHub.Repository repository = requireRepository(request, account);
		return body(request).map((body) -> {
			String title = text(body, "title");
			if (title == null || title.isBlank()) {
				throw new ProviderApiException(HttpStatus.UNPROCESSABLE_CONTENT,
						"Invalid request.\n\n\"title\" wasn't supplied.", "invalid");
			}
			List<String> labels = new ArrayList<>();
			JsonNode labelNames = body.get("labels");
			if (labelNames != null && labelNames.isArray()) {
				labelNames.forEach((label) -> labels.add(label.isString() ? label.asString() : label.toString()));
			}
			Instant now = this.github.now();
			GitHubIssue created = repository.create((number) -> new GitHubIssue(number, title, text(body, "body"),
					"open", null, labels, account.login(), now, now, null, 0, null));
			this.writes.record(grant.user(), ProviderWrites.GITHUB_ISSUE);
			return created;
		}).flatMap((created) -> {
			Map<String, @Nullable Object> json = issue(repository, created);
			return ServerResponse.status(HttpStatus.CREATED)
				.header(HttpHeaders.LOCATION, String.valueOf(json.get("url")))
				.contentType(MediaType.APPLICATION_JSON)
				.bodyValue(json);
		});
	}

	private Mono<ServerResponse> comment(ServerRequest request, EmulatedProviderTokens.Grant grant) {
		SandboxGitHub.Account account = this.github.account(grant.user());
		SandboxGitHub.Repository repository = requireRepository(request, account);
		int number = number(request);
		return body(request).flatMap((body) -> {
			String text = text(body, "body");
			if (text == null || text.isBlank()) {
				throw new ProviderApiException(HttpStatus.UNPROCESSABLE_CONTENT,
						"Invalid request.\n\n\"body\" wasn't supplied.", "invalid");
			}
			Instant now = this.github.now();
			long id = this.github.nextCommentId();
			SandboxGitHub.Comment added = repository
				.comment(number, (issue) -> new SandboxGitHub.Comment(id, number, text, account.login(), now))
				.orElseThrow(EmulatedGitHub::notFound);
			this.writes.record(grant.user(), ProviderWrites.GITHUB_COMMENT);
			Map<String, @Nullable Object> json = comment(repository, added);
			String url = String.valueOf(json.get("url"));
			return ServerResponse.status(HttpStatus.CREATED)
				.header(HttpHeaders.LOCATION, url)
				.contentType(MediaType.APPLICATION_JSON)
				.bodyValue(json);
		});
	}

	private Mono<ServerResponse> comments(ServerRequest request, EmulatedProviderTokens.Grant grant) {
		SandboxGitHub.Account account = this.github.account(grant.user());
		SandboxGitHub.Repository repository = requireRepository(request, account);
		int number = number(request);
		repository.find(number).orElseThrow(EmulatedGitHub::notFound);
		return ok(repository.comments(number).stream().map((comment) -> comment(repository, comment)).toList());
	}

	private static Map<String, @Nullable Object> comment(SandboxGitHub.Repository repository,
			SandboxGitHub.Comment comment) {
		boolean pull = repository.find(comment.number()).map((issue) -> issue.pullRequest() != null).orElse(false);
		String url = API + "/repos/" + repository.fullName() + "/issues/comments/" + comment.id();
		return Json.object("id", comment.id(), "node_id", "IC_sandbox_" + comment.id(), "url", url, "html_url",
				WEB + "/" + repository.fullName() + (pull ? "/pull/" : "/issues/") + comment.number() + "#issuecomment-"
						+ comment.id(),
				"body", comment.body(), "user", user(comment.author()), "created_at", Json.seconds(comment.createdAt()),
				"updated_at", Json.seconds(comment.createdAt()), "issue_url",
				API + "/repos/" + repository.fullName() + "/issues/" + comment.number(), "author_association",
				association(repository, comment.author()));
	}

	private Mono<ServerResponse> merge(ServerRequest request, EmulatedProviderTokens.Grant grant) {
		SandboxGitHub.Account account = this.github.account(grant.user());
		SandboxGitHub.Repository repository = requireRepository(request, account);
		int number = number(request);
		return body(request).flatMap((body) -> {
			String sha = text(body, "sha");
			byte[] commit = new byte[20];
			this.random.nextBytes(commit);
			String mergeSha = HexFormat.of().formatHex(commit);
			Instant now = this.github.now();
			repository.update(number, (current) -> {
				GitHubIssue.PullRequest pull = current.pullRequest();
				if (pull == null) {
					throw notFound();
				}
				if (pull.merged() || !current.open() || !pull.mergeable()) {
					throw new ProviderApiException(HttpStatus.METHOD_NOT_ALLOWED, "Pull Request is not mergeable",
							"notMergeable");
				}
				// The precondition Countersign relies on: a moved head refuses the merge.
				if (sha != null && !sha.equals(pull.headSha())) {
					throw new ProviderApiException(HttpStatus.CONFLICT,
							"Head branch was modified. Review and try the merge again.", "conflict");
				}
				GitHubIssue.PullRequest merged = new GitHubIssue.PullRequest(pull.headRef(), pull.headSha(),
						pull.baseRef(), pull.baseSha(), pull.draft(), pull.mergeable(), now, pull.commits(),
						pull.additions(), pull.deletions(), pull.changedFiles());
				return new GitHubIssue(current.number(), current.title(), current.body(), "closed", null,
						current.labels(), current.author(), current.createdAt(), now, now, current.comments(), merged);
			}).orElseThrow(EmulatedGitHub::notFound);
			this.writes.record(grant.user(), ProviderWrites.GITHUB_MERGE);
			return ok(Json.object("sha", mergeSha, "merged", true, "message", "Pull Request successfully merged"));
		});
	}

	// A JSON object body; an empty body is an empty object.
	private static Mono<JsonNode> body(ServerRequest request) {
		return request.bodyToMono(JsonNode.class)
			.onErrorMap((ex) -> !(ex instanceof ProviderApiException),
					(ex) -> ProviderApiException.badRequest("Problems parsing JSON"))
			.defaultIfEmpty(JsonMapper.shared().createObjectNode())
			.map((body) -> {
				if (!body.isObject()) {
					throw ProviderApiException.badRequest("Problems parsing JSON");
				}
				return body;
			});
	}

	private static @Nullable String text(JsonNode node, String field) {
		JsonNode value = node.get(field);
		return (value != null && value.isString()) ? value.asString() : null;
	}

	private static Map<String, @Nullable Object> user(String login) {
		return Json.object("login", login, "id", SandboxGitHub.userId(login), "node_id", "U_sandbox_" + login,
				"avatar_url", "https://avatars.githubusercontent.com/u/" + SandboxGitHub.userId(login) + "?v=4",
				"gravatar_id", "", "url", API + "/users/" + login, "html_url", WEB + "/" + login, "type", "User",
				"site_admin", false);
	}

	private static Map<String, @Nullable Object> repository(SandboxGitHub.Repository repository, String login) {
		boolean owner = repository.owner().equals(login);
		long openIssues = repository.issues().stream().filter(GitHubIssue::open).count();
		Map<String, @Nullable Object> json = Json.object("id", repository.id(), "node_id",
				"R_sandbox_" + repository.id(), "name", repository.name(), "full_name", repository.fullName(),
				"private", repository.isPrivate(), "owner", user(repository.owner()), "html_url",
				WEB + "/" + repository.fullName(), "description", repository.description(), "fork", false, "url",
				API + "/repos/" + repository.fullName());
		json.put("created_at", Json.seconds(repository.createdAt()));
		json.put("updated_at", Json.seconds(repository.pushedAt()));
		json.put("pushed_at", Json.seconds(repository.pushedAt()));
		json.put("homepage", null);
		json.put("size", 1024);
		json.put("stargazers_count", repository.isPrivate() ? 0 : 12);
		json.put("watchers_count", repository.isPrivate() ? 0 : 12);
		json.put("language", "Java");
		json.put("has_issues", true);
		json.put("forks_count", 0);
		json.put("archived", false);
		json.put("disabled", false);
		json.put("open_issues_count", openIssues);
		json.put("license", null);
		json.put("visibility", repository.isPrivate() ? "private" : "public");
		json.put("default_branch", repository.defaultBranch());
		json.put("permissions",
				Json.object("admin", owner, "maintain", owner, "push", true, "triage", true, "pull", true));
		return json;
	}

	private static Map<String, @Nullable Object> issue(SandboxGitHub.Repository repository, GitHubIssue issue) {
		String repoUrl = API + "/repos/" + repository.fullName();
		String url = repoUrl + "/issues/" + issue.number();
		GitHubIssue.PullRequest pull = issue.pullRequest();
		String htmlUrl = WEB + "/" + repository.fullName() + ((pull != null) ? "/pull/" : "/issues/") + issue.number();
		Map<String, @Nullable Object> json = Json.object("url", url, "repository_url", repoUrl, "labels_url",
				url + "/labels{/name}", "comments_url", url + "/comments", "events_url", url + "/events", "html_url",
				htmlUrl, "id", issueId(repository, issue), "node_id", "I_sandbox_" + issueId(repository, issue),
				"number", issue.number(), "title", issue.title(), "user", user(issue.author()), "labels",
				labels(repository, issue), "state", issue.state(), "locked", false, "assignee", null, "assignees",
				List.of(), "milestone", null, "comments", issue.comments(), "created_at",
				Json.seconds(issue.createdAt()), "updated_at", Json.seconds(issue.updatedAt()), "closed_at",
				Json.seconds(issue.closedAt()), "author_association", association(repository, issue.author()),
				"active_lock_reason", null);
		if (pull != null) {
			json.put("draft", pull.draft());
			json.put("pull_request",
					Json.object("url", repoUrl + "/pulls/" + issue.number(), "html_url", htmlUrl, "diff_url",
							htmlUrl + ".diff", "patch_url", htmlUrl + ".patch", "merged_at",
							Json.seconds(pull.mergedAt())));
		}
		json.put("body", issue.body());
		json.put("state_reason", issue.stateReason());
		return json;
	}

	private static Map<String, @Nullable Object> pullRequest(SandboxGitHub.Repository repository, GitHubIssue issue,
			String login) {
		GitHubIssue.PullRequest pull = issue.pullRequest();
		if (pull == null) {
			throw notFound();
		}
		String repoUrl = API + "/repos/" + repository.fullName();
		String htmlUrl = WEB + "/" + repository.fullName() + "/pull/" + issue.number();
		Map<String, @Nullable Object> json = Json.object("url", repoUrl + "/pulls/" + issue.number(), "id",
				issueId(repository, issue) + 1_000_000, "node_id", "PR_sandbox_" + issueId(repository, issue),
				"html_url", htmlUrl, "diff_url", htmlUrl + ".diff", "patch_url", htmlUrl + ".patch", "issue_url",
				repoUrl + "/issues/" + issue.number(), "number", issue.number(), "state", issue.state(), "locked",
				false, "title", issue.title(), "user", user(issue.author()), "body", issue.body(), "created_at",
				Json.seconds(issue.createdAt()), "updated_at", Json.seconds(issue.updatedAt()), "closed_at",
				Json.seconds(issue.closedAt()), "merged_at", Json.seconds(pull.mergedAt()), "merge_commit_sha", null,
				"assignee", null, "assignees", List.of(), "requested_reviewers", List.of(), "labels",
				labels(repository, issue), "draft", pull.draft());
		Map<String, @Nullable Object> repo = repository(repository, login);
		json.put("head", Json.object("label", repository.owner() + ":" + pull.headRef(), "ref", pull.headRef(), "sha",
				pull.headSha(), "user", user(repository.owner()), "repo", repo));
		json.put("base", Json.object("label", repository.owner() + ":" + pull.baseRef(), "ref", pull.baseRef(), "sha",
				pull.baseSha(), "user", user(repository.owner()), "repo", repo));
		json.put("author_association", association(repository, issue.author()));
		json.put("merged", pull.merged());
		json.put("mergeable", issue.open() ? pull.mergeable() : null);
		json.put("rebaseable", issue.open() ? pull.mergeable() : null);
		json.put("mergeable_state", !issue.open() ? "unknown" : pull.mergeable() ? "clean" : "dirty");
		json.put("merged_by", null);
		json.put("comments", issue.comments());
		json.put("review_comments", 0);
		json.put("maintainer_can_modify", false);
		json.put("commits", pull.commits());
		json.put("additions", pull.additions());
		json.put("deletions", pull.deletions());
		json.put("changed_files", pull.changedFiles());
		return json;
	}

	private static List<Map<String, @Nullable Object>> labels(SandboxGitHub.Repository repository, GitHubIssue issue) {
		return issue.labels().stream().map((name) -> {
			SandboxGitHub.Label label = SandboxGitHub.LABELS.getOrDefault(name,
					new SandboxGitHub.Label(99, "ededed", ""));
			long id = repository.id() * 100 + label.id();
			return Json.object("id", id, "node_id", "LA_sandbox_" + id, "url",
					API + "/repos/" + repository.fullName() + "/labels/" + name.replace(" ", "%20"), "name", name,
					"color", label.color(), "default", true, "description", label.description());
		}).toList();
	}

	private static long issueId(SandboxGitHub.Repository repository, GitHubIssue issue) {
		return repository.id() * 1000 + issue.number();
	}

	private static String association(SandboxGitHub.Repository repository, String author) {
		return repository.owner().equals(author) ? "OWNER" : "COLLABORATOR";
	}

	private static SandboxGitHub.Repository requireRepository(ServerRequest request, SandboxGitHub.Account account) {
		return account.find(request.pathVariable("owner"), request.pathVariable("repo"))
			.orElseThrow(EmulatedGitHub::notFound);
	}

	private static int number(ServerRequest request) {
		try {
			return Integer.parseInt(request.pathVariable("number"));
		}
		catch (NumberFormatException ex) {
			throw notFound();
		}
	}

	private static String pageUri(URI uri, int page) {
		String path = uri.getRawPath();
		String query = UriComponentsBuilder.fromUri(uri).replaceQueryParam("page", page).build().getQuery();
		return API + path.substring(BASE_PATH.length()) + ((query != null) ? "?" + query : "");
	}

	private static ProviderApiException notFound() {
		return ProviderApiException.notFound("Not Found");
	}

	private static Mono<ServerResponse> ok(Object body) {
		return ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(body);
	}

}
