package dev.countersign.policy.approval;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

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
	public static final int MIN_KEY_BYTES = 32;

	/** The key id when none is configured. */
	public static final String DEFAULT_KEY_ID = "k1";

	private static final String ALGORITHM = "HmacSHA256";

	private static final String BATCH_LABEL = "countersign/batch/v1\n";

	private static final String REQUEST_LABEL = "countersign/auth-req/v1\n";

	private final Map<String, SecretKeySpec> keys;

	private final String signingKeyId;

	private BatchSigner(Map<String, SecretKeySpec> keys, String signingKeyId) {
		this.keys = keys;
		this.signingKeyId = signingKeyId;
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
		Objects.requireNonNull(keys, "keys must not be null");
		Objects.requireNonNull(signingKeyId, "signingKeyId must not be null");
		if (keys.isEmpty()) {
			throw new IllegalArgumentException("keys must not be empty");
		}
		Map<String, SecretKeySpec> specs = new LinkedHashMap<>();
		keys.forEach((id, key) -> {
			Objects.requireNonNull(id, "key id must not be null");
			Objects.requireNonNull(key, () -> "key " + id + " must not be null");
			if (key.length < MIN_KEY_BYTES) {
				throw new IllegalArgumentException(
						"key " + id + " must be at least " + MIN_KEY_BYTES + " bytes, but was " + key.length);
			}
			specs.put(id, new SecretKeySpec(key.clone(), ALGORITHM));
		});
		if (!specs.containsKey(signingKeyId)) {
			throw new IllegalArgumentException("signingKeyId must name one of the keys " + new TreeSet<>(specs.keySet())
					+ ", but was " + signingKeyId);
		}
		return new BatchSigner(Map.copyOf(specs), signingKeyId);
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
		byte[] key = new byte[MIN_KEY_BYTES];
		new SecureRandom().nextBytes(key);
		return of(keyId, key);
	}

	/**
	 * The id of the key that signs.
	 * @return the key id
	 */
	public String signingKeyId() {
		return this.signingKeyId;
	}

	/**
	 * Signs a batch digest with the signing key.
	 * @param batchDigest the batch digest
	 * @return the key id and the mac
	 */
	public Signature sign(String batchDigest) {
		Objects.requireNonNull(batchDigest, "batchDigest must not be null");
		return new Signature(this.signingKeyId, mac(this.signingKeyId, BATCH_LABEL + batchDigest));
	}

	/**
	 * Checks the signature of a batch digest.
	 * @param batchDigest the batch digest, as recomputed
	 * @param keyId the key id stored with the signature
	 * @param mac the stored mac
	 * @return true only when a configured key of that id made that mac over that digest
	 */
	public boolean verify(String batchDigest, String keyId, @Nullable String mac) {
		return matches(keyId, BATCH_LABEL + batchDigest, mac);
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
		return new Signature(this.signingKeyId, mac(this.signingKeyId, requestMessage(batchDigest, authReqId)));
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
		return matches(keyId, requestMessage(batchDigest, authReqId), mac);
	}

	private static String requestMessage(String batchDigest, String authReqId) {
		// the digest is fixed-length hex, so the pair cannot be split another way
		return REQUEST_LABEL + batchDigest + "\n" + authReqId;
	}

	private boolean matches(@Nullable String keyId, String message, @Nullable String mac) {
		if (keyId == null || mac == null || !this.keys.containsKey(keyId)) {
			return false;
		}
		byte[] given;
		try {
			given = Base64.getUrlDecoder().decode(mac);
		}
		catch (IllegalArgumentException ex) {
			return false;
		}
		byte[] expected = Base64.getUrlDecoder().decode(mac(keyId, message));
		return MessageDigest.isEqual(expected, given);
	}

	private String mac(String keyId, String message) {
		try {
			Mac mac = Mac.getInstance(ALGORITHM);
			mac.init(this.keys.get(keyId));
			byte[] bytes = mac.doFinal(message.getBytes(StandardCharsets.UTF_8));
			return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("HMAC-SHA256 is not available", ex);
		}
	}

	@Override
	public String toString() {
		return "BatchSigner[signingKeyId=" + this.signingKeyId + ", keyIds=" + new TreeSet<>(this.keys.keySet()) + "]";
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
