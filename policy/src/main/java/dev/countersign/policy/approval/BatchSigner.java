package dev.countersign.policy.approval;

import java.util.Map;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * Signs batch digests with HMAC-SHA256, so that whoever can write the store cannot forge
 * a batch or move an approval to another batch (DESIGN §4 step 3).
 *
 * <p>
 * Keys come from configuration, never from the store. Several keys verify, one signs, so
 * keys can rotate: add the new key and sign with it, keep the old one until its batches
 * are done. Each key is at least {@value #MIN_KEY_BYTES} bytes. Two kinds of message are
 * signed, each under its own label so that one can never pass for the other:
 * <ul>
 * <li>{@link #sign(String)}: {@code countersign/batch/v1\n<batch digest>}</li>
 * <li>{@link #signRequest(String, String)}:
 * {@code countersign/auth-req/v1\n<batch digest>\n<auth_req_id>}</li>
 * </ul>
 * Macs are base64url without padding. Verification is constant-time, and an unknown key
 * id or a malformed mac simply does not verify. Keys never appear in {@link #toString()}.
 * Thread-safe.
 *
 * <pre>{@code
 * BatchSigner signer = BatchSigner.of(Map.of("k1", oldKey, "k2", newKey), "k2");
 * BatchSigner.Signature signature = signer.sign(batchDigest);
 * boolean valid = signer.verify(batchDigest, signature.keyId(), signature.mac());
 * }</pre>
 */
public final class BatchSigner {

	/** The shortest key accepted, in bytes: the length of an HMAC-SHA256 output. */
	public static final int MIN_KEY_BYTES = HmacKeys.MIN_KEY_BYTES;

	/** The key id when none is configured. */
	public static final String DEFAULT_KEY_ID = "k1";

	private static final String BATCH_LABEL = "countersign/batch/v1\n";

	private static final String REQUEST_LABEL = "countersign/auth-req/v1\n";

	private final HmacKeys keys;

	private BatchSigner(HmacKeys keys) {
		this.keys = keys;
	}

	/**
	 * A signer over several keys.
	 * @param keys the keys by id; each at least {@value #MIN_KEY_BYTES} bytes (copied)
	 * @param signingKeyId the id of the key that signs; one of {@code keys}
	 * @return the signer
	 * @throws IllegalArgumentException if there are no keys, a key is too short, or the
	 * signing key is not among them
	 */
	public static BatchSigner of(Map<String, byte[]> keys, String signingKeyId) {
		return new BatchSigner(HmacKeys.of(keys, signingKeyId));
	}

	/**
	 * A signer over one key.
	 * @param keyId the key id
	 * @param key the key, at least {@value #MIN_KEY_BYTES} bytes
	 * @return the signer
	 */
	public static BatchSigner of(String keyId, byte[] key) {
		return of(Map.of(keyId, key), keyId);
	}

	/**
	 * A signer over a random key made now, for a store that lives no longer than the
	 * process (the sandbox on the memory store). Batches it signed cannot be verified
	 * after a restart.
	 * @param keyId the key id
	 * @return the signer
	 */
	public static BatchSigner ephemeral(String keyId) {
		return new BatchSigner(HmacKeys.ephemeral(keyId));
	}

	/**
	 * The id of the key that signs.
	 * @return the key id
	 */
	public String signingKeyId() {
		return this.keys.signingKeyId();
	}

	/**
	 * Signs a batch digest with the signing key.
	 * @param batchDigest the batch digest
	 * @return the key id and the mac
	 */
	public Signature sign(String batchDigest) {
		Objects.requireNonNull(batchDigest, "batchDigest must not be null");
		return new Signature(this.keys.signingKeyId(), this.keys.sign(BATCH_LABEL + batchDigest));
	}

	/**
	 * Checks the signature of a batch digest.
	 * @param batchDigest the batch digest, as recomputed
	 * @param keyId the key id stored with the signature
	 * @param mac the stored mac
	 * @return true only when a configured key of that id made that mac over that digest
	 */
	public boolean verify(String batchDigest, String keyId, @Nullable String mac) {
		return this.keys.verify(keyId, BATCH_LABEL + batchDigest, mac);
	}

	/**
	 * Signs the pair (batch digest, {@code auth_req_id}) with the signing key, once
	 * {@code /bc-authorize} answered, so that an approval counts only for the batch it
	 * was asked for.
	 * @param batchDigest the batch digest
	 * @param authReqId the {@code auth_req_id}
	 * @return the key id and the mac
	 */
	public Signature signRequest(String batchDigest, String authReqId) {
		Objects.requireNonNull(batchDigest, "batchDigest must not be null");
		Objects.requireNonNull(authReqId, "authReqId must not be null");
		return new Signature(this.keys.signingKeyId(), this.keys.sign(requestMessage(batchDigest, authReqId)));
	}

	/**
	 * Checks the signature of a (batch digest, {@code auth_req_id}) pair.
	 * @param batchDigest the batch digest, as recomputed
	 * @param authReqId the {@code auth_req_id}
	 * @param keyId the key id stored with the signature
	 * @param mac the stored mac
	 * @return true only when a configured key of that id made that mac over that pair
	 */
	public boolean verifyRequest(String batchDigest, String authReqId, String keyId, @Nullable String mac) {
		return this.keys.verify(keyId, requestMessage(batchDigest, authReqId), mac);
	}

	private static String requestMessage(String batchDigest, String authReqId) {
		// the digest is fixed-length hex, so the pair cannot be split another way
		return REQUEST_LABEL + batchDigest + "\n" + authReqId;
	}

	@Override
	public String toString() {
		return "BatchSigner[" + this.keys + "]";
	}

	/**
	 * A signature.
	 *
	 * @param keyId the id of the key that made it
	 * @param mac the base64url HMAC-SHA256, without padding
	 */
	public record Signature(String keyId, String mac) {

		public Signature {
			Objects.requireNonNull(keyId, "keyId must not be null");
			Objects.requireNonNull(mac, "mac must not be null");
		}

	}

}
