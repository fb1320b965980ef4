package dev.countersign.policy.account;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.regex.Pattern;

import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals and opens users' refresh tokens with AES-256-GCM (NIST SP 800-38D). Each key
 * comes from configuration as raw text of at least {@value #MIN_KEY_BYTES} bytes; the AES
 * key is derived from it with HKDF-SHA256 (RFC 5869; salt {@code countersign}, info
 * {@code countersign refresh-token aes-256-gcm v1}). Each seal uses a fresh random 96-bit
 * nonce, and the associated data binds the ciphertext to its key id and its user, so a
 * ciphertext copied to another user does not open. The stored text is
 * {@code KEY_ID:BASE64URL(nonce || ciphertext || tag)}: several keys open, one seals, so
 * keys can rotate. Keys and tokens never appear in {@link #toString()} or in an exception
 * message. Immutable and thread-safe.
 *
 * <pre>{@code
 * RefreshTokenCipher cipher = RefreshTokenCipher.of("k1", configuredKey);
 * StoredRefreshToken sealed = cipher.seal("auth0|ada", refreshToken, clock.instant());
 * String token = cipher.open(sealed); // throws RefreshTokenUnreadableException
 * }</pre>
 */
public final class RefreshTokenCipher {

	/** The shortest configured key accepted, in bytes. */
	public static final int MIN_KEY_BYTES = 32;

	private static final Pattern KEY_ID = Pattern.compile("[A-Za-z0-9_-]{1,32}");

	private static final String TRANSFORMATION = "AES/GCM/NoPadding";

	private static final int NONCE_BYTES = 12;

	private static final int TAG_BITS = 128;

	private static final byte[] HKDF_SALT = "countersign".getBytes(StandardCharsets.UTF_8);

	private static final byte[] HKDF_INFO = "countersign refresh-token aes-256-gcm v1".getBytes(StandardCharsets.UTF_8);

	private static final SecureRandom RANDOM = new SecureRandom();

	private final Map<String, SecretKeySpec> keys;

	private final String sealingKeyId;

	private RefreshTokenCipher(Map<String, SecretKeySpec> keys, String sealingKeyId) {
		this.keys = keys;
		this.sealingKeyId = sealingKeyId;
	}

	/**
	 * One key that seals and opens.
	 * @param keyId its id: 1 to 32 letters, digits, {@code _} or {@code -}
	 * @param key the configured key, at least {@value #MIN_KEY_BYTES} bytes
	 * @return the cipher
	 * @throws IllegalArgumentException if the id is malformed or the key too short
	 */
	public static RefreshTokenCipher of(String keyId, byte[] key) {
		return of(Map.of(keyId, key), keyId);
	}

	/**
	 * Keys by id: all open, one seals.
	 * @param keys the configured keys by id, each at least {@value #MIN_KEY_BYTES} bytes
	 * @param sealingKeyId the id of the key that seals; one of {@code keys}
	 * @return the cipher
	 * @throws IllegalArgumentException if there are no keys, an id is malformed, a key is
	 * too short, or the sealing key is not among them
	 */
	public static RefreshTokenCipher of(Map<String, byte[]> keys, String sealingKeyId) {
		Objects.requireNonNull(keys, "keys must not be null");
		Objects.requireNonNull(sealingKeyId, "sealingKeyId must not be null");
		if (keys.isEmpty()) {
			throw new IllegalArgumentException("keys must not be empty");
		}
		Map<String, SecretKeySpec> specs = new LinkedHashMap<>();
		keys.forEach((id, key) -> {
			Objects.requireNonNull(id, "key id must not be null");
			Objects.requireNonNull(key, () -> "key " + id + " must not be null");
			if (!KEY_ID.matcher(id).matches()) {
				throw new IllegalArgumentException("key id must be 1 to 32 letters, digits, '_' or '-', but was " + id);
			}
			if (key.length < MIN_KEY_BYTES) {
				throw new IllegalArgumentException(
						"key " + id + " must be at least " + MIN_KEY_BYTES + " bytes, but was " + key.length);
			}
			specs.put(id, new SecretKeySpec(hkdfSha256(HKDF_SALT, key, HKDF_INFO), "AES"));
		});
		if (!specs.containsKey(sealingKeyId)) {
			throw new IllegalArgumentException(
					"sealingKeyId must be one of " + new TreeSet<>(specs.keySet()) + ", but was " + sealingKeyId);
		}
		return new RefreshTokenCipher(Map.copyOf(specs), sealingKeyId);
	}

	/**
	 * The id of the key that seals.
	 * @return the key id
	 */
	public String sealingKeyId() {
		return this.sealingKeyId;
	}

	/**
	 * Seals a user's refresh token with the sealing key.
	 * @param user the user id ({@code sub}) the token belongs to
	 * @param refreshToken the token; not blank
	 * @param storedAt the time to record
	 * @return the sealed token, ready to store
	 */
	public StoredRefreshToken seal(String user, String refreshToken, Instant storedAt) {
		Objects.requireNonNull(user, "user must not be null");
		Objects.requireNonNull(refreshToken, "refreshToken must not be null");
		Objects.requireNonNull(storedAt, "storedAt must not be null");
		if (refreshToken.isBlank()) {
			throw new IllegalArgumentException("refreshToken must not be blank");
		}
		byte[] nonce = new byte[NONCE_BYTES];
		RANDOM.nextBytes(nonce);
		try {
			Cipher cipher = Cipher.getInstance(TRANSFORMATION);
			cipher.init(Cipher.ENCRYPT_MODE, this.keys.get(this.sealingKeyId), new GCMParameterSpec(TAG_BITS, nonce));
			cipher.updateAAD(associatedData(this.sealingKeyId, user));
			byte[] sealed = cipher.doFinal(refreshToken.getBytes(StandardCharsets.UTF_8));
			byte[] out = new byte[NONCE_BYTES + sealed.length];
			System.arraycopy(nonce, 0, out, 0, NONCE_BYTES);
			System.arraycopy(sealed, 0, out, NONCE_BYTES, sealed.length);
			String text = this.sealingKeyId + ":" + Base64.getUrlEncoder().withoutPadding().encodeToString(out);
			return new StoredRefreshToken(user, this.sealingKeyId, text, storedAt);
		}
		catch (GeneralSecurityException ex) {
			// the message of a JCE failure never holds the plaintext
			throw new IllegalStateException("AES-GCM is not available: " + ex.getClass().getSimpleName(), ex);
		}
	}

	/**
	 * Opens a sealed token.
	 * @param stored the sealed token, as the store holds it
	 * @return the refresh token; keep it in a local variable only
	 * @throws RefreshTokenUnreadableException when its key is not configured, or the
	 * ciphertext was changed, sealed with another key, or sealed for another user
	 */
	public String open(StoredRefreshToken stored) {
		Objects.requireNonNull(stored, "stored must not be null");
		String text = stored.ciphertext();
		int colon = text.indexOf(':');
		if (colon <= 0 || !text.substring(0, colon).equals(stored.keyId())) {
			throw new RefreshTokenUnreadableException(stored.user(), "its key id prefix does not match its key id");
		}
		SecretKeySpec key = this.keys.get(stored.keyId());
		if (key == null) {
			throw new RefreshTokenUnreadableException(stored.user(),
					"it was sealed with key " + stored.keyId() + ", which is not configured");
		}
		byte[] sealed;
		try {
			sealed = Base64.getUrlDecoder().decode(text.substring(colon + 1));
		}
		catch (IllegalArgumentException ex) {
			throw new RefreshTokenUnreadableException(stored.user(), "its ciphertext is not base64url");
		}
		if (sealed.length <= NONCE_BYTES + TAG_BITS / 8) {
			throw new RefreshTokenUnreadableException(stored.user(), "its ciphertext is too short");
		}
		try {
			Cipher cipher = Cipher.getInstance(TRANSFORMATION);
			cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, sealed, 0, NONCE_BYTES));
			cipher.updateAAD(associatedData(stored.keyId(), stored.user()));
			byte[] plain = cipher.doFinal(sealed, NONCE_BYTES, sealed.length - NONCE_BYTES);
			String token = new String(plain, StandardCharsets.UTF_8);
			Arrays.fill(plain, (byte) 0);
			return token;
		}
		catch (javax.crypto.AEADBadTagException ex) {
			throw new RefreshTokenUnreadableException(stored.user(),
					"it does not verify (changed, sealed with another key, or sealed for another user)");
		}
		catch (GeneralSecurityException ex) {
			throw new RefreshTokenUnreadableException(stored.user(),
					"it could not be decrypted (" + ex.getClass().getSimpleName() + ")");
		}
	}

	/** GCM associated data: a label, the key id and the user (NUL-separated). */
	private static byte[] associatedData(String keyId, String user) {
		return ("countersign/refresh-token/v1\0" + keyId + "\0" + user).getBytes(StandardCharsets.UTF_8);
	}

	/** RFC 5869 HKDF-SHA256 with one block of output: 32 bytes, an AES-256 key. */
	static byte[] hkdfSha256(byte[] salt, byte[] inputKey, byte[] info) {
		try {
			Mac mac = Mac.getInstance("HmacSHA256");
			mac.init(new SecretKeySpec(salt, "HmacSHA256"));
			byte[] prk = mac.doFinal(inputKey);
			mac.init(new SecretKeySpec(prk, "HmacSHA256"));
			mac.update(info);
			mac.update((byte) 1);
			byte[] okm = mac.doFinal();
			Arrays.fill(prk, (byte) 0);
			return okm;
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("HmacSHA256 is not available", ex);
		}
	}

	@Override
	public String toString() {
		return "RefreshTokenCipher[keyIds=" + new TreeSet<>(this.keys.keySet()) + ", sealingKeyId=" + this.sealingKeyId
				+ "]";
	}

}
