package dev.countersign.server.approval;

import java.util.List;
import java.util.function.Predicate;

import org.junit.jupiter.api.Test;

import dev.countersign.policy.action.Action;
import dev.countersign.policy.action.TestActions;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the phone shows for {@code deal_update}, {@code github_comment} and
 * {@code github_merge_pull_request}: the target, the readable name frozen beside it, and
 * for a deal the stage it leaves.
 */
class DealGitHubPresentationTests {

	private final Predicate<String> external = (email) -> true;

	@Test
	void dealUpdateShowsTheDealsNameAndTheStageItLeaves() {
		Action update = TestActions.action()
			.tool("deal_update", "deals")
			.argument("deal_id", "D-1001")
			.argument("deal_name", "Analytics platform renewal")
			.argument("from_stage", "proposal")
			.argument("stage", "closed_won")
			.argument("amount", 26000)
			.build();
		assertThat(BatchPresentation.line(1, update, this.external)).isEqualTo(
				"1. deal_update: deal D-1001 'Analytics platform renewal': stage proposal -> closed_won, amount -> 26000");
	}

	@Test
	void dealUpdateQuotesAndCleansANewName() {
		Action rename = TestActions.action()
			.tool("deal_update", "deals")
			.argument("deal_id", "D-1002")
			.argument("deal_name", "Data warehouse pilot")
			.argument("name", "Rollout\u202e\nnow")
			.argument("contact_ids", List.of("C-2001", "C-2002"))
			.build();
		assertThat(BatchPresentation.line(2, rename, this.external)).isEqualTo(
				"2. deal_update: deal D-1002 'Data warehouse pilot': name -> 'Rollout now', contact_ids -> [C-2001, C-2002]");
	}

	@Test
	void githubCommentShowsTheTargetAndTheBeginningOfTheBody() {
		Action comment = TestActions.action()
			.tool("github_comment", "github")
			.argument("repo", "ada-lovelace/analytical-engine")
			.argument("number", 1)
			.argument("body", "Reproduced on main.\n\nThe carry is lost after digit 40; ".repeat(4))
			.build();
		String line = BatchPresentation.line(1, comment, this.external);
		assertThat(line).startsWith(
				"1. github_comment: ada-lovelace/analytical-engine#1: comment 'Reproduced on main. The carry is lost")
			.endsWith("…'")
			.doesNotContain("\n");
	}

	@Test
	void mergeShowsTheTargetTitleAndMethod() {
		Action merge = TestActions.action()
			.tool("github_merge_pull_request", "github")
			.argument("repo", "ada-lovelace/analytical-engine")
			.argument("number", 2)
			.argument("merge_method", "squash")
			.argument("title", "Fix carry propagation in the mill")
			.build();
		assertThat(BatchPresentation.line(1, merge, this.external)).isEqualTo(
				"1. github_merge_pull_request: ada-lovelace/analytical-engine#2 'Fix carry propagation in the mill' (squash)");
	}

}
