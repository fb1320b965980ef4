package dev.countersign.policy.audit;

import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.countersign.policy.action.CanonicalJson;

/**
 * An HMAC seal over one entry of a user's audit chain (DESIGN §8): whoever rewrites the
 * chain without the signing key cannot make a checkpoint that verifies. Made and checked
 * by {@link CheckpointSigner}; kept in the {@link AuditStore} and, as
 * {@link #toJsonLine()}, in the application log, an anchor outside the store.
 *
 * @param user the user id
 * @param sequence the sequence of the sealed entry, from 1
 * @param hash the hash of the sealed entry
 * @param keyId the id of the key that made the HMAC
 * @param hmac the base64url HMAC-SHA256, without padding, of {@code user|sequence|hash}
 * (see {@link CheckpointSigner})
 * @param createdAt when the checkpoint was made
 */
public record AuditCheckpoint(String user, long sequence, String hash, String keyId, String hmac, Instant createdAt) {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	public AuditCheckpoint {
		AuditEvent.requireText("user", user);
		if (sequence < 1) {
			throw new IllegalArgumentException("sequence must be positive, but was " + sequence);
		}
		AuditEvent.requireHash("hash", hash);
		AuditEvent.requireText("keyId", keyId);
		AuditEvent.requireText("hmac", hmac);
		Objects.requireNonNull(createdAt, "createdAt must not be null");
	}

	/**
	 * This checkpoint as one line of canonical JSON, for the application log:
	 *
	 * <pre>{@code {"audit_checkpoint":true,"created_at":"2026-…Z","hash":"…","hmac":"…","key_id":"k1","sequence":50,"user":"auth0|ada"}}</pre>
	 *
	 * The line holds no line break, so a log reader can find it again by its
	 * {@code audit_checkpoint} member.
	 * @return the JSON line, without a trailing newline
	 */
	public String toJsonLine() {
		Map<String, Object> line = new LinkedHashMap<>();
		line.put("audit_checkpoint", true);
		line.put("user", this.user);
		line.put("sequence", this.sequence);
		line.put("hash", this.hash);
		line.put("key_id", this.keyId);
		line.put("hmac", this.hmac);
		line.put("created_at", this.createdAt.toString());
		return new String(CanonicalJson.canonicalize(line), StandardCharsets.UTF_8);
	}

	/**
	 * Reads a checkpoint back from a log line: the JSON object {@link #toJsonLine()}
	 * made, with whatever a log layout put before or after it on the line.
	 * @param line the log line
	 * @return the checkpoint
	 * @throws IllegalArgumentException naming what is wrong when the line holds no
	 * checkpoint object or a member is missing or malformed
	 */
	public static AuditCheckpoint fromJsonLine(String line) {
		Objects.requireNonNull(line, "line must not be null");
		int start = line.indexOf('{');
		int end = line.lastIndexOf('}');
		if (start < 0 || end < start) {
			throw new IllegalArgumentException("it holds no JSON object");
		}
		JsonNode json;
		try {
			json = JSON.readTree(line.substring(start, end + 1));
		}
		catch (JacksonException ex) {
			throw new IllegalArgumentException("its JSON object is malformed: " + ex.getOriginalMessage());
		}
		if (!json.path("audit_checkpoint").asBoolean(false)) {
			throw new IllegalArgumentException(
					"its JSON object is not an audit checkpoint (no \"audit_checkpoint\":true)");
		}
		JsonNode sequence = json.path("sequence");
		if (!sequence.canConvertToExactIntegral() || !sequence.canConvertToLong()) {
			throw new IllegalArgumentException("sequence must be a whole number");
		}
		try {
			return new AuditCheckpoint(text(json, "user"), sequence.asLong(), text(json, "hash"), text(json, "key_id"),
					text(json, "hmac"), Instant.parse(text(json, "created_at")));
		}
		catch (DateTimeException ex) {
			throw new IllegalArgumentException("created_at must be an ISO-8601 instant");
		}
	}

	private static String text(JsonNode json, String member) {
		JsonNode value = json.path(member);
		if (!value.isString()) {
			throw new IllegalArgumentException(member + " must be a string");
		}
		return value.asString();
	}

}
