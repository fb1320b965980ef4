package dev.countersign.redis.internal;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.countersign.policy.action.Action;
import dev.countersign.policy.action.ActionStatus;
import dev.countersign.policy.approval.Batch;
import dev.countersign.policy.approval.BatchStatus;
import dev.countersign.policy.audit.AuditCheckpoint;
import dev.countersign.policy.audit.AuditEvent;
import dev.countersign.policy.audit.AuditEventType;
import dev.countersign.policy.calibration.OutcomeCounts;
import dev.countersign.policy.calibration.Suggestion;
import dev.countersign.policy.calibration.SuggestionStatus;
import dev.countersign.policy.change.ChangeKind;
import dev.countersign.policy.change.ChangeStatus;
import dev.countersign.policy.change.PendingChange;
import dev.countersign.policy.deal.Contact;
import dev.countersign.policy.deal.Deal;
import dev.countersign.policy.deal.DealStage;
import dev.countersign.policy.routing.RoutingJson;
import dev.countersign.policy.routing.RoutingSettings;
import dev.countersign.policy.rule.Rule;
import dev.countersign.policy.rule.RuleJson;
import dev.countersign.policy.tool.Risk;
import dev.countersign.policy.trust.AgentTrust;
import dev.countersign.policy.trust.TrustLevel;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes the stored records (actions, batches, deals, contacts, audit entries and
 * checkpoints, rules, routing settings, trust records, suggestions, pending changes) as
 * JSON and reads them back equal. Rules and routing settings use the config API's own
 * grammar ({@link RuleJson}, {@link RoutingJson}); the others are objects whose field
 * names are the record components'.
 *
 * <p>
 * Instants are ISO-8601 strings (exact to the nanosecond). The JSON trees of an action
 * (arguments, preconditions, result) are written as they are; Jackson reads their
 * integers back as {@code Integer} or {@code Long} and their other numbers as
 * {@code Double}, which {@link Action}'s constructor normalises to {@code Long} and
 * {@code Double} again, so the digest of a loaded action is the digest it was stored
 * with. Field names are the record components'. Thread-safe.
 */
public final class JsonCodec {

	private static final TypeReference<LinkedHashMap<String, @Nullable Object>> OBJECT = new TypeReference<>() {
	};

	private final JsonMapper mapper = JsonMapper.builder().build();

	/**
	 * Writes an action.
	 * @param action the action
	 * @return its JSON
	 */
	public String write(Action action) {
		Map<String, @Nullable Object> json = new LinkedHashMap<>();
		json.put("id", action.id());
		json.put("user", action.user());
		json.put("agent", action.agent());
		json.put("tool", action.tool());
		json.put("connection", action.connection());
		json.put("risk", action.risk().name());
		json.put("destructive", action.destructive());
		json.put("confidence", action.confidence());
		json.put("lowConfidence", action.lowConfidence());
		json.put("reviewNow", action.reviewNow());
		json.put("arguments", action.arguments());
		json.put("preconditions", action.preconditions());
		json.put("digest", action.digest());
		json.put("status", action.status().name());
		json.put("batchId", action.batchId());
		json.put("createdAt", action.createdAt().toString());
		json.put("approveBy", action.approveBy().toString());
		json.put("updatedAt", action.updatedAt().toString());
		json.put("version", action.version());
		json.put("reason", action.reason());
		json.put("result", action.result());
		return writeJson(json);
	}

	/**
	 * Reads an action.
	 * @param text JSON that {@link #write(Action)} wrote
	 * @return the action
	 * @throws IllegalStateException if the JSON is not a stored action
	 */
	public Action readAction(String text) {
		Map<String, @Nullable Object> json = readJson(text);
		try {
			Object confidence = json.get("confidence");
			return new Action(string(json, "id"), string(json, "user"), string(json, "agent"), string(json, "tool"),
					string(json, "connection"), Risk.valueOf(string(json, "risk")), bool(json, "destructive"),
					(confidence != null) ? ((Number) confidence).doubleValue() : null, bool(json, "lowConfidence"),
					bool(json, "reviewNow"), object(json, "arguments"), object(json, "preconditions"),
					string(json, "digest"), ActionStatus.valueOf(string(json, "status")), (String) json.get("batchId"),
					instant(json, "createdAt"), instant(json, "approveBy"), instant(json, "updatedAt"),
					number(json, "version"), (String) json.get("reason"),
					(json.get("result") != null) ? object(json, "result") : null);
		}
		catch (RuntimeException ex) {
			throw new IllegalStateException("Stored action is not readable", ex);
		}
	}

	/**
	 * Writes a batch.
	 * @param batch the batch
	 * @return its JSON
	 */
	public String write(Batch batch) {
		Map<String, @Nullable Object> json = new LinkedHashMap<>();
		json.put("id", batch.id());
		json.put("user", batch.user());
		json.put("actionIds", batch.actionIds());
		json.put("actionDigests", batch.actionDigests());
		json.put("digest", batch.digest());
		json.put("signature", batch.signature());
		json.put("keyId", batch.keyId());
		json.put("status", batch.status().name());
		json.put("authReqId", batch.authReqId());
		json.put("authReqKeyId", batch.authReqKeyId());
		json.put("authReqSignature", batch.authReqSignature());
		json.put("shortCode", batch.shortCode());
		json.put("createdAt", batch.createdAt().toString());
		json.put("closedAt", batch.closedAt().toString());
		json.put("requestedAt", (batch.requestedAt() != null) ? batch.requestedAt().toString() : null);
		json.put("version", batch.version());
		return writeJson(json);
	}

	/**
	 * Reads a batch.
	 * @param text JSON that {@link #write(Batch)} wrote
	 * @return the batch
	 * @throws IllegalStateException if the JSON is not a stored batch
	 */
	public Batch readBatch(String text) {
		Map<String, @Nullable Object> json = readJson(text);
		try {
			return new Batch(string(json, "id"), string(json, "user"), strings(json, "actionIds"),
					strings(json, "actionDigests"), string(json, "digest"), string(json, "signature"),
					string(json, "keyId"), BatchStatus.valueOf(string(json, "status")), (String) json.get("authReqId"),
					(String) json.get("authReqKeyId"), (String) json.get("authReqSignature"), string(json, "shortCode"),
					instant(json, "createdAt"), instant(json, "closedAt"),
					(json.get("requestedAt") != null) ? instant(json, "requestedAt") : null, number(json, "version"));
		}
		catch (RuntimeException ex) {
			throw new IllegalStateException("Stored batch is not readable", ex);
		}
	}

	/**
	 * Writes a deal.
	 * @param deal the deal
	 * @return its JSON
	 */
	public String write(Deal deal) {
		Map<String, @Nullable Object> json = new LinkedHashMap<>();
		json.put("id", deal.id());
		json.put("name", deal.name());
		json.put("company", deal.company());
		json.put("stage", deal.stage().name());
		json.put("amount", deal.amount());
		json.put("currency", deal.currency());
		json.put("contactIds", deal.contactIds());
		json.put("version", deal.version());
		json.put("updatedAt", deal.updatedAt().toString());
		return writeJson(json);
	}

	/**
	 * Reads a deal.
	 * @param text JSON that {@link #write(Deal)} wrote
	 * @return the deal
	 * @throws IllegalStateException if the JSON is not a stored deal
	 */
	public Deal readDeal(String text) {
		Map<String, @Nullable Object> json = readJson(text);
		try {
			return new Deal(string(json, "id"), string(json, "name"), string(json, "company"),
					DealStage.valueOf(string(json, "stage")), number(json, "amount"), string(json, "currency"),
					strings(json, "contactIds"), number(json, "version"), instant(json, "updatedAt"));
		}
		catch (RuntimeException ex) {
			throw new IllegalStateException("Stored deal is not readable", ex);
		}
	}

	/**
	 * Writes a contact.
	 * @param contact the contact
	 * @return its JSON
	 */
	public String write(Contact contact) {
		Map<String, @Nullable Object> json = new LinkedHashMap<>();
		json.put("id", contact.id());
		json.put("name", contact.name());
		json.put("email", contact.email());
		json.put("company", contact.company());
		json.put("title", contact.title());
		return writeJson(json);
	}

	/**
	 * Reads a contact.
	 * @param text JSON that {@link #write(Contact)} wrote
	 * @return the contact
	 * @throws IllegalStateException if the JSON is not a stored contact
	 */
	public Contact readContact(String text) {
		Map<String, @Nullable Object> json = readJson(text);
		try {
			return new Contact(string(json, "id"), string(json, "name"), string(json, "email"), string(json, "company"),
					string(json, "title"));
		}
		catch (RuntimeException ex) {
			throw new IllegalStateException("Stored contact is not readable", ex);
		}
	}

	/**
	 * Writes an audit entry, every field of it (the sequence and user too, so that a
	 * moved or copied entry still says where it was made).
	 * @param event the entry
	 * @return its JSON
	 */
	public String write(AuditEvent event) {
		Map<String, @Nullable Object> json = new LinkedHashMap<>();
		json.put("sequence", event.sequence());
		json.put("user", event.user());
		json.put("type", event.type().name());
		json.put("occurredAt", event.occurredAt().toString());
		json.put("actor", event.actor());
		json.put("actionId", event.actionId());
		json.put("batchId", event.batchId());
		json.put("details", event.details());
		json.put("previousHash", event.previousHash());
		json.put("hash", event.hash());
		return writeJson(json);
	}

	/**
	 * Reads an audit entry as stored, without checking its hash (that is
	 * {@code AuditTrail}'s job).
	 * @param text JSON that {@link #write(AuditEvent)} wrote
	 * @return the entry
	 * @throws IllegalStateException if the JSON is not a stored entry
	 */
	public AuditEvent readAuditEvent(String text) {
		Map<String, @Nullable Object> json = readJson(text);
		try {
			return new AuditEvent(number(json, "sequence"), string(json, "user"),
					AuditEventType.valueOf(string(json, "type")), instant(json, "occurredAt"), string(json, "actor"),
					(String) json.get("actionId"), (String) json.get("batchId"), object(json, "details"),
					string(json, "previousHash"), string(json, "hash"));
		}
		catch (RuntimeException ex) {
			throw new IllegalStateException("Stored audit entry is not readable", ex);
		}
	}

	/**
	 * Writes an audit checkpoint.
	 * @param checkpoint the checkpoint
	 * @return its JSON
	 */
	public String write(AuditCheckpoint checkpoint) {
		Map<String, @Nullable Object> json = new LinkedHashMap<>();
		json.put("user", checkpoint.user());
		json.put("sequence", checkpoint.sequence());
		json.put("hash", checkpoint.hash());
		json.put("keyId", checkpoint.keyId());
		json.put("hmac", checkpoint.hmac());
		json.put("createdAt", checkpoint.createdAt().toString());
		return writeJson(json);
	}

	/**
	 * Reads an audit checkpoint.
	 * @param text JSON that {@link #write(AuditCheckpoint)} wrote
	 * @return the checkpoint
	 * @throws IllegalStateException if the JSON is not a stored checkpoint
	 */
	public AuditCheckpoint readAuditCheckpoint(String text) {
		Map<String, @Nullable Object> json = readJson(text);
		try {
			return new AuditCheckpoint(string(json, "user"), number(json, "sequence"), string(json, "hash"),
					string(json, "keyId"), string(json, "hmac"), instant(json, "createdAt"));
		}
		catch (RuntimeException ex) {
			throw new IllegalStateException("Stored audit checkpoint is not readable", ex);
		}
	}

	/**
	 * Writes a user's rules, in the config API's grammar ({@link RuleJson}).
	 * @param rules the rules, in order
	 * @return a JSON array
	 */
	public String writeRules(List<Rule> rules) {
		return RuleJson.writeRules(rules).toString();
	}

	/**
	 * Reads a user's rules.
	 * @param text JSON that {@link #writeRules(List)} wrote
	 * @return the rules, in order
	 * @throws IllegalStateException if the JSON is not a stored list of rules
	 */
	public List<Rule> readRules(String text) {
		try {
			return RuleJson.readRules(readTree(text));
		}
		catch (RuntimeException ex) {
			throw new IllegalStateException("Stored rules are not readable", ex);
		}
	}

	/**
	 * Writes routing settings, in the config API's grammar ({@link RoutingJson}).
	 * @param settings the settings
	 * @return a JSON object
	 */
	public String write(RoutingSettings settings) {
		return RoutingJson.write(settings).toString();
	}

	/**
	 * Reads routing settings.
	 * @param text JSON that {@link #write(RoutingSettings)} wrote
	 * @return the settings
	 * @throws IllegalStateException if the JSON is not stored settings
	 */
	public RoutingSettings readRouting(String text) {
		try {
			return RoutingJson.read(readTree(text));
		}
		catch (RuntimeException ex) {
			throw new IllegalStateException("Stored routing settings are not readable", ex);
		}
	}

	/**
	 * Writes a trust record. Doubles are written in Jackson's shortest form that reads
	 * back to the same {@code double}.
	 * @param trust the record
	 * @return its JSON
	 */
	public String write(AgentTrust trust) {
		Map<String, @Nullable Object> json = new LinkedHashMap<>();
		json.put("user", trust.user());
		json.put("agent", trust.agent());
		json.put("score", trust.score());
		json.put("scoredAt", trust.scoredAt().toString());
		json.put("earnDay", trust.earnDay().toString());
		json.put("earnedOnDay", trust.earnedOnDay());
		json.put("ceiling", trust.ceiling().name());
		json.put("pinned", (trust.pinned() != null) ? trust.pinned().name() : null);
		json.put("revoked", trust.revoked());
		json.put("version", trust.version());
		return writeJson(json);
	}

	/**
	 * Reads a trust record.
	 * @param text JSON that {@link #write(AgentTrust)} wrote
	 * @return the record
	 * @throws IllegalStateException if the JSON is not a stored trust record
	 */
	public AgentTrust readTrust(String text) {
		Map<String, @Nullable Object> json = readJson(text);
		try {
			Object pinned = json.get("pinned");
			return new AgentTrust(string(json, "user"), string(json, "agent"), decimal(json, "score"),
					instant(json, "scoredAt"), LocalDate.parse(string(json, "earnDay")), decimal(json, "earnedOnDay"),
					TrustLevel.valueOf(string(json, "ceiling")),
					(pinned != null) ? TrustLevel.valueOf((String) pinned) : null, bool(json, "revoked"),
					number(json, "version"));
		}
		catch (RuntimeException ex) {
			throw new IllegalStateException("Stored trust record is not readable", ex);
		}
	}

	/**
	 * Writes a calibration suggestion.
	 * @param suggestion the suggestion
	 * @return its JSON
	 */
	public String write(Suggestion suggestion) {
		Map<String, @Nullable Object> json = new LinkedHashMap<>();
		json.put("id", suggestion.id());
		json.put("user", suggestion.user());
		json.put("agent", suggestion.agent());
		json.put("tool", suggestion.tool());
		json.put("approved", suggestion.counts().approved());
		json.put("denied", suggestion.counts().denied());
		json.put("status", suggestion.status().name());
		json.put("createdAt", suggestion.createdAt().toString());
		json.put("updatedAt", suggestion.updatedAt().toString());
		return writeJson(json);
	}

	/**
	 * Reads a calibration suggestion.
	 * @param text JSON that {@link #write(Suggestion)} wrote
	 * @return the suggestion
	 * @throws IllegalStateException if the JSON is not a stored suggestion
	 */
	public Suggestion readSuggestion(String text) {
		Map<String, @Nullable Object> json = readJson(text);
		try {
			return new Suggestion(string(json, "id"), string(json, "user"), string(json, "agent"), string(json, "tool"),
					new OutcomeCounts(number(json, "approved"), number(json, "denied")),
					SuggestionStatus.valueOf(string(json, "status")), instant(json, "createdAt"),
					instant(json, "updatedAt"));
		}
		catch (RuntimeException ex) {
			throw new IllegalStateException("Stored suggestion is not readable", ex);
		}
	}

	/**
	 * Writes a pending change. This method and {@link #readChange(String)} are the only
	 * places that know its JSON: a new field of {@link PendingChange} is one line in
	 * each.
	 * @param change the change
	 * @return its JSON
	 */
	public String write(PendingChange change) {
		Map<String, @Nullable Object> json = new LinkedHashMap<>();
		json.put("changeId", change.changeId());
		json.put("user", change.user());
		json.put("kind", change.kind().name());
		json.put("target", change.target());
		json.put("document", change.document());
		json.put("status", change.status().name());
		json.put("createdAt", change.createdAt().toString());
		json.put("decidedAt", (change.decidedAt() != null) ? change.decidedAt().toString() : null);
		json.put("authReqId", change.authReqId());
		json.put("version", change.version());
		json.put("reason", change.reason());
		return writeJson(json);
	}

	/**
	 * Reads a pending change.
	 * @param text JSON that {@link #write(PendingChange)} wrote
	 * @return the change
	 * @throws IllegalStateException if the JSON is not a stored change
	 */
	public PendingChange readChange(String text) {
		Map<String, @Nullable Object> json = readJson(text);
		try {
			return new PendingChange(string(json, "changeId"), string(json, "user"),
					ChangeKind.valueOf(string(json, "kind")), (String) json.get("target"), string(json, "document"),
					ChangeStatus.valueOf(string(json, "status")), instant(json, "createdAt"),
					(json.get("decidedAt") != null) ? instant(json, "decidedAt") : null, (String) json.get("authReqId"),
					number(json, "version"), (String) json.get("reason"));
		}
		catch (RuntimeException ex) {
			throw new IllegalStateException("Stored change is not readable", ex);
		}
	}

	/**
	 * Writes a list of strings as a JSON array: an unambiguous hash field for a tuple
	 * such as (agent, tool).
	 * @param strings the strings
	 * @return the JSON array
	 */
	public String writeStrings(List<String> strings) {
		try {
			return this.mapper.writeValueAsString(strings);
		}
		catch (JacksonException ex) {
			throw new IllegalStateException("Could not write JSON", ex);
		}
	}

	private JsonNode readTree(String text) {
		try {
			return this.mapper.readTree(text);
		}
		catch (JacksonException ex) {
			// the message may quote the stored text: leave it out
			throw new IllegalStateException("Stored record is not JSON: " + ex.getOriginalMessage());
		}
	}

	private String writeJson(Map<String, @Nullable Object> json) {
		try {
			return this.mapper.writeValueAsString(json);
		}
		catch (JacksonException ex) {
			throw new IllegalStateException("Could not write JSON", ex);
		}
	}

	private Map<String, @Nullable Object> readJson(String text) {
		try {
			return this.mapper.readValue(text, OBJECT);
		}
		catch (JacksonException ex) {
			// the message may quote the stored text: leave it out
			throw new IllegalStateException("Stored record is not JSON: " + ex.getOriginalMessage());
		}
	}

	private static String string(Map<String, @Nullable Object> json, String name) {
		Object value = json.get(name);
		if (!(value instanceof String string)) {
			throw new IllegalStateException(name + " must be a string");
		}
		return string;
	}

	private static boolean bool(Map<String, @Nullable Object> json, String name) {
		Object value = json.get(name);
		if (!(value instanceof Boolean bool)) {
			throw new IllegalStateException(name + " must be a boolean");
		}
		return bool;
	}

	private static long number(Map<String, @Nullable Object> json, String name) {
		Object value = json.get(name);
		if (!(value instanceof Number number)) {
			throw new IllegalStateException(name + " must be a number");
		}
		return number.longValue();
	}

	private static double decimal(Map<String, @Nullable Object> json, String name) {
		Object value = json.get(name);
		if (!(value instanceof Number number)) {
			throw new IllegalStateException(name + " must be a number");
		}
		return number.doubleValue();
	}

	private static Instant instant(Map<String, @Nullable Object> json, String name) {
		return Instant.parse(string(json, name));
	}

	@SuppressWarnings("unchecked")
	private static Map<String, @Nullable Object> object(Map<String, @Nullable Object> json, String name) {
		Object value = json.get(name);
		if (!(value instanceof Map<?, ?>)) {
			throw new IllegalStateException(name + " must be an object");
		}
		return (Map<String, @Nullable Object>) value;
	}

	private static List<String> strings(Map<String, @Nullable Object> json, String name) {
		Object value = json.get(name);
		if (!(value instanceof List<?> list)) {
			throw new IllegalStateException(name + " must be an array");
		}
		List<String> strings = new ArrayList<>(list.size());
		for (Object element : list) {
			if (!(element instanceof String string)) {
				throw new IllegalStateException(name + " must hold strings");
			}
			strings.add(string);
		}
		return strings;
	}

}
