package dev.countersign.policy.audit;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

import dev.countersign.policy.approval.BatchSigner;
import dev.countersign.policy.approval.HmacKeys;

/**
 * Makes and checks {@link AuditCheckpoint}s with HMAC-SHA256 (DESIGN §8).
 *
 * <p>
 * It takes the same keys as {@link BatchSigner}
 * ({@code countersign.approval.signing-key}, by key id): several verify, one signs, each
 * at least {@value BatchSigner#MIN_KEY_BYTES} bytes, never from the store. The signed
 * message is {@code countersign/audit-checkpoint/v1\n<user>|<sequence>|<hash>}; the label
 * keeps a checkpoint mac from ever passing for a batch mac made with the same key, and
 * since the sequence is decimal digits and the hash fixed-length hex, a user id holding
 * {@code |} ({@code auth0|ada}) cannot be split another way. Macs are base64url without
 * padding. Verification is constant-time; an unknown key id or a malformed mac simply
 * does not verify. Keys never appear in {@link #toString()}. Thread-safe.
 *
 * <pre>{@code
 * CheckpointSigner signer = CheckpointSigner.of(Map.of("k1", oldKey, "k2", newKey), "k2");
 * AuditCheckpoint checkpoint = signer.sign(user, event.sequence(), event.hash(), clock.instant());
 * boolean valid = signer.verify(checkpoint);
 * }</pre>
 */
public final class CheckpointSigner {

	private static final String LABEL = "countersign/audit-checkpoint/v1\n";

	private final HmacKeys keys;

	private CheckpointSigner(HmacKeys keys) {
		this.keys = keys;
	}

	/**
	 * A signer over several keys.
	 * @param keys the keys by id; each at least {@value BatchSigner#MIN_KEY_BYTES} bytes
	 * (copied)
	 * @param signingKeyId the id of the key that signs; one of {@code keys}
	 * @return the signer
	 * @throws IllegalArgumentException if there are no keys, a key is too short, or the
	 * signing key is not among them
	 */
	public static CheckpointSigner of(Map<String, byte[]> keys, String signingKeyId) {
		return new CheckpointSigner(HmacKeys.of(keys, signingKeyId));
	}

	/**
	 * A signer over one key.
	 * @param keyId the key id
	 * @param key the key, at least {@value BatchSigner#MIN_KEY_BYTES} bytes
	 * @return the signer
	 */
	public static CheckpointSigner of(String keyId, byte[] key) {
		return of(Map.of(keyId, key), keyId);
	}

	/**
	 * A signer over a random key made now, for a store that lives no longer than the
	 * process (the sandbox on the memory store). Checkpoints it made cannot be verified
	 * after a restart.
	 * @param keyId the key id
	 * @return the signer
	 */
	public static CheckpointSigner ephemeral(String keyId) {
		return new CheckpointSigner(HmacKeys.ephemeral(keyId));
	}

	/**
	 * The id of the key that signs.
	 * @return the key id
	 */
	public String signingKeyId() {
		return this.keys.signingKeyId();
	}

	/**
	 * Seals an entry with the signing key.
	 * @param user the user id
	 * @param sequence the entry's sequence
	 * @param hash the entry's hash
	 * @param createdAt now
	 * @return the checkpoint
	 */
	public AuditCheckpoint sign(String user, long sequence, String hash, Instant createdAt) {
		Objects.requireNonNull(user, "user must not be null");
		Objects.requireNonNull(hash, "hash must not be null");
		return new AuditCheckpoint(user, sequence, hash, this.keys.signingKeyId(),
				this.keys.sign(message(user, sequence, hash)), createdAt);
	}

	/**
	 * Checks a checkpoint's HMAC.
	 * @param checkpoint the checkpoint, from the store or the log
	 * @return true only when a configured key of its key id made its mac over its user,
	 * sequence and hash
	 */
	public boolean verify(AuditCheckpoint checkpoint) {
		Objects.requireNonNull(checkpoint, "checkpoint must not be null");
		return this.keys.verify(checkpoint.keyId(),
				message(checkpoint.user(), checkpoint.sequence(), checkpoint.hash()), checkpoint.hmac());
	}

	private static String message(String user, long sequence, String hash) {
		return LABEL + user + "|" + sequence + "|" + hash;
	}

	@Override
	public String toString() {
		return "CheckpointSigner[" + this.keys + "]";
	}

}
