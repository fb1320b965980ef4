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
 * HMAC-SHA256 keys from configuration, by key id: several verify, one signs, so keys can
 * rotate. Each signer that uses them ({@link BatchSigner}, the audit checkpoints) puts
 * its own label in front of what it signs, so a mac made for one purpose never passes for
 * another. Keys never appear in {@link #toString()}. Immutable and thread-safe.
 */
public final class HmacKeys {

	/** The shortest key accepted, in bytes. */
	public static final int MIN_KEY_BYTES = 32;

	private static final String ALGORITHM = "HmacSHA256";

	private final Map<String, SecretKeySpec> keys;

	private final String signingKeyId;

	private HmacKeys(Map<String, SecretKeySpec> keys, String signingKeyId) {
		this.keys = keys;
		this.signingKeyId = signingKeyId;
	}

	/**
	 * Keys by id.
	 * @param keys the keys by id; each at least {@value #MIN_KEY_BYTES} bytes (copied)
	 * @param signingKeyId the id of the key that signs; one of {@code keys}
	 * @return the keys
	 * @throws IllegalArgumentException if there are no keys, a key is too short, or the
	 * signing key is not among them
	 */
	public static HmacKeys of(Map<String, byte[]> keys, String signingKeyId) {
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
		return new HmacKeys(Map.copyOf(specs), signingKeyId);
	}

	/**
	 * A random key made now, for a store that lives no longer than the process (the
	 * sandbox on the memory store): what it signed cannot be verified after a restart.
	 * @param keyId the key id
	 * @return the keys
	 */
	public static HmacKeys ephemeral(String keyId) {
		byte[] key = new byte[MIN_KEY_BYTES];
		new SecureRandom().nextBytes(key);
		return of(Map.of(keyId, key), keyId);
	}

	/**
	 * The id of the key that signs.
	 * @return the key id
	 */
	public String signingKeyId() {
		return this.signingKeyId;
	}

	/**
	 * Signs a message with the signing key.
	 * @param message the labelled message
	 * @return the base64url HMAC-SHA256, without padding
	 */
	public String sign(String message) {
		return mac(this.signingKeyId, message);
	}

	/**
	 * Checks a mac in constant time.
	 * @param keyId the key id stored with the mac
	 * @param message the labelled message, as recomputed
	 * @param mac the stored mac
	 * @return true only when a configured key of that id made that mac over that message
	 */
	public boolean verify(@Nullable String keyId, String message, @Nullable String mac) {
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
		return MessageDigest.isEqual(Base64.getUrlDecoder().decode(mac(keyId, message)), given);
	}

	private String mac(String keyId, String message) {
		try {
			Mac mac = Mac.getInstance(ALGORITHM);
			mac.init(Objects.requireNonNull(this.keys.get(keyId)));
			return Base64.getUrlEncoder()
				.withoutPadding()
				.encodeToString(mac.doFinal(message.getBytes(StandardCharsets.UTF_8)));
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("HMAC-SHA256 is not available", ex);
		}
	}

	@Override
	public String toString() {
		return "signingKeyId=" + this.signingKeyId + ", keyIds=" + new TreeSet<>(this.keys.keySet());
	}

}
