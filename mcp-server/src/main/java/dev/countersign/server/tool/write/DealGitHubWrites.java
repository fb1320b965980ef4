package dev.countersign.server.tool.write;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.countersign.policy.action.ActionStore;
import dev.countersign.policy.approval.ActionFreezer;
import dev.countersign.policy.deal.Deal;
import dev.countersign.policy.deal.DealStage;
import dev.countersign.policy.deal.DealStore;
import dev.countersign.policy.tool.Risk;
import dev.countersign.server.audit.ApprovalAudit;
import dev.countersign.server.mcp.McpProperties;
import dev.countersign.server.tool.ToolArgumentException;
import dev.countersign.server.tool.ToolFailure;
import dev.countersign.server.tool.ToolHandler;
import dev.countersign.server.tool.ToolHandlers;
import dev.countersign.server.tool.github.Repository;
import dev.countersign.server.tool.github.WebClientGitHub;

/**
 * {@code deal_update}, {@code github_comment} and {@code github_merge_pull_request}: the
 * writes whose meaning depends on the state of what they change, so each reads that state
 * when it is called and freezes it beside the arguments (DESIGN §4 step 2), then answers
 * pending as {@link WriteTools} does.
 *
 * <ul>
 * <li>{@code deal_update}: {@code deal_id} must name one of the caller's deals. The
 * frozen arguments hold {@code deal_id}, the deal's name as {@code deal_name} (for the
 * phone), and only the fields that change ({@code name}, {@code stage} with the current
 * stage as {@code from_stage}, {@code amount}, {@code contact_ids}); a field given with
 * the value the deal already has is left out, and a call that changes nothing is refused.
 * The precondition is {@code {version}}: the update runs only if the deal is still at
 * that version. Risk MEDIUM.</li>
 * <li>{@code github_comment}: the issue or pull request must exist and be visible to the
 * connected account. Risk LOW for the account's own private repository, else MEDIUM
 * ({@link WriteTools#gitHubRisk}). No precondition.</li>
 * <li>{@code github_merge_pull_request}: the pull request must be open, not merged and
 * not known to conflict. The frozen arguments hold {@code merge_method} ({@code merge}
 * when omitted), {@code commit_title} when given and the pull request's {@code title};
 * the precondition is {@code {head_sha}}, sent to GitHub as {@code sha} so a branch that
 * moved is not merged. Risk HIGH, never lowered.</li>
 * </ul>
 * Anything that cannot be found is a tool error, and nothing is queued.
 */
@Configuration(proxyBeanMethods = false)
public class DealGitHubWrites {

	private static final List<String> MERGE_METHODS = List.of("merge", "squash", "rebase");

	private static final long MAX_AMOUNT = 1_000_000_000L;

	/**
	 * The handlers, over the approval engine's freezer.
	 */
	@Bean
	ToolHandlers dealGitHubWriteHandlers(ActionFreezer freezer, DealStore deals, WebClientGitHub gitHub,
			ApprovalAudit audit, ActionStore actions, McpProperties mcp) {
		Supplier<@Nullable ActionFreezer> freezers = () -> freezer;
		ProgressHold hold = new ProgressHold(actions, mcp.effectiveMaxWait(), Duration.ofSeconds(1));
		return () -> Map.of("deal_update", hold.around(dealUpdate(freezers, deals, audit)), "github_comment",
				hold.around(githubComment(freezers, gitHub, audit)), "github_merge_pull_request",
				hold.around(githubMergePullRequest(freezers, gitHub, audit)));
	}

	static ToolHandler dealUpdate(Supplier<@Nullable ActionFreezer> freezers, DealStore deals, ApprovalAudit audit) {
		return (call) -> {
			WriteArguments args = new WriteArguments(call.arguments());
			String dealId = args.text("deal_id", 64);
			Optional<String> name = args.optionalText("name", 200);
			Optional<String> stage = args.optionalText("stage", 40).map((text) -> text.toLowerCase(Locale.ROOT));
			if (stage.isPresent() && DealStage.fromWireName(stage.get()).isEmpty()) {
				throw new ToolArgumentException("stage",
						"it must be one of " + DealStage.wireNames() + ", but was " + stage.get());
			}
			Optional<Long> amount = args.raw().optionalLong("amount");
			if (amount.isPresent() && (amount.get() < 0 || amount.get() > MAX_AMOUNT)) {
				throw new ToolArgumentException("amount",
						"it must be between 0 and " + MAX_AMOUNT + ", but was " + amount.get());
			}
			Optional<List<String>> contacts = args.raw().has("contact_ids")
					? Optional.of(args.texts("contact_ids", 20, 64)) : Optional.empty();
			if (name.isEmpty() && stage.isEmpty() && amount.isEmpty() && contacts.isEmpty()) {
				throw new ToolFailure(
						"deal_update needs at least one of name, stage, amount or contact_ids to change; nothing was queued.");
			}
			Optional<Double> confidence = args.confidence();
			String user = call.caller().user();
			return deals.findDeal(user, dealId)
				.switchIfEmpty(Mono.error(() -> new ToolFailure("No deal with id " + dealId
						+ " exists for you; deal_list shows your deals. Nothing was queued.")))
				.flatMap((deal) -> Flux.fromIterable(contacts.orElse(List.of()))
					.concatMap((id) -> deals.findContact(user, id)
						.switchIfEmpty(Mono.error(() -> new ToolArgumentException("contact_ids",
								"no contact with id " + id + " exists for you; contact_search finds contacts"))))
					.then(Mono.defer(() -> {
						Map<String, Object> frozen = dealChanges(deal, name, stage, amount, contacts);
						return WriteTools.freeze(freezers, audit, call, Risk.MEDIUM, frozen,
								Map.of("version", deal.version()), confidence);
					})));
		};
	}

	/**
	 * The frozen arguments of a deal update: the deal, its readable name, and only what
	 * changes.
	 */
	private static Map<String, Object> dealChanges(Deal deal, Optional<String> name, Optional<String> stage,
			Optional<Long> amount, Optional<List<String>> contacts) {
		Map<String, Object> frozen = new LinkedHashMap<>();
		frozen.put("deal_id", deal.id());
		frozen.put("deal_name", deal.name());
		name.filter((value) -> !value.equals(deal.name())).ifPresent((value) -> frozen.put("name", value));
		stage.filter((value) -> !value.equals(deal.stage().wireName())).ifPresent((value) -> {
			// the phone and the rules see "stage becoming closed_won" (DESIGN §6)
			frozen.put("from_stage", deal.stage().wireName());
			frozen.put("stage", value);
		});
		amount.filter((value) -> value != deal.amount()).ifPresent((value) -> frozen.put("amount", value));
		contacts.filter((value) -> !value.equals(deal.contactIds()))
			.ifPresent((value) -> frozen.put("contact_ids", value));
		if (frozen.size() == 2) {
			throw new ToolFailure("Deal " + deal.id()
					+ " already has the values given; nothing would change, so nothing was queued.");
		}
		return frozen;
	}

	static ToolHandler githubComment(Supplier<@Nullable ActionFreezer> freezers, WebClientGitHub gitHub,
			ApprovalAudit audit) {
		return (call) -> {
			WriteArguments args = new WriteArguments(call.arguments());
			Repository repo = Repository.parse("repo", args.text("repo", 201));
			long number = number(args);
			String body = args.optionalBody("body", 65536)
				.orElseThrow(() -> new ToolArgumentException("body", "it is required"));
			Map<String, Object> frozen = new LinkedHashMap<>();
			frozen.put("repo", repo.toString());
			frozen.put("number", number);
			frozen.put("body", body);
			Optional<Double> confidence = args.confidence();
			return WriteTools.gitHubRisk(gitHub, call, repo)
				.flatMap((risk) -> gitHub.findIssue(call.caller(), repo, number)
					.switchIfEmpty(Mono
						.error(() -> new ToolFailure("GitHub found no issue or pull request #" + number + " in " + repo
								+ "; check the number (github_list_issues lists them). Nothing was queued.")))
					.then(Mono
						.defer(() -> WriteTools.freeze(freezers, audit, call, risk, frozen, Map.of(), confidence))));
		};
	}

	static ToolHandler githubMergePullRequest(Supplier<@Nullable ActionFreezer> freezers, WebClientGitHub gitHub,
			ApprovalAudit audit) {
		return (call) -> {
			WriteArguments args = new WriteArguments(call.arguments());
			Repository repo = Repository.parse("repo", args.text("repo", 201));
			long number = number(args);
			String method = args.optionalText("merge_method", 10).orElse("merge");
			if (!MERGE_METHODS.contains(method)) {
				throw new ToolArgumentException("merge_method",
						"it must be one of " + MERGE_METHODS + ", but was " + method);
			}
			Optional<String> commitTitle = args.raw().has("commit_title") ? Optional.of(args.line("commit_title", 256))
					: Optional.empty();
			Optional<Double> confidence = args.confidence();
			String which = "pull request #" + number + " in " + repo;
			return gitHub.findPullRequest(call.caller(), repo, number)
				.switchIfEmpty(Mono.error(() -> new ToolFailure("GitHub found no " + which
						+ ", or the connected account cannot see it; check the repo and number. Nothing was queued.")))
				.flatMap((pull) -> {
					if (Boolean.TRUE.equals(pull.get("merged"))) {
						return Mono.error(
								new ToolFailure("GitHub reports " + which + " as already merged; nothing was queued."));
					}
					if (!"open".equals(pull.get("state"))) {
						return Mono.error(new ToolFailure("GitHub reports " + which + " as " + pull.get("state")
								+ ", not open; only an open pull request can be merged. Nothing was queued."));
					}
					if (Boolean.FALSE.equals(pull.get("mergeable"))) {
						return Mono.error(new ToolFailure("GitHub reports that " + which
								+ " has conflicts and cannot be merged; resolve them first. Nothing was queued."));
					}
					if (!(pull.get("head_sha") instanceof String headSha) || headSha.isBlank()) {
						return Mono.error(new ToolFailure("GitHub did not say which commit heads " + which
								+ "; try again shortly. Nothing was queued."));
					}
					Map<String, Object> frozen = new LinkedHashMap<>();
					frozen.put("repo", repo.toString());
					frozen.put("number", number);
					frozen.put("merge_method", method);
					commitTitle.ifPresent((title) -> frozen.put("commit_title", title));
					frozen.put("title", Objects.requireNonNullElse(pull.get("title"), ""));
					// DESIGN §5: a merge is HIGH, never lowered.
					return WriteTools.freeze(freezers, audit, call, Risk.HIGH, frozen, Map.of("head_sha", headSha),
							confidence);
				});
		};
	}

	private static long number(WriteArguments args) {
		long number = args.raw()
			.optionalLong("number")
			.orElseThrow(() -> new ToolArgumentException("number", "it is required"));
		if (number < 1 || number > Integer.MAX_VALUE) {
			throw new ToolArgumentException("number", "it must be a positive issue number, but was " + number);
		}
		return number;
	}

}
