package dev.countersign.examples.sandbox;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * An issue or pull request of an emulated GitHub repository (GitHub numbers both in one
 * sequence, and lists pull requests among issues). Immutable: a change stores a new
 * value.
 *
 * @param number the number
 * @param title the title
 * @param body the Markdown body, or null
 * @param state {@code open} or {@code closed}
 * @param stateReason {@code completed}, {@code not_planned}, {@code reopened} or null
 * @param labels label names
 * @param author the author's login
 * @param createdAt when it was opened
 * @param updatedAt when it last changed
 * @param closedAt when it was closed, or null
 * @param comments how many comments it has
 * @param pullRequest the pull request details, or null for an issue
 */
record GitHubIssue(int number, String title, @Nullable String body, String state, @Nullable String stateReason,
		List<String> labels, String author, Instant createdAt, Instant updatedAt, @Nullable Instant closedAt,
		int comments, @Nullable PullRequest pullRequest) {

	GitHubIssue {
		Objects.requireNonNull(title, "title must not be null");
		labels = List.copyOf(labels);
	}

	boolean open() {
		return "open".equals(this.state);
	}

	/**
	 * What a pull request has beyond an issue.
	 *
	 * @param headRef the head branch
	 * @param headSha the head commit, 40 hex digits
	 * @param baseRef the base branch
	 * @param baseSha the base commit
	 * @param draft whether it is a draft
	 * @param mergeable whether it merges cleanly
	 * @param mergedAt when it was merged, or null
	 * @param commits how many commits it has
	 * @param additions lines added
	 * @param deletions lines removed
	 * @param changedFiles files changed
	 */
	record PullRequest(String headRef, String headSha, String baseRef, String baseSha, boolean draft, boolean mergeable,
			@Nullable Instant mergedAt, int commits, int additions, int deletions, int changedFiles) {

		boolean merged() {
			return this.mergedAt != null;
		}

	}

}
