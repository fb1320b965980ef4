package dev.countersign.policy.audit;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

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

}
