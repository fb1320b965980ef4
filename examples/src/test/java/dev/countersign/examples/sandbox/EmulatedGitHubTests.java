package dev.countersign.examples.sandbox;

import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.http.MediaType;
import org.springframework.test.json.JsonCompareMode;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.countersign.server.tool.ToolCatalog;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The emulated GitHub REST API serves each user's seeded repositories to a token the
 * emulated Token Vault issued for GitHub, with GitHub's shapes and errors.
 */
class EmulatedGitHubTests {

	private static final String REPO = EmulatedGitHub.BASE_PATH + "/repos/" + ToolCatalog.EXAMPLE_REPO;

	private final Emulations emulations = new Emulations();

	private final String token = this.emulations.github("ada");

	@Test
	void userThenLoginOfTheTokensUser() {
		this.emulations.get(EmulatedGitHub.BASE_PATH + "/user", this.token)
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.login")
			.isEqualTo("ada-lovelace")
			.jsonPath("$.type")
			.isEqualTo("User");
		this.emulations.get(EmulatedGitHub.BASE_PATH + "/user", this.emulations.github("bob"))
			.expectBody()
			.jsonPath("$.login")
			.isEqualTo("bob");
	}

	@Test
	void repositoryThenPrivateOwnedByAda() {
		this.emulations.get(REPO, this.token)
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.full_name")
			.isEqualTo(ToolCatalog.EXAMPLE_REPO)
			.jsonPath("$.private")
			.isEqualTo(true)
			.jsonPath("$.owner.login")
			.isEqualTo("ada-lovelace")
			.jsonPath("$.open_issues_count")
			.isEqualTo(3)
			.jsonPath("$.permissions.admin")
			.isEqualTo(true);
		this.emulations.get(EmulatedGitHub.BASE_PATH + "/repos/ada-lovelace/notes", this.token)
			.expectBody()
			.jsonPath("$.private")
			.isEqualTo(false);
	}

	@Test
	void issuesThenOpenOnesWithPullRequestsAmongThem() {
		this.emulations.get(REPO + "/issues", this.token)
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$[*].number")
			.isEqualTo(List.of(3, 2, 1))
			.jsonPath("$[1].pull_request.html_url")
			.isEqualTo("https://github.com/" + ToolCatalog.EXAMPLE_REPO + "/pull/2")
			.jsonPath("$[2].pull_request")
			.doesNotExist()
			.jsonPath("$[2].labels[*].name")
			.isEqualTo(List.of("bug", "good first issue"));
		this.emulations.get(REPO + "/issues?state=all", this.token)
			.expectBody()
			.jsonPath("$[*].number")
			.isEqualTo(List.of(4, 3, 2, 1));
		this.emulations.get(REPO + "/issues?state=closed", this.token)
			.expectBody()
			.jsonPath("$[*].number")
			.isEqualTo(List.of(4))
			.jsonPath("$[0].state_reason")
			.isEqualTo("completed");
		this.emulations.get(REPO + "/issues?labels=bug,good%20first%20issue", this.token)
			.expectBody()
			.jsonPath("$[*].number")
			.isEqualTo(List.of(1));
		this.emulations.get(REPO + "/issues?per_page=1", this.token)
			.expectHeader()
			.valueMatches("Link", ".*page=2.*rel=\"next\".*page=3.*rel=\"last\"")
			.expectBody()
			.jsonPath("$.length()")
			.isEqualTo(1);
		this.emulations.get(REPO + "/issues?state=bogus", this.token).expectStatus().isEqualTo(422);
	}

	@Test
	void issueThenTheIssue() {
		this.emulations.get(REPO + "/issues/" + ToolCatalog.EXAMPLE_ISSUE, this.token)
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.number")
			.isEqualTo(1)
			.jsonPath("$.state")
			.isEqualTo("open")
			.jsonPath("$.user.login")
			.isEqualTo("ada-lovelace")
			.jsonPath("$.closed_at")
			.isEmpty();
	}

	@Test
	void pullRequestThenHeadBaseAndMergeability() {
		this.emulations.get(REPO + "/pulls/" + ToolCatalog.EXAMPLE_PULL_REQUEST, this.token)
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.head.sha")
			.value((String sha) -> assertThat(sha).matches("[0-9a-f]{40}"))
			.jsonPath("$.head.ref")
			.isEqualTo("fix/carry-propagation")
			.jsonPath("$.base.ref")
			.isEqualTo("main")
			.jsonPath("$.mergeable")
			.isEqualTo(true)
			.jsonPath("$.merged")
			.isEqualTo(false)
			.jsonPath("$.state")
			.isEqualTo("open")
			.jsonPath("$.user.login")
			.isEqualTo("charles-babbage")
			.jsonPath("$.html_url")
			.isEqualTo("https://github.com/" + ToolCatalog.EXAMPLE_REPO + "/pull/2");
	}

	@Test
	void notFoundThenGitHubBody() {
		for (String path : List.of(REPO + "/pulls/1", REPO + "/issues/99",
				EmulatedGitHub.BASE_PATH + "/repos/ada-lovelace/difference-engine")) {
			this.emulations.get(path, this.token)
				.expectStatus()
				.isNotFound()
				.expectBody()
				.json("""
						{"message":"Not Found","documentation_url":"https://docs.github.com/rest"}""",
						JsonCompareMode.STRICT);
		}
	}

	@Test
	void whenGoogleTokenOrNoTokenThenUnauthorized() {
		this.emulations.get(REPO, this.emulations.google("ada"))
			.expectStatus()
			.isUnauthorized()
			.expectBody()
			.jsonPath("$.message")
			.isEqualTo("Bad credentials");
		this.emulations.client.get()
			.uri(REPO)
			.exchange()
			.expectStatus()
			.isUnauthorized()
			.expectBody()
			.jsonPath("$.message")
			.isEqualTo("Requires authentication");
	}

	@Test
	void whenFaultInjectedThenGitHubError() {
		this.emulations.faults.github().failNext(1, 502);
		this.emulations.get(REPO, this.token)
			.expectStatus()
			.isEqualTo(502)
			.expectBody()
			.jsonPath("$.message")
			.isEqualTo("Bad Gateway");
		this.emulations.get(REPO, this.token).expectStatus().isOk();
	}

	@Test
	void commentThenListedOnTheIssueWithGitHubsShape() {
		this.emulations.client.post()
			.uri(REPO + "/issues/" + SandboxGitHub.CARRY_FIX + "/comments")
			.header("Authorization", "Bearer " + this.token)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"body\":\"Looks right to me.\"}")
			.exchange()
			.expectStatus()
			.isCreated();
		this.emulations.get(REPO + "/issues/" + SandboxGitHub.CARRY_FIX + "/comments", this.token)
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.length()")
			.isEqualTo(1)
			.jsonPath("$[0].body")
			.isEqualTo("Looks right to me.")
			.jsonPath("$[0].user.login")
			.isEqualTo(SandboxGitHub.ADA_LOGIN)
			.jsonPath("$[0].html_url")
			.value((String url) -> assertThat(url).startsWith("https://github.com/" + ToolCatalog.EXAMPLE_REPO
					+ "/pull/" + SandboxGitHub.CARRY_FIX + "#issuecomment-"));
		this.emulations.get(REPO + "/issues/" + SandboxGitHub.BERNOULLI_DOCS + "/comments", this.token)
			.expectBody()
			.json("[]", JsonCompareMode.STRICT);
		this.emulations.get(REPO + "/issues/99/comments", this.token).expectStatus().isNotFound();
		// another user's sandbox has its own copy of the repository
		this.emulations.get(REPO + "/issues/" + SandboxGitHub.CARRY_FIX + "/comments", this.emulations.github("grace"))
			.expectBody()
			.json("[]", JsonCompareMode.STRICT);
	}

	@Test
	void pushThenTheOldHeadCannotBeMergedAndTheNewOneCan() {
		String pull = REPO + "/pulls/" + SandboxGitHub.CARRY_FIX;
		String moved = "1f0e2d3c4b5a69788796a5b4c3d2e1f001234567";
		assertThat(this.emulations.github.account("ada")
			.find("ada-lovelace", "analytical-engine")
			.orElseThrow()
			.push(SandboxGitHub.CARRY_FIX, moved, Emulations.START)).isPresent();
		this.emulations.get(pull, this.token).expectBody().jsonPath("$.head.sha").isEqualTo(moved);
		merge(pull, SandboxGitHub.CARRY_FIX_SHA).expectStatus()
			.isEqualTo(409)
			.expectBody()
			.jsonPath("$.message")
			.isEqualTo("Head branch was modified. Review and try the merge again.");
		this.emulations.get(pull, this.token).expectBody().jsonPath("$.merged").isEqualTo(false);
		merge(pull, moved).expectStatus().isOk().expectBody().jsonPath("$.merged").isEqualTo(true);
		this.emulations.get(pull, this.token).expectBody().jsonPath("$.merged").isEqualTo(true);
		merge(pull, moved).expectStatus()
			.isEqualTo(405)
			.expectBody()
			.jsonPath("$.message")
			.isEqualTo("Pull Request is not mergeable");
	}

	private WebTestClient.ResponseSpec merge(String pull, String sha) {
		return this.emulations.client.put()
			.uri(pull + "/merge")
			.header("Authorization", "Bearer " + this.token)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"sha\":\"" + sha + "\",\"merge_method\":\"merge\"}")
			.exchange();
	}

}
