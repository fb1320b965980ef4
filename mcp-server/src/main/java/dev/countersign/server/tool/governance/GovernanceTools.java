package dev.countersign.server.tool.governance;

import java.time.Clock;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import reactor.core.publisher.Mono;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.countersign.policy.action.Action;
import dev.countersign.policy.action.ActionStatus;
import dev.countersign.policy.action.ActionStore;
import dev.countersign.server.audit.ApprovalAudit;
import dev.countersign.server.tool.ToolCall;
import dev.countersign.server.tool.ToolFailure;
import dev.countersign.server.tool.ToolHandler;
import dev.countersign.server.tool.ToolHandlers;

/**
 * {@code action_status}, {@code list_pending_actions} and {@code cancel_action}: the
 * calling agent's view of its own writes. Cancelling needs no approval: it can only take
 * away a write that has not run. A cancel is recorded as CANCELLED (actor: the agent) in
 * the user's audit chain after the action moved; a failed append never undoes it.
 */
@Configuration(proxyBeanMethods = false)
public class GovernanceTools {

	private static final Set<ActionStatus> WAITING = EnumSet.of(ActionStatus.PENDING, ActionStatus.BATCHED);

	@Bean
	ToolHandlers governanceToolHandlers(ActionStore store, Clock clock, ApprovalAudit audit) {
		return () -> Map.of("action_status", status(store), "list_pending_actions", pending(store), "cancel_action",
				cancel(store, clock, audit));
	}

	static ToolHandler status(ActionStore store) {
		return (call) -> own(store, call).map(GovernanceTools::action);
	}

	static ToolHandler pending(ActionStore store) {
		return (call) -> {
			int limit = call.arguments().optionalInt("limit", 20, 1, 50);
			return store.findByUser(call.caller().user(), WAITING)
				.filter((action) -> action.agent().equals(call.caller().agent()))
				.sort(Comparator.comparing(Action::createdAt).thenComparing(Action::id))
				.take(limit)
				.map(GovernanceTools::action)
				.collectList()
				.map((actions) -> {
					Map<String, Object> result = new LinkedHashMap<>();
					result.put("actions", actions);
					result.put("count", actions.size());
					return result;
				});
		};
	}

	static ToolHandler cancel(ActionStore store, Clock clock) {
		return cancel(store, clock, ApprovalAudit.none());
	}

	static ToolHandler cancel(ActionStore store, Clock clock, ApprovalAudit audit) {
		return (call) -> own(store, call).flatMap((action) -> {
			if (!WAITING.contains(action.status())) {
				return Mono.error(new ToolFailure("Action " + action.id() + " is " + wireStatus(action.status())
						+ " and can no longer be cancelled."));
			}
			return store
				.transition(action.user(), action.id(), action.status(), action.version(),
						(current) -> current.moveTo(ActionStatus.CANCELLED, clock.instant())
							.withReason("cancelled by the agent"))
				.switchIfEmpty(Mono.error(() -> new ToolFailure("Action " + action.id()
						+ " changed while it was being cancelled; call action_status to see where it stands.")))
				.flatMap((cancelled) -> audit.actionEnded(cancelled).thenReturn(cancelled))
				.map(GovernanceTools::action);
		});
	}

	/**
	 * The caller's own action; another user's or another agent's is answered exactly like
	 * an unknown id.
	 */
	private static Mono<Action> own(ActionStore store, ToolCall call) {
		String id = call.arguments().requireString("action_id");
		return store.find(call.caller().user(), id)
			.filter((action) -> action.agent().equals(call.caller().agent()))
			.switchIfEmpty(Mono.error(() -> new ToolFailure(
					"No action with id " + id + " exists for you; list_pending_actions shows your waiting writes.")));
	}

	/**
	 * The status an agent sees: {@code pending_approval}, then the lower-case state name.
	 * @param status the action's status
	 * @return the wire name
	 */
	public static String wireStatus(ActionStatus status) {
		return (status == ActionStatus.PENDING) ? "pending_approval" : status.name().toLowerCase(Locale.ROOT);
	}

	static Map<String, Object> action(Action action) {
		Map<String, Object> json = new LinkedHashMap<>();
		json.put("action_id", action.id());
		json.put("status", wireStatus(action.status()));
		json.put("tool", action.tool());
		if (action.batchId() != null) {
			json.put("batch_id", action.batchId());
		}
		if (WAITING.contains(action.status())) {
			json.put("approve_by", DateTimeFormatter.ISO_INSTANT.format(action.approveBy()));
		}
		if (action.reason() != null) {
			json.put("reason", action.reason());
		}
		if (action.result() != null) {
			json.put("result", action.result());
		}
		return json;
	}

}
