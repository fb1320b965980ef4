package dev.countersign.redis.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.countersign.policy.action.Action;
import dev.countersign.policy.action.ActionStatus;
import dev.countersign.policy.approval.Batch;
import dev.countersign.policy.approval.BatchStatus;
import dev.countersign.policy.deal.Contact;
import dev.countersign.policy.deal.Deal;
import dev.countersign.policy.deal.DealStage;
import dev.countersign.policy.tool.Risk;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes actions, batches, deals and contacts as JSON objects and reads them back equal.
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
