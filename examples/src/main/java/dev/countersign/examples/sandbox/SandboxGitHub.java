package dev.countersign.examples.sandbox;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.function.UnaryOperator;

import org.jspecify.annotations.Nullable;

import dev.countersign.server.tool.ToolCatalog;

/**
 * Each sandbox user's view of GitHub, seeded the first time the user is seen: the user's
 * login ({@value #ADA_LOGIN} for {@code ada}, else the user name), the private repository
 * {@value #ENGINE} (owned by {@value #ADA_LOGIN}, the user a collaborator unless the
 * owner) with issues and a pull request, and the public repository {@value #NOTES}. Every
 * user gets a copy of their own. Thread-safe; issues are replaced atomically.
 */
final class SandboxGitHub {

	static final String ADA_LOGIN = "ada-lovelace";

	static final String CHARLES_LOGIN = "charles-babbage";

	/** The private repository. */
	static final String ENGINE = ToolCatalog.EXAMPLE_REPO;

	/** The public repository. */
	static final String NOTES = ADA_LOGIN + "/notes";

	/** An open bug with labels. */
	static final int CARRY_BUG = ToolCatalog.EXAMPLE_ISSUE;

	/** The open, mergeable pull request that fixes {@link #CARRY_BUG}. */
	static final int CARRY_FIX = ToolCatalog.EXAMPLE_PULL_REQUEST;

	/** An open documentation issue. */
	static final int BERNOULLI_DOCS = 3;

	/** A closed bug. */
	static final int CARD_READER = 4;

	/** The head commit of {@link #CARRY_FIX}. */
	static final String CARRY_FIX_SHA = "6dcb09b5b57875f334f61aebed695e2e4193db5e";

	static final String MAIN_SHA = "9a1c3e5f7b2d4f6a8c0e1b3d5f7a9c2e4b6d8f0a";

	/** Label colours and descriptions, as GitHub's defaults. */
	static final Map<String, Label> LABELS = Map.of("bug", new Label(1, "d73a4a", "Something isn't working"),
			"good first issue", new Label(2, "7057ff", "Good for newcomers"), "documentation",
			new Label(3, "0075ca", "Improvements or additions to documentation"), "enhancement",
			new Label(4, "a2eeef", "New feature or request"));

	private final Clock clock;

	private final Map<String, Account> accounts = new ConcurrentHashMap<>();

	private final AtomicLong commentIds = new AtomicLong(1_500_000_000L);

	SandboxGitHub(Clock clock) {
		this.clock = clock;
	}

	/**
	 * The time a change is stamped with, in whole seconds as GitHub's.
	 * @return now
	 */
	Instant now() {
		return this.clock.instant().truncatedTo(ChronoUnit.SECONDS);
	}

	/**
	 * A new comment id, unique across users.
	 * @return the id
	 */
	long nextCommentId() {
		return this.commentIds.incrementAndGet();
	}

	/**
	 * A user's GitHub account, seeding it on first use.
	 * @param user the sandbox user name
	 * @return the account
	 */
	Account account(String user) {
		return this.accounts.computeIfAbsent(user, this::seed);
	}

	static String login(String user) {
		return SandboxUsers.DEFAULT_USER.equals(user) ? ADA_LOGIN : user;
	}

	/**
	 * A stable numeric id for a login, as GitHub's user ids.
	 * @param login the login
	 * @return the id
	 */
	static long userId(String login) {
		if (ADA_LOGIN.equals(login)) {
			return 1815;
		}
		if (CHARLES_LOGIN.equals(login)) {
			return 1791;
		}
		return 100_000L + (login.hashCode() & 0xFFFFFL);
	}

	private Account seed(String user) {
		Instant now = this.clock.instant().truncatedTo(ChronoUnit.SECONDS);
		Instant created = now.minus(Duration.ofDays(400));
		Account account = new Account(login(user));
		Repository engine = new Repository(602_214_076L, ADA_LOGIN, "analytical-engine", true,
				"The Analytical Engine: mill, store and card reader.", created, now.minus(Duration.ofHours(20)));
		engine.put(new GitHubIssue(CARRY_BUG, "Carry propagation fails for 40-digit numbers", """
				Adding two 40-digit numbers whose sum overflows the mill drops the final carry.

				Steps: load 9…9 (40 digits) into both columns, run ADD, read the result column.""", "open", null,
				List.of("bug", "good first issue"), ADA_LOGIN, now.minus(Duration.ofDays(6)),
				now.minus(Duration.ofDays(1)), null, 2, null));
		engine.put(new GitHubIssue(CARRY_FIX, "Fix carry propagation in the mill",
				"Fixes #" + CARRY_BUG + ". Anticipating carriage, as in the Difference Engine.", "open", null,
				List.of("bug"), CHARLES_LOGIN, now.minus(Duration.ofDays(2)), now.minus(Duration.ofHours(20)), null, 1,
				new GitHubIssue.PullRequest("fix/carry-propagation", CARRY_FIX_SHA, "main", MAIN_SHA, false, true, null,
						3, 42, 7, 2)));
		engine.put(new GitHubIssue(BERNOULLI_DOCS, "Document the Bernoulli numbers program",
				"Note G computes Bernoulli numbers; the README should walk through it.", "open", null,
				List.of("documentation"), ADA_LOGIN, now.minus(Duration.ofDays(20)), now.minus(Duration.ofDays(20)),
				null, 0, null));
		engine.put(new GitHubIssue(CARD_READER, "Card reader jams on operation cards", "Fixed by cleaning the reader.",
				"closed", "completed", List.of("bug"), CHARLES_LOGIN, now.minus(Duration.ofDays(40)),
				now.minus(Duration.ofDays(30)), now.minus(Duration.ofDays(30)), 3, null));
		Repository notes = new Repository(602_214_077L, ADA_LOGIN, "notes", false,
				"Notes on the Analytical Engine (Sketch of the Analytical Engine, notes A to G).", created,
				now.minus(Duration.ofDays(3)));
		notes.put(new GitHubIssue(1, "Typeset the table of Note G", null, "open", null, List.of("enhancement"),
				ADA_LOGIN, now.minus(Duration.ofDays(10)), now.minus(Duration.ofDays(10)), null, 0, null));
		account.add(engine);
		account.add(notes);
		return account;
	}

	/**
	 * One user's GitHub: their login and the repositories they can see.
	 */
	static final class Account {

		private final String login;

		private final Map<String, Repository> repositories = new ConcurrentHashMap<>();

		Account(String login) {
			this.login = login;
		}

		String login() {
			return this.login;
		}

		/**
		 * A repository, by {@code owner/name}, case-insensitively as GitHub.
		 * @param owner the owner
		 * @param name the name
		 * @return the repository, or empty
		 */
		Optional<Repository> find(String owner, String name) {
			return Optional.ofNullable(this.repositories.get((owner + "/" + name).toLowerCase(Locale.ROOT)));
		}

		List<Repository> repositories() {
			return new ArrayList<>(this.repositories.values());
		}

		void add(Repository repository) {
			this.repositories.put(repository.fullName().toLowerCase(Locale.ROOT), repository);
		}

	}

	/**
	 * A repository and its issues and pull requests.
	 */
	static final class Repository {

		private final long id;

		private final String owner;

		private final String name;

		private final boolean isPrivate;

		private final String description;

		private final Instant createdAt;

		private final Instant pushedAt;

		private final ConcurrentSkipListMap<Integer, GitHubIssue> issues = new ConcurrentSkipListMap<>();

		private final Map<Integer, List<Comment>> comments = new ConcurrentHashMap<>();

		Repository(long id, String owner, String name, boolean isPrivate, String description, Instant createdAt,
				Instant pushedAt) {
			this.id = id;
			this.owner = owner;
			this.name = name;
			this.isPrivate = isPrivate;
			this.description = description;
			this.createdAt = createdAt;
			this.pushedAt = pushedAt;
		}

		long id() {
			return this.id;
		}

		String owner() {
			return this.owner;
		}

		String name() {
			return this.name;
		}

		String fullName() {
			return this.owner + "/" + this.name;
		}

		boolean isPrivate() {
			return this.isPrivate;
		}

		String description() {
			return this.description;
		}

		Instant createdAt() {
			return this.createdAt;
		}

		Instant pushedAt() {
			return this.pushedAt;
		}

		String defaultBranch() {
			return "main";
		}

		/**
		 * The issues and pull requests, newest first.
		 * @return a snapshot
		 */
		List<GitHubIssue> issues() {
			return new ArrayList<>(this.issues.descendingMap().values());
		}

		Optional<GitHubIssue> find(int number) {
			return Optional.ofNullable(this.issues.get(number));
		}

		/**
		 * Stores an issue, replacing one with the same number.
		 * @param issue the issue
		 */
		synchronized void put(GitHubIssue issue) {
			this.issues.put(issue.number(), issue);
		}

		/**
		 * Creates an issue or pull request under the next free number, atomically.
		 * @param issue makes the issue for its number
		 * @return the stored issue
		 */
		synchronized GitHubIssue create(IntFunction<GitHubIssue> issue) {
			GitHubIssue created = issue.apply(nextNumber());
			this.issues.put(created.number(), created);
			return created;
		}

		/**
		 * Changes an issue atomically.
		 * @param number the number
		 * @param change makes the new value from the current one; may throw to refuse
		 * @return the stored issue, or empty when there is none with that number
		 */
		synchronized Optional<GitHubIssue> update(int number, UnaryOperator<GitHubIssue> change) {
			GitHubIssue current = this.issues.get(number);
			if (current == null) {
				return Optional.empty();
			}
			GitHubIssue changed = change.apply(current);
			this.issues.put(number, changed);
			return Optional.of(changed);
		}

		/**
		 * Adds a comment to an issue or pull request and counts it, atomically.
		 * @param number the issue number
		 * @param comment makes the comment from the issue it is added to
		 * @return the comment, or empty when there is no issue with that number
		 */
		synchronized Optional<Comment> comment(int number, Function<GitHubIssue, Comment> comment) {
			GitHubIssue current = this.issues.get(number);
			if (current == null) {
				return Optional.empty();
			}
			Comment added = comment.apply(current);
			this.issues.put(number,
					new GitHubIssue(current.number(), current.title(), current.body(), current.state(),
							current.stateReason(), current.labels(), current.author(), current.createdAt(),
							added.createdAt(), current.closedAt(), current.comments() + 1, current.pullRequest()));
			this.comments.computeIfAbsent(number, (key) -> new ArrayList<>()).add(added);
			return Optional.of(added);
		}

		/**
		 * The comments added to an issue or pull request in this sandbox, oldest first
		 * (the seeded issues' earlier comments are counted but have no text).
		 * @param number the issue number
		 * @return a snapshot
		 */
		synchronized List<Comment> comments(int number) {
			return List.copyOf(this.comments.getOrDefault(number, List.of()));
		}

		/**
		 * Moves a pull request's head to a new commit, as a push to its branch does: a
		 * merge asked for with the old head is then refused. A test hook.
		 * @param number the pull request number
		 * @param headSha the new head commit, 40 hex digits
		 * @param at when it was pushed
		 * @return the pull request, or empty when there is no pull request with that
		 * number
		 */
		synchronized Optional<GitHubIssue> push(int number, String headSha, Instant at) {
			GitHubIssue current = this.issues.get(number);
			if (current == null || current.pullRequest() == null) {
				return Optional.empty();
			}
			GitHubIssue.PullRequest pull = current.pullRequest();
			GitHubIssue pushed = new GitHubIssue(current.number(), current.title(), current.body(), current.state(),
					current.stateReason(), current.labels(), current.author(), current.createdAt(), at,
					current.closedAt(), current.comments(),
					new GitHubIssue.PullRequest(pull.headRef(), headSha, pull.baseRef(), pull.baseSha(), pull.draft(),
							pull.mergeable(), pull.mergedAt(), pull.commits() + 1, pull.additions(), pull.deletions(),
							pull.changedFiles()));
			this.issues.put(number, pushed);
			return Optional.of(pushed);
		}

		/**
		 * The next free number, for an issue or pull request to be created.
		 * @return the number
		 */
		int nextNumber() {
			@Nullable Integer last = this.issues.isEmpty() ? null : this.issues.lastKey();
			return (last != null) ? last + 1 : 1;
		}

	}

	/**
	 * A comment on an issue or pull request.
	 *
	 * @param id its id, unique across users
	 * @param number the issue or pull request it is on
	 * @param body the Markdown text
	 * @param author the author's login
	 * @param createdAt when it was posted
	 */
	record Comment(long id, int number, String body, String author, Instant createdAt) {
	}

	/**
	 * A label's look.
	 *
	 * @param id its id
	 * @param color its colour, six hex digits
	 * @param description what it means
	 */
	record Label(long id, String color, String description) {
	}

}
