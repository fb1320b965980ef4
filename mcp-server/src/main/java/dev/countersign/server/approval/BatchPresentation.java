package dev.countersign.server.approval;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

import org.jspecify.annotations.Nullable;

import dev.countersign.ciba.BindingMessageProfile;
import dev.countersign.policy.action.Action;
import dev.countersign.policy.approval.Batch;

/**
 * What the user sees on their phone for a batch (DESIGN §4 step 4): the binding message —
 * counts per area and the batch's short code, e.g.
 * {@code Countersign: 5 actions - 3 email, 2 calendar #7K2Q} — and the one rich
 * authorization details object Guardian displays, listing each action readably with the
 * batch digest. Text an agent wrote is sanitised and shortened; nothing here can reject a
 * batch.
 */
public final class BatchPresentation {

	/** The authorization details type Countersign registers for its API. */
	public static final String DETAILS_TYPE = "urn:auth0:schemas:authorization-details:v1:countersign-batch";

	/** The longest line describing one action. */
	public static final int MAX_LINE = 255;

	/**
	 * How many actions a batch of more than {@link Batch#LISTED} lists before "+N more".
	 */
	static final int LISTED_WHEN_FOLDED = Batch.LISTED - 1;

	private final BindingMessageProfile profile;

	public BatchPresentation(BindingMessageProfile profile) {
		this.profile = profile;
	}

	/**
	 * The binding message: counts per area, ending with the batch's short code.
	 * @param batch the batch
	 * @param actions its actions, in batch order
	 * @return a message the profile accepts
	 */
	public String bindingMessage(Batch batch, List<Action> actions) {
		Map<String, Integer> areas = new TreeMap<>();
		actions.forEach((action) -> areas.merge(area(action.tool()), 1, Integer::sum));
		StringBuilder summary = new StringBuilder("Countersign: ").append(actions.size())
			.append(actions.size() == 1 ? " action" : " actions");
		String sep = " - ";
		for (Map.Entry<String, Integer> area : areas.entrySet()) {
			summary.append(sep).append(area.getValue()).append(' ').append(area.getKey());
			sep = ", ";
		}
		return this.profile.compose(summary.toString(), "#" + batch.shortCode());
	}

	/**
	 * A binding message through the same profile as batches' (sanitised, then truncated,
	 * the code kept): for the approval of a settings change.
	 * @param summary what is asked, e.g. {@code Countersign: loosen routing}
	 * @param code the short code with its {@code #}
	 * @return a message the profile accepts
	 */
	public String compose(String summary, String code) {
		return this.profile.compose(summary, code);
	}

	/**
	 * The authorization details: exactly one object (Guardian displays one) whose
	 * {@code properties} list each action on a line, low-confidence actions flagged, a
	 * batch of more than {@link Batch#LISTED} listing the first eight and "+N more".
	 * @param batch the batch
	 * @param actions its actions, in batch order (the batcher puts the ones that must be
	 * seen first)
	 * @param external whether an email address is outside the user's own domains
	 * @return the details, ready to serialise as a JSON array
	 */
	public List<Map<String, Object>> authorizationDetails(Batch batch, List<Action> actions,
			Predicate<String> external) {
		List<String> lines = new ArrayList<>();
		int listed = (actions.size() > Batch.LISTED) ? LISTED_WHEN_FOLDED : actions.size();
		for (int i = 0; i < listed; i++) {
			lines.add(line(i + 1, actions.get(i), external));
		}
		if (listed < actions.size()) {
			lines.add("+" + (actions.size() - listed) + " more");
		}
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("type", DETAILS_TYPE);
		details.put("batch_id", batch.id());
		details.put("batch_digest", batch.digest());
		details.put("code", batch.shortCode());
		details.put("properties", lines);
		return List.of(details);
	}

	static String line(int number, Action action, Predicate<String> external) {
		String text = number + ". " + (action.lowConfidence() ? "[low confidence] " : "") + action.tool() + ": "
				+ describe(action, external);
		return shorten(clean(text), MAX_LINE);
	}

	static String describe(Action action, Predicate<String> external) {
		Map<String, @Nullable Object> args = action.arguments();
		return switch (action.tool()) {
			case "email_send", "email_create_draft" -> {
				List<String> recipients = new ArrayList<>();
				for (String field : List.of("to", "cc", "bcc")) {
					if (args.get(field) instanceof List<?> list) {
						list.forEach((r) -> recipients.add(String.valueOf(r)));
					}
				}
				long outside = recipients.stream().filter(external).count();
				yield recipients.size() + (recipients.size() == 1 ? " recipient" : " recipients")
						+ ((outside > 0) ? " (" + outside + " external)" : " (none external)") + ", subject "
						+ quote(args.get("subject"));
			}
			case "calendar_create_event" -> quote(args.get("summary")) + " at " + args.get("start")
					+ ((args.get("attendees") instanceof List<?> people && !people.isEmpty())
							? ", inviting " + people.size() : "");
			case "calendar_delete_event" -> ((args.get("summary") != null)
					? quote(args.get("summary")) + ((args.get("start") != null) ? " at " + args.get("start") : "")
							+ " (event " + args.get("event_id") + ")"
					: "event " + args.get("event_id"))
					+ ((args.get("attendees") instanceof List<?> guests && !guests.isEmpty())
							? ", notifying " + guests.size() : "");
			case "deal_create" -> quote(args.get("name")) + " for " + args.get("company") + ", " + args.get("amount")
					+ " " + args.getOrDefault("currency", "USD");
			case "deal_update" -> "deal " + args.get("deal_id")
					+ ((args.get("deal_name") != null) ? " " + quote(args.get("deal_name")) : "") + changes(args);
			case "github_create_issue" -> args.get("repo") + ": issue " + quote(args.get("title"));
			case "github_comment" ->
				args.get("repo") + "#" + args.get("number") + ": comment " + quote(args.get("body"));
			case "github_merge_pull_request" -> args.get("repo") + "#" + args.get("number")
					+ ((args.get("title") != null) ? " " + quote(args.get("title")) : "") + " ("
					+ args.getOrDefault("merge_method", "merge") + ")";
			default -> action.connection();
		};
	}

	private static String changes(Map<String, @Nullable Object> args) {
		StringBuilder changes = new StringBuilder();
		for (String field : List.of("name", "stage", "amount", "contact_ids")) {
			if (args.containsKey(field)) {
				changes.append(changes.isEmpty() ? ": " : ", ").append(field);
				if (field.equals("stage") && args.get("from_stage") != null) {
					changes.append(' ').append(args.get("from_stage"));
				}
				changes.append(" -> ").append(field.equals("name") ? quote(args.get(field)) : args.get(field));
			}
		}
		return changes.toString();
	}

	static String area(String tool) {
		int underscore = tool.indexOf('_');
		return (underscore > 0) ? tool.substring(0, underscore) : tool;
	}

	private static String quote(Object text) {
		return "'" + shorten(clean(String.valueOf(text)), 60) + "'";
	}

	/** Control and format characters out, white space folded: agent text cannot draw. */
	static String clean(String text) {
		StringBuilder out = new StringBuilder(text.length());
		text.codePoints().forEach((cp) -> {
			int type = Character.getType(cp);
			boolean invisible = type == Character.CONTROL || type == Character.FORMAT || type == Character.SURROGATE
					|| type == Character.PRIVATE_USE || type == Character.UNASSIGNED;
			out.appendCodePoint((invisible || Character.isWhitespace(cp)) ? ' ' : cp);
		});
		return out.toString().replaceAll(" {2,}", " ").trim();
	}

	static String shorten(String text, int max) {
		if (text.codePointCount(0, text.length()) <= max) {
			return text;
		}
		return text.substring(0, text.offsetByCodePoints(0, max - 1)) + "…";
	}

}
