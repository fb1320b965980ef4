package dev.countersign.server.tool;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

import dev.countersign.policy.deal.DealStage;
import dev.countersign.policy.deal.DemoDeals;
import dev.countersign.policy.tool.Risk;
import dev.countersign.policy.tool.ToolDescriptor;

import static dev.countersign.policy.tool.ToolDescriptor.DEALS;
import static dev.countersign.policy.tool.ToolDescriptor.GITHUB;
import static dev.countersign.policy.tool.ToolDescriptor.GOOGLE;

/**
 * Every tool Countersign serves (DESIGN §5), built from its descriptor. Examples in the
 * input schemas name the sandbox's seeded data, so a client can call any tool from its
 * schema alone.
 */
public final class ToolCatalog {

	/** A seeded GitHub repository of the sandbox user. */
	public static final String EXAMPLE_REPO = "ada-lovelace/analytical-engine";

	/** A seeded issue number in {@link #EXAMPLE_REPO}. */
	public static final int EXAMPLE_ISSUE = 1;

	/** A seeded pull request number in {@link #EXAMPLE_REPO}. */
	public static final int EXAMPLE_PULL_REQUEST = 2;

	/** A seeded calendar event id. */
	public static final String EXAMPLE_EVENT_ID = "q4planning01";

	/** A seeded Gmail message id. */
	public static final String EXAMPLE_MESSAGE_ID = "18f2a9c4d5e6b701";

	/** A recipient in the seeded contacts. */
	public static final String EXAMPLE_RECIPIENT = "grace.hopper@northwind.example";

	/** The shape of an action id. */
	public static final String EXAMPLE_ACTION_ID = "act_01JD8X5Q3M7V2K9T4N6P8R0W1Y";

	private final List<ToolDefinition> tools;

	private final Map<String, ToolDefinition> byName;

	private ToolCatalog(List<ToolDefinition> tools) {
		this.tools = List.copyOf(tools);
		this.byName = this.tools.stream().collect(Collectors.toMap(ToolDefinition::name, Function.identity()));
	}

	/**
	 * The catalog.
	 * @return every tool, in a stable order
	 */
	public static ToolCatalog create() {
		return new ToolCatalog(List.of(calendarListEvents(), calendarFindFreeTime(), calendarCreateEvent(),
				calendarDeleteEvent(), emailSearch(), emailGet(), emailCreateDraft(), emailSend(), dealList(),
				dealGet(), dealCreate(), dealUpdate(), contactSearch(), githubListIssues(), githubGetIssue(),
				githubGetPullRequest(), githubCreateIssue(), githubComment(), githubMergePullRequest(), actionStatus(),
				listPendingActions(), cancelAction()));
	}

	public List<ToolDefinition> tools() {
		return this.tools;
	}

	public Optional<ToolDefinition> find(String name) {
		return Optional.ofNullable(this.byName.get(name));
	}

	// Calendar

	private static ToolDefinition calendarListEvents() {
		return read(ToolDescriptor.read("calendar_list_events", GOOGLE), "List calendar events",
				"Lists events on the user's primary Google Calendar between two times (default: now to 14 days ahead), soonest first.",
				timeBounds().optional("query", Schema.string("Free text that events must match.").length(1, 200))
					.optional("max_results", limit(25, 100)),
				Schema.result("").required("events", Schema.array("The events.", event())).required("count", count()));
	}

	private static ToolDefinition calendarFindFreeTime() {
		return read(ToolDescriptor.read("calendar_find_free_time", GOOGLE), "Find free time",
				"Finds free slots of at least the given length on the user's primary calendar between two times (default: now to 14 days ahead), using Google's free/busy data.",
				timeBounds()
					.required("duration_minutes",
							Schema.integer("The length of slot needed, in minutes.").range(5, 480).examples(30))
					.optional("max_slots", limit(5, 20)),
				Schema.result("")
					.required("slots",
							Schema.array("Free slots, earliest first.",
									Schema.result("A free slot.")
										.required("start", dateTime("Start of the slot."))
										.required("end", dateTime("End of the slot."))))
					.required("count", count()));
	}

	private static ToolDefinition calendarCreateEvent() {
		return write(ToolDescriptor.write("calendar_create_event", GOOGLE, Risk.LOW), "Create calendar event",
				"Creates an event on the user's primary Google Calendar. Held for the user's approval; inviting attendees raises the risk.",
				Schema.object()
					.required("summary", Schema.string("The event title.").length(1, 300).examples("Pipeline review"))
					.required("start", dateTime("When it starts.").examples("2026-12-01T15:00:00Z"))
					.required("end", dateTime("When it ends; after start.").examples("2026-12-01T15:30:00Z"))
					.optional("description", Schema.string("Details for the invitation.").length(0, 8000))
					.optional("location", Schema.string("Where it takes place.").length(0, 500))
					.optional("attendees", emails("People to invite.", 0)),
				event(), true);
	}

	private static ToolDefinition calendarDeleteEvent() {
		return write(ToolDescriptor.destructiveWrite("calendar_delete_event", GOOGLE, Risk.MEDIUM),
				"Delete calendar event",
				"Deletes an event from the user's primary Google Calendar. Held for the user's approval, and refused if the event changed after they approved.",
				Schema.object()
					.required("event_id", Schema.string("The event's id.").length(1, 1024).examples(EXAMPLE_EVENT_ID)),
				Schema.result("").required("event_id", Schema.string("The deleted event.")), true);
	}

	// Email

	private static ToolDefinition emailSearch() {
		return read(ToolDescriptor.read("email_search", GOOGLE), "Search email",
				"Searches the user's Gmail with Gmail's query syntax (from:, subject:, newer_than:, …), newest first.",
				Schema.object()
					.required("query", Schema.string("A Gmail search query.").length(1, 500).examples("renewal"))
					.optional("max_results", limit(10, 50)),
				Schema.result("")
					.required("messages",
							Schema.array("Matching messages.",
									Schema.result("A message summary.")
										.required("id", Schema.string("The message id."))
										.required("thread_id", Schema.string("The thread id."))
										.optional("from", Schema.string("The sender."))
										.optional("subject", Schema.string("The subject."))
										.optional("date", Schema.string("When it was sent."))
										.optional("snippet", Schema.string("A short excerpt."))))
					.required("count", count()));
	}

	private static ToolDefinition emailGet() {
		return read(ToolDescriptor.read("email_get", GOOGLE), "Read email",
				"Reads one Gmail message: headers and the plain-text body.",
				Schema.object()
					.required("message_id",
							Schema.string("The message id, from email_search.")
								.length(1, 200)
								.examples(EXAMPLE_MESSAGE_ID)),
				Schema.result("")
					.required("id", Schema.string("The message id."))
					.required("thread_id", Schema.string("The thread id."))
					.optional("from", Schema.string("The sender."))
					.optional("to", Schema.array("Recipients.", Schema.string("")))
					.optional("cc", Schema.array("Copied recipients.", Schema.string("")))
					.optional("subject", Schema.string("The subject."))
					.optional("date", Schema.string("When it was sent."))
					.optional("body", Schema.string("The plain-text body."))
					.optional("attachments", Schema.array("Attachment file names.", Schema.string(""))));
	}

	private static ToolDefinition emailCreateDraft() {
		return write(ToolDescriptor.write("email_create_draft", GOOGLE, Risk.LOW), "Create email draft",
				"Saves a draft in the user's Gmail without sending it. Held for the user's approval.", message(),
				Schema.result("")
					.required("draft_id", Schema.string("The draft id."))
					.optional("message_id", Schema.string("The draft's message id.")),
				false);
	}

	private static ToolDefinition emailSend() {
		return write(ToolDescriptor.destructiveWrite("email_send", GOOGLE, Risk.HIGH), "Send email",
				"Sends an email from the user's Gmail. Held for the user's approval; the exact message approved is the one sent.",
				message(),
				Schema.result("")
					.required("message_id", Schema.string("The sent message id."))
					.optional("thread_id", Schema.string("The thread it belongs to.")),
				false);
	}

	// Deals

	private static ToolDefinition dealList() {
		return read(ToolDescriptor.read("deal_list", DEALS), "List deals",
				"Lists the user's deals, most recently updated first, optionally filtered by stage, minimum amount or company.",
				Schema.object()
					.optional("stage", stage("Only deals in this stage."))
					.optional("min_amount", Schema.integer("Only deals worth at least this much.").minimum(0))
					.optional("company", Schema.string("Only deals whose company contains this text.").length(1, 200))
					.optional("limit", limit(20, 100)),
				Schema.result("").required("deals", Schema.array("The deals.", deal())).required("count", count()));
	}

	private static ToolDefinition dealGet() {
		return read(ToolDescriptor.read("deal_get", DEALS), "Get deal", "Gets one deal and its contacts.",
				Schema.object().required("deal_id", dealId()),
				Schema.result("")
					.required("deal", deal())
					.required("contacts", Schema.array("The deal's contacts.", contact())));
	}

	private static ToolDefinition dealCreate() {
		return write(ToolDescriptor.write("deal_create", DEALS, Risk.LOW), "Create deal",
				"Creates a deal in the user's pipeline. Held for the user's approval.",
				Schema.object()
					.required("name",
							Schema.string("A short name for the deal.").length(1, 200).examples("Analytics add-on"))
					.required("company", Schema.string("The customer.").length(1, 200).examples("Northwind Traders"))
					.required("amount", amount())
					.optional("stage", stage("The starting stage; lead when omitted.").defaultValue("lead"))
					.optional("currency", currency())
					.optional("contact_ids",
							Schema.array("Contacts on the deal.", Schema.string("A contact id.")).items(0, 20)),
				Schema.result("").required("deal", deal()), false);
	}

	private static ToolDefinition dealUpdate() {
		return write(ToolDescriptor.write("deal_update", DEALS, Risk.MEDIUM), "Update deal",
				"Changes a deal's name, stage, amount or contacts; at least one of them is required. Held for the user's approval, and refused if the deal changed after they approved.",
				Schema.object()
					.required("deal_id", dealId())
					.optional("name", Schema.string("A new name.").length(1, 200))
					.optional("stage", stage("The new stage."))
					.optional("amount", amount())
					.optional("contact_ids",
							Schema.array("The new contacts.", Schema.string("A contact id.")).items(0, 20)),
				Schema.result("").required("deal", deal()), true);
	}

	private static ToolDefinition contactSearch() {
		return read(ToolDescriptor.read("contact_search", DEALS), "Search contacts",
				"Finds the user's contacts whose name, email or company contains the text.",
				Schema.object()
					.required("query",
							Schema.string("Text to look for.").length(1, 200).examples(DemoDeals.EXAMPLE_CONTACT_QUERY))
					.optional("limit", limit(10, 50)),
				Schema.result("")
					.required("contacts", Schema.array("The contacts.", contact()))
					.required("count", count()));
	}

	// GitHub

	private static ToolDefinition githubListIssues() {
		return read(ToolDescriptor.read("github_list_issues", GITHUB), "List GitHub issues",
				"Lists issues of a GitHub repository, newest first.",
				Schema.object()
					.required("repo", repo())
					.optional("state",
							Schema.string("Which issues: open, closed or all.")
								.oneOf(List.of("open", "closed", "all"))
								.defaultValue("open"))
					.optional("labels",
							Schema.array("Only issues with all these labels.", Schema.string("A label.")).items(0, 10))
					.optional("limit", limit(20, 100)),
				Schema.result("").required("issues", Schema.array("The issues.", issue())).required("count", count()));
	}

	private static ToolDefinition githubGetIssue() {
		return read(ToolDescriptor.read("github_get_issue", GITHUB), "Get GitHub issue",
				"Gets one issue of a GitHub repository with its body.",
				Schema.object().required("repo", repo()).required("number", number("The issue number.", EXAMPLE_ISSUE)),
				Schema.result("").required("issue", issue()));
	}

	private static ToolDefinition githubGetPullRequest() {
		return read(ToolDescriptor.read("github_get_pull_request", GITHUB), "Get GitHub pull request",
				"Gets one pull request of a GitHub repository: state, branches, head commit and mergeability.",
				Schema.object()
					.required("repo", repo())
					.required("number", number("The pull request number.", EXAMPLE_PULL_REQUEST)),
				Schema.result("").required("pull_request", pullRequest()));
	}

	private static ToolDefinition githubCreateIssue() {
		return write(ToolDescriptor.write("github_create_issue", GITHUB, Risk.LOW), "Create GitHub issue",
				"Opens an issue in a GitHub repository. Held for the user's approval; a public repository or one outside the user's account raises the risk.",
				Schema.object()
					.required("repo", repo())
					.required("title",
							Schema.string("The issue title.")
								.length(1, 256)
								.examples("Difference engine drifts after 10 000 cycles"))
					.optional("body", Schema.string("The issue body, in Markdown.").length(0, 65536))
					.optional("labels", Schema.array("Labels to add.", Schema.string("A label.")).items(0, 10)),
				Schema.result("").required("issue", issue()), false);
	}

	private static ToolDefinition githubComment() {
		return write(ToolDescriptor.write("github_comment", GITHUB, Risk.LOW), "Comment on GitHub",
				"Adds a comment to an issue or pull request. Held for the user's approval; a public repository or one outside the user's account raises the risk.",
				Schema.object()
					.required("repo", repo())
					.required("number", number("The issue or pull request number.", EXAMPLE_ISSUE))
					.required("body",
							Schema.string("The comment, in Markdown.")
								.length(1, 65536)
								.examples("Reproduced on main; looking into it.")),
				Schema.result("")
					.required("comment_id", Schema.integer("The comment id."))
					.optional("html_url", Schema.string("Where to see it.")),
				false);
	}

	private static ToolDefinition githubMergePullRequest() {
		return write(ToolDescriptor.destructiveWrite("github_merge_pull_request", GITHUB, Risk.HIGH),
				"Merge GitHub pull request",
				"Merges a pull request. Held for the user's approval, and refused if the pull request moved after they approved.",
				Schema.object()
					.required("repo", repo())
					.required("number", number("The pull request number.", EXAMPLE_PULL_REQUEST))
					.optional("merge_method",
							Schema.string("How to merge.")
								.oneOf(List.of("merge", "squash", "rebase"))
								.defaultValue("merge"))
					.optional("commit_title", Schema.string("The merge commit title.").length(1, 256)),
				Schema.result("")
					.required("sha", Schema.string("The merge commit."))
					.required("merged", Schema.bool("Whether it merged.")),
				true);
	}

	// Governance

	private static ToolDefinition actionStatus() {
		return read(ToolDescriptor.governance("action_status", true), "Action status",
				"Tells where one of your queued writes stands: pending approval, approved, running, succeeded (with its result), failed (with the reason), denied, expired or cancelled.",
				Schema.object().required("action_id", actionId()), action());
	}

	private static ToolDefinition listPendingActions() {
		return read(ToolDescriptor.governance("list_pending_actions", true), "List pending actions",
				"Lists your writes that are still waiting for the user's approval, oldest first.",
				Schema.object().optional("limit", limit(20, 50)),
				Schema.result("")
					.required("actions", Schema.array("The actions.", action()))
					.required("count", count()));
	}

	private static ToolDefinition cancelAction() {
		return new ToolDefinition(ToolDescriptor.governance("cancel_action", false), "Cancel action",
				"Cancels one of your writes that is still waiting for approval. Needs no approval itself.",
				Schema.object().required("action_id", actionId()), action(), true);
	}

	// Building blocks

	private static ToolDefinition read(ToolDescriptor descriptor, String title, String description, Schema input,
			Schema output) {
		return new ToolDefinition(descriptor, title, description, input, output, true);
	}

	/**
	 * A write: every write takes an optional confidence and answers one object, either
	 * pending approval or done, discriminated by {@code status}.
	 */
	private static ToolDefinition write(ToolDescriptor descriptor, String title, String description, Schema input,
			Schema result, boolean idempotent) {
		Schema withConfidence = input.optional("confidence", Schema.number(
				"How sure you are, from 0 to 1, that the user wants exactly this action. Low confidence always asks the user.")
			.range(0, 1));
		Schema output = Schema.result(
				"Either pending_approval (with action_id, batch_id once batched, approve_by) or, when your user's policy let it run at once, succeeded (with result), failed or unknown (with reason).")
			.required("status", Schema.string(
					"pending_approval: held for the user's approval; succeeded: done; failed: it did not happen; unknown: it may have happened, the user checks; approved or executing: running now.")
				.oneOf(List.of("pending_approval", "approved", "executing", "succeeded", "failed", "unknown")))
			.optional("action_id", actionId())
			.optional("tool", Schema.string("The tool called."))
			.optional("batch_id", Schema.string("The approval batch it is in, once batched."))
			.optional("approve_by", dateTime("When it expires if the user has not approved it."))
			.optional("message", Schema.string("What happens next, in one sentence."))
			.optional("decision",
					Schema.string("How the user's policy routed it.")
						.oneOf(List.of("auto_approve", "batch", "review_now")))
			.optional("decision_reason", Schema.string("Why, in one line."))
			.optional("reason", Schema.string("Why it failed or its outcome is unknown."))
			.optional("result", result);
		return new ToolDefinition(descriptor, title, description, withConfidence, output, idempotent);
	}

	private static Schema timeBounds() {
		return Schema.object()
			.optional("time_min", dateTime("Start of the window (RFC 3339); now when omitted."))
			.optional("time_max", dateTime("End of the window (RFC 3339); 14 days after time_min when omitted."));
	}

	private static Schema message() {
		return Schema.object()
			.required("to", emails("Recipients.", 1).examples(List.of(EXAMPLE_RECIPIENT)))
			.required("subject", Schema.string("The subject line.").length(1, 998).examples("Renewal proposal"))
			.required("body",
					Schema.string("The plain-text body.")
						.length(1, 100_000)
						.examples("Hi Grace, the renewal proposal is attached. Best, Ada"))
			.optional("cc", emails("Copied recipients.", 0))
			.optional("bcc", emails("Blind-copied recipients.", 0))
			.optional("thread_id", Schema.string("The Gmail thread to reply in.").length(1, 200));
	}

	private static Schema emails(String description, int min) {
		return Schema.array(description, Schema.string("An email address.").format("email").length(3, 320))
			.items(min, 50);
	}

	private static Schema dateTime(String description) {
		return Schema.string(description).format("date-time");
	}

	private static Schema limit(int defaultValue, int max) {
		return Schema.integer("The most results to return.").range(1, max).defaultValue(defaultValue);
	}

	private static Schema count() {
		return Schema.integer("How many are in this answer.");
	}

	private static Schema stage(String description) {
		return Schema.string(description).oneOf(DealStage.wireNames()).examples("proposal");
	}

	private static Schema amount() {
		return Schema.integer("The value in whole units of the currency.").range(0, 1_000_000_000L).examples(1200);
	}

	private static Schema currency() {
		return Schema.string("An ISO 4217 currency code; USD when omitted.").pattern("^[A-Z]{3}$").defaultValue("USD");
	}

	private static Schema dealId() {
		return Schema.string("The deal's id.").length(1, 64).examples(DemoDeals.EXAMPLE_DEAL_ID);
	}

	private static Schema repo() {
		return Schema.string("The repository as owner/name.")
			.pattern("^[A-Za-z0-9_.-]{1,100}/[A-Za-z0-9_.-]{1,100}$")
			.examples(EXAMPLE_REPO);
	}

	private static Schema number(String description, int example) {
		return Schema.integer(description).range(1, Integer.MAX_VALUE).examples(example);
	}

	private static Schema actionId() {
		return Schema.string("The action id a write answered with.").length(1, 64).examples(EXAMPLE_ACTION_ID);
	}

	private static Schema deal() {
		return Schema.result("A deal.")
			.required("id", Schema.string("The deal id."))
			.required("name", Schema.string("Its name."))
			.required("company", Schema.string("The customer."))
			.required("stage", Schema.string("Where it stands.").oneOf(DealStage.wireNames()))
			.required("amount", Schema.integer("Its value."))
			.required("currency", Schema.string("The currency."))
			.required("contact_ids", Schema.array("Its contacts.", Schema.string("")))
			.required("version", Schema.integer("Incremented by every change."))
			.required("updated_at", dateTime("When it last changed."));
	}

	private static Schema contact() {
		return Schema.result("A contact.")
			.required("id", Schema.string("The contact id."))
			.required("name", Schema.string("Full name."))
			.required("email", Schema.string("Email address."))
			.required("company", Schema.string("Company."))
			.required("title", Schema.string("Job title."));
	}

	private static Schema event() {
		return Schema.result("A calendar event.")
			.required("id", Schema.string("The event id."))
			.optional("summary", Schema.string("The title."))
			.optional("start", Schema.string("When it starts (date-time, or date for all-day events)."))
			.optional("end", Schema.string("When it ends."))
			.optional("location", Schema.string("Where."))
			.optional("attendees", Schema.array("Attendee emails.", Schema.string("")))
			.optional("html_link", Schema.string("Where to see it."));
	}

	private static Schema issue() {
		return Schema.result("A GitHub issue.")
			.required("number", Schema.integer("The number."))
			.required("title", Schema.string("The title."))
			.required("state", Schema.string("open or closed."))
			.optional("body", Schema.string("The body."))
			.optional("author", Schema.string("Who opened it."))
			.optional("labels", Schema.array("Labels.", Schema.string("")))
			.optional("html_url", Schema.string("Where to see it."))
			.optional("created_at", Schema.string("When it was opened."));
	}

	private static Schema pullRequest() {
		return Schema.result("A GitHub pull request.")
			.required("number", Schema.integer("The number."))
			.required("title", Schema.string("The title."))
			.required("state", Schema.string("open or closed."))
			.optional("merged", Schema.bool("Whether it is merged."))
			.optional("mergeable", Schema.bool("Whether GitHub can merge it."))
			.optional("head_sha", Schema.string("The head commit."))
			.optional("head_ref", Schema.string("The head branch."))
			.optional("base_ref", Schema.string("The base branch."))
			.optional("author", Schema.string("Who opened it."))
			.optional("body", Schema.string("The description."))
			.optional("html_url", Schema.string("Where to see it."));
	}

	private static Schema action() {
		return Schema.result("A queued write.")
			.required("action_id", Schema.string("The action id."))
			.required("status",
					Schema.string("Where it stands.")
						.oneOf(List.of("pending_approval", "batched", "approved", "executing", "succeeded", "failed",
								"unknown", "denied", "expired", "cancelled")))
			.optional("tool", Schema.string("The tool called."))
			.optional("batch_id", Schema.string("The approval batch."))
			.optional("approve_by", dateTime("When it expires unapproved."))
			.optional("reason", Schema.string("Why it failed, was denied or expired."))
			.optional("result", Schema.result("The provider's result, once it succeeded."));
	}

}
