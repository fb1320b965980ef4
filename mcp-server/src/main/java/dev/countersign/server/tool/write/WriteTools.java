package dev.countersign.server.tool.write;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.Duration;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.countersign.policy.action.ActionStore;
import dev.countersign.server.mcp.McpProperties;
import dev.countersign.policy.action.Action;
import dev.countersign.policy.action.ActionDigest;
import dev.countersign.policy.action.ActionStatus;
import dev.countersign.policy.approval.ActionFreezer;
import dev.countersign.policy.approval.SubmitRequest;
import dev.countersign.policy.approval.TooManyPendingActionsException;
import dev.countersign.policy.audit.AuditEventDraft;
import dev.countersign.policy.deal.DealStage;
import dev.countersign.policy.decision.Decision;
import dev.countersign.policy.deal.DealStore;
import dev.countersign.policy.tool.Risk;
import dev.countersign.server.audit.ApprovalAudit;
import dev.countersign.server.tool.ToolArgumentException;
import dev.countersign.server.tool.ToolCall;
import dev.countersign.server.tool.ToolFailure;
import dev.countersign.server.tool.ToolHandler;
import dev.countersign.server.tool.ToolHandlers;
import dev.countersign.server.tool.ToolPolicy;
import dev.countersign.server.tool.governance.GovernanceTools;
import dev.countersign.server.tool.github.Repository;
import dev.countersign.server.tool.github.WebClientGitHub;

/**
 * {@code deal_create}, {@code github_create_issue}, {@code calendar_create_event} and
 * {@code email_create_draft}: each validates and normalises its arguments, sets the risk
 * (DESIGN §5), lets the user's policy decide
 * ({@link #freeze(Supplier, ApprovalAudit, ToolCall, Risk, Map, Map, Optional)}: refused,
 * queued, queued for a push of its own, or run at once) and, when it waits, freezes the
 * write as a {@code PENDING} action, answering
 * {@code {status:"pending_approval", action_id, approve_by, message, decision,
 * decision_reason}} (and {@code batch_id} once batched). The same call repeated while its
 * action is live answers the same action (the freezer finds it by digest). The agent's
 * {@code confidence} is taken out of the frozen arguments and passed on beside them.
 *
 * <p>
 * Normalisation: strings trimmed (bodies kept verbatim), email addresses lower-cased and
 * strictly parsed, calendar times re-emitted as UTC instants, deal stage {@code lead} and
 * currency {@code USD} when omitted. None of these writes needs a precondition:
 * {@code calendar_create_event}'s event id is derived from the action id when it runs.
 *
 * <p>
 * Audit: each newly frozen action is recorded as FROZEN (actor: the agent; tool, digest,
 * risk, confidence, decision and its reason); a refused write and an auto-approved one
 * are also recorded as DECISION. The entry is built and screened before the action is
 * stored; if that fails the call is a tool error and nothing is queued. Once stored, the
 * action stands: a failed append is logged at ERROR by {@link ApprovalAudit} and the call
 * answers pending.
 */
@Configuration(proxyBeanMethods = false)
public class WriteTools {

	/** What a write answers when its FROZEN audit entry cannot be made. */
	public static final String NOT_RECORDED_MESSAGE = " could not be recorded in the audit trail; nothing was queued.";

	/** What a pending answer tells the agent to do next. */
	public static final String PENDING_MESSAGE = "Held for the user's approval on their phone; call action_status with action_id to follow it.";

	private static final Logger logger = LoggerFactory.getLogger(WriteTools.class);

	private static final Pattern CURRENCY = Pattern.compile("[A-Z]{3}");

	private static final long MAX_AMOUNT = 1_000_000_000L;

	/** An auto-approved write found still waiting: answered pending. */
	private static final Set<ActionStatus> WAITING = EnumSet.of(ActionStatus.PENDING, ActionStatus.BATCHED);

	/**
	 * The handlers, over the approval engine's freezer.
	 */
	@Bean
	ToolHandlers writeToolHandlers(ActionFreezer freezer, DealStore deals, WebClientGitHub gitHub, ApprovalAudit audit,
			ActionStore actions, McpProperties mcp) {
		Supplier<@Nullable ActionFreezer> freezers = () -> freezer;
		ProgressHold hold = new ProgressHold(actions, mcp.effectiveMaxWait(), Duration.ofSeconds(1));
		return () -> Map.of("deal_create", hold.around(dealCreate(freezers, deals, audit)), "github_create_issue",
				hold.around(githubCreateIssue(freezers, gitHub, audit)), "calendar_create_event",
				hold.around(calendarCreateEvent(freezers, audit)), "email_create_draft",
				hold.around(emailCreateDraft(freezers, audit)));
	}

	static ToolHandler dealCreate(Supplier<@Nullable ActionFreezer> freezers, DealStore deals) {
		return dealCreate(freezers, deals, ApprovalAudit.none());
	}

	static ToolHandler dealCreate(Supplier<@Nullable ActionFreezer> freezers, DealStore deals, ApprovalAudit audit) {
		return (call) -> {
			WriteArguments args = new WriteArguments(call.arguments());
			Map<String, Object> frozen = new LinkedHashMap<>();
			frozen.put("name", args.text("name", 200));
			frozen.put("company", args.text("company", 200));
			long amount = args.raw()
				.optionalLong("amount")
				.orElseThrow(() -> new ToolArgumentException("amount", "it is required"));
			if (amount < 0 || amount > MAX_AMOUNT) {
				throw new ToolArgumentException("amount",
						"it must be between 0 and " + MAX_AMOUNT + ", but was " + amount);
			}
			frozen.put("amount", amount);
			String stage = args.optionalText("stage", 40).map((text) -> text.toLowerCase(Locale.ROOT)).orElse("lead");
			if (DealStage.fromWireName(stage).isEmpty()) {
				throw new ToolArgumentException("stage",
						"it must be one of " + DealStage.wireNames() + ", but was " + stage);
			}
			frozen.put("stage", stage);
			String currency = args.optionalText("currency", 3)
				.map((text) -> text.toUpperCase(Locale.ROOT))
				.orElse("USD");
			if (!CURRENCY.matcher(currency).matches()) {
				throw new ToolArgumentException("currency",
						"it must be an ISO 4217 code such as USD, but was " + currency);
			}
			frozen.put("currency", currency);
			List<String> contacts = args.texts("contact_ids", 20, 64);
			frozen.put("contact_ids", contacts);
			Optional<Double> confidence = args.confidence();
			String user = call.caller().user();
			return Flux.fromIterable(contacts)
				.concatMap((id) -> deals.findContact(user, id)
					.switchIfEmpty(Mono.error(() -> new ToolArgumentException("contact_ids",
							"no contact with id " + id + " exists for you; contact_search finds contacts"))))
				.then(Mono.defer(() -> freeze(freezers, audit, call, Risk.LOW, frozen, confidence)));
		};
	}

	static ToolHandler githubCreateIssue(Supplier<@Nullable ActionFreezer> freezers, WebClientGitHub gitHub) {
		return githubCreateIssue(freezers, gitHub, ApprovalAudit.none());
	}

	static ToolHandler githubCreateIssue(Supplier<@Nullable ActionFreezer> freezers, WebClientGitHub gitHub,
			ApprovalAudit audit) {
		return (call) -> {
			WriteArguments args = new WriteArguments(call.arguments());
			Repository repo = Repository.parse("repo", args.text("repo", 201));
			Map<String, Object> frozen = new LinkedHashMap<>();
			frozen.put("repo", repo.toString());
			frozen.put("title", args.line("title", 256));
			args.optionalBody("body", 65536).ifPresent((body) -> frozen.put("body", body));
			List<String> labels = args.texts("labels", 10, 50);
			if (!labels.isEmpty()) {
				frozen.put("labels", labels);
			}
			Optional<Double> confidence = args.confidence();
			return gitHubRisk(gitHub, call, repo)
				.flatMap((risk) -> freeze(freezers, audit, call, risk, frozen, confidence));
		};
	}

	/**
	 * LOW for a private repository of the user's own account or organisations; MEDIUM for
	 * a public one or another account's (an exfiltration path), and when GitHub cannot
	 * tell (fail closed). A repository the account cannot see is refused at once.
	 */
	static Mono<Risk> gitHubRisk(WebClientGitHub gitHub, ToolCall call, Repository repo) {
		return gitHub.isOwnPrivateRepository(call.caller(), repo)
			.map((own) -> own ? Risk.LOW : Risk.MEDIUM)
			.onErrorResume((ex) -> {
				logger.debug("Could not look up repository {}; counting it as MEDIUM risk: {}", repo, ex.getMessage());
				return Mono.just(Risk.MEDIUM);
			})
			.switchIfEmpty(Mono.error(() -> new ToolFailure("GitHub found no repository " + repo
					+ ", or the connected account cannot see it; check the repo argument. Nothing was queued.")));
	}

	static ToolHandler calendarCreateEvent(Supplier<@Nullable ActionFreezer> freezers) {
		return calendarCreateEvent(freezers, ApprovalAudit.none());
	}

	static ToolHandler calendarCreateEvent(Supplier<@Nullable ActionFreezer> freezers, ApprovalAudit audit) {
		return (call) -> {
			WriteArguments args = new WriteArguments(call.arguments());
			Map<String, Object> frozen = new LinkedHashMap<>();
			frozen.put("summary", args.line("summary", 300));
			Instant start = args.instant("start");
			Instant end = args.instant("end");
			if (!end.isAfter(start)) {
				throw new ToolArgumentException("end", "it must be after start (" + start + "), but was " + end);
			}
			frozen.put("start", DateTimeFormatter.ISO_INSTANT.format(start));
			frozen.put("end", DateTimeFormatter.ISO_INSTANT.format(end));
			args.optionalBody("description", 8000).ifPresent((text) -> frozen.put("description", text));
			args.optionalText("location", 500).ifPresent((text) -> frozen.put("location", text));
			List<String> attendees = args.emails("attendees", 0, 50);
			if (!attendees.isEmpty()) {
				frozen.put("attendees", attendees);
			}
			Optional<Double> confidence = args.confidence();
			// DESIGN §5: inviting attendees sends mail to other people.
			Risk risk = attendees.isEmpty() ? Risk.LOW : Risk.MEDIUM;
			return freeze(freezers, audit, call, risk, frozen, confidence);
		};
	}

	static ToolHandler emailCreateDraft(Supplier<@Nullable ActionFreezer> freezers) {
		return emailCreateDraft(freezers, ApprovalAudit.none());
	}

	static ToolHandler emailCreateDraft(Supplier<@Nullable ActionFreezer> freezers, ApprovalAudit audit) {
		return (call) -> {
			WriteArguments args = new WriteArguments(call.arguments());
			Map<String, Object> frozen = new LinkedHashMap<>();
			frozen.put("to", args.emails("to", 1, 50));
			List<String> cc = args.emails("cc", 0, 50);
			if (!cc.isEmpty()) {
				frozen.put("cc", cc);
			}
			List<String> bcc = args.emails("bcc", 0, 50);
			if (!bcc.isEmpty()) {
				frozen.put("bcc", bcc);
			}
			frozen.put("subject", args.line("subject", 998));
			frozen.put("body", args.optionalBody("body", 100_000)
				.orElseThrow(() -> new ToolArgumentException("body", "it is required")));
			args.optionalText("thread_id", 200).ifPresent((thread) -> frozen.put("thread_id", thread));
			Optional<Double> confidence = args.confidence();
			return freeze(freezers, audit, call, Risk.LOW, frozen, confidence);
		};
	}

	/**
	 * What makes the write mean what the user will see. An email is sent from the user's
	 * own address: freezing it lets the phone tell the user's own domain from external
	 * recipients.
	 */
	static Map<String, Object> preconditions(ToolCall call) {
		String email = call.caller().email();
		return (call.tool().name().startsWith("email_") && email != null) ? Map.of("from", email) : Map.of();
	}

	/**
	 * Freezes a write, records it FROZEN and answers it pending.
	 */
	static Mono<Map<String, Object>> freeze(Supplier<@Nullable ActionFreezer> freezers, ApprovalAudit audit,
			ToolCall call, Risk risk, Map<String, Object> arguments, Optional<Double> confidence) {
		return freeze(freezers, audit, call, risk, arguments, preconditions(call), confidence);
	}

	/**
	 * Decides a write with the call's policy, then acts on the decision (DESIGN §4 step
	 * 1), with the preconditions read from the provider when it was called (an ETag, a
	 * head SHA, a version: DESIGN §4 step 2):
	 * <ul>
	 * <li>{@code Deny}: recorded as DECISION, nothing queued, a tool error naming the
	 * rule;</li>
	 * <li>{@code Batch} / {@code ReviewNow}: frozen {@code PENDING} (a {@code ReviewNow}
	 * write gets a batch of its own at once), flagged low-confidence as the user's
	 * {@code review_below} says, recorded FROZEN with the decision, and answered pending
	 * with {@code decision} and {@code decision_reason};</li>
	 * <li>{@code AutoApprove}: a fresh provider token of the caller's, then frozen,
	 * recorded DECISION and FROZEN, run once now, and answered as it ended
	 * ({@code succeeded} with the result, or {@code failed}/{@code unknown} with the
	 * reason), in {@code action_status}'s shape.</li>
	 * </ul>
	 * A call without a policy (unit tests of a handler) is frozen to wait for approval.
	 */
	static Mono<Map<String, Object>> freeze(Supplier<@Nullable ActionFreezer> freezers, ApprovalAudit audit,
			ToolCall call, Risk risk, Map<String, Object> arguments, Map<String, Object> preconditions,
			Optional<Double> confidence) {
		ActionFreezer freezer = freezers.get();
		if (freezer == null) {
			return Mono.error(new ToolFailure(call.tool().name()
					+ " cannot be queued for approval yet: the approval engine is not available in this Countersign build. Nothing was done."));
		}
		SubmitRequest submitted = SubmitRequest.batch(call.caller().user(), call.caller().agent(),
				call.tool().descriptor(), arguments, preconditions, confidence.orElse(null));
		SubmitRequest request = (risk != submitted.risk()) ? submitted.withRisk(risk) : submitted;
		ToolPolicy policy = call.policy();
		if (policy == null) {
			return queue(freezer, audit, call, request, null);
		}
		return policy.decideWrite(call, request).flatMap((decision) -> {
			if (decision instanceof Decision.Deny deny) {
				return audit.decision(request.user(), request.agent(), request.tool().name(), deny, null)
					.then(Mono.error(new ToolFailure(ToolPolicy.refused(call.tool().name(), deny))));
			}
			if (decision instanceof Decision.ReviewNow review) {
				return queue(freezer, audit, call, request.reviewingNow().withLowConfidence(review.lowConfidence()),
						review);
			}
			if (decision instanceof Decision.Batch batch) {
				return queue(freezer, audit, call, request.withLowConfidence(batch.lowConfidence()), batch);
			}
			if (decision instanceof Decision.AutoApprove auto) {
				return runNow(freezer, audit, call, policy, request.withLowConfidence(false), auto);
			}
			return Mono.error(new IllegalStateException("a write cannot be decided " + decision.kind()));
		});
	}

	/** Freezes a write to wait for approval, records it FROZEN and answers it pending. */
	private static Mono<Map<String, Object>> queue(ActionFreezer freezer, ApprovalAudit audit, ToolCall call,
			SubmitRequest request, @Nullable Decision decision) {
		AuditEventDraft draft = frozenDraft(audit, call, request, decision);
		if (draft == null) {
			return Mono.error(new ToolFailure(call.tool().name() + NOT_RECORDED_MESSAGE));
		}
		return freezer.submit(request)
			.flatMap((action) -> audit.frozen(action, draft).thenReturn(action))
			.map((action) -> pending(action, decision))
			.onErrorMap(TooManyPendingActionsException.class, (ex) -> new ToolFailure(ex.getMessage() + "."));
	}

	/**
	 * Runs an auto-approved write now: the token first, then the freeze (recorded
	 * DECISION, then FROZEN, when this call froze it), then the write, once.
	 */
	private static Mono<Map<String, Object>> runNow(ActionFreezer freezer, ApprovalAudit audit, ToolCall call,
			ToolPolicy policy, SubmitRequest request, Decision.AutoApprove decision) {
		AuditEventDraft draft = frozenDraft(audit, call, request, decision);
		if (draft == null) {
			return Mono.error(new ToolFailure(call.tool().name() + NOT_RECORDED_MESSAGE));
		}
		Mono<Action> frozen = freezer.submit(request)
			.flatMap((action) -> action.createdAt().isBefore(draft.occurredAt()) ? Mono.just(action)
					: audit.decision(request.user(), request.agent(), request.tool().name(), decision, action.id())
						.then(audit.frozen(action, draft))
						.thenReturn(action))
			.onErrorMap(TooManyPendingActionsException.class, (ex) -> new ToolFailure(ex.getMessage() + "."));
		// a live twin frozen earlier keeps waiting for its own approval: no decision to
		// tell
		return policy.runNow(call, frozen)
			.map((action) -> WAITING.contains(action.status()) ? pending(action, null) : done(action, decision));
	}

	/**
	 * The FROZEN entry, built and screened before anything is stored.
	 * @return the draft, or null when it cannot be recorded (queue nothing then)
	 */
	private static @Nullable AuditEventDraft frozenDraft(ApprovalAudit audit, ToolCall call, SubmitRequest request,
			@Nullable Decision decision) {
		try {
			// fail closed while nothing is stored yet
			AuditEventDraft draft = audit.frozenDraft(request, ActionDigest.of(request.tool().name(),
					request.arguments(), request.preconditions(), request.user(), request.agent()));
			return (decision != null)
					? draft.withDetail("decision", decision.kind()).withDetail("decision_reason", decision.reason())
					: draft;
		}
		catch (IllegalArgumentException ex) {
			logger.error("The FROZEN audit entry of a {} call could not be made: {}", call.tool().name(),
					ex.getMessage());
			return null;
		}
	}

	/**
	 * A write that ran at once, in {@code action_status}'s shape with the decision: the
	 * result when it succeeded, the reason when it failed or its outcome is unknown.
	 */
	static Map<String, Object> done(Action action, Decision decision) {
		Map<String, Object> answer = new LinkedHashMap<>();
		answer.put("action_id", action.id());
		answer.put("status", GovernanceTools.wireStatus(action.status()));
		answer.put("tool", action.tool());
		if (action.reason() != null) {
			answer.put("reason", action.reason());
		}
		Map<String, @Nullable Object> stored = action.result();
		if (stored != null) {
			Map<String, Object> result = new LinkedHashMap<>();
			stored.forEach((key, value) -> {
				if (value != null) {
					result.put(key, value);
				}
			});
			answer.put("result", result);
		}
		answer.put("decision", decision.kind());
		answer.put("decision_reason", decision.reason());
		return answer;
	}

	static Map<String, Object> pending(Action action) {
		return pending(action, null);
	}

	/**
	 * The pending answer, with why it waits when policy decided it.
	 */
	static Map<String, Object> pending(Action action, @Nullable Decision decision) {
		Map<String, Object> answer = new LinkedHashMap<>();
		answer.put("status", "pending_approval");
		answer.put("action_id", action.id());
		if (action.batchId() != null) {
			answer.put("batch_id", action.batchId());
		}
		answer.put("approve_by", DateTimeFormatter.ISO_INSTANT.format(action.approveBy()));
		answer.put("message", PENDING_MESSAGE);
		if (decision != null) {
			answer.put("decision", decision.kind());
			answer.put("decision_reason", decision.reason());
		}
		return answer;
	}

}
