package dev.countersign.policy.approval;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import dev.countersign.policy.action.ActionDigest;
import dev.countersign.policy.action.CanonicalJson;

/**
 * The digest of a batch (DESIGN §4 step 3): the lowercase hex SHA-256 of the RFC 8785
 * (JCS) canonical JSON of
 *
 * <pre>{@code {"batch_id":"bat_…","actions":["<action digest>", …]}}</pre>
 *
 * with the action digests in the batch's order. JSON makes the encoding unambiguous: no
 * id or digest can run into the next.
 *
 * <pre>{@code
 * String digest = BatchDigest.of(batch.id(), batch.actionDigests());
 * String code = BatchDigest.shortCode(digest); // e.g. "7K2Q"
 * }</pre>
 */
public final class BatchDigest {

	/** The characters of a short code: no 0/O, 1/I to confuse on a phone screen. */
	public static final String SHORT_CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";

	private BatchDigest() {
	}

	/**
	 * Computes a batch digest.
	 * @param batchId the batch id
	 * @param actionDigests the action digests, in the batch's order
	 * @return 64 lowercase hex digits
	 * @throws IllegalArgumentException if a digest is not 64 lowercase hex digits
	 */
	public static String of(String batchId, List<String> actionDigests) {
		Objects.requireNonNull(batchId, "batchId must not be null");
		Objects.requireNonNull(actionDigests, "actionDigests must not be null");
		for (String digest : actionDigests) {
			if (!ActionDigest.isDigest(digest)) {
				throw new IllegalArgumentException(
						"actionDigests must be 64 lowercase hex digits, but one was " + digest);
			}
		}
		Map<String, Object> envelope = new LinkedHashMap<>();
		envelope.put("batch_id", batchId);
		envelope.put("actions", List.copyOf(actionDigests));
		return CanonicalJson.sha256Hex(envelope);
	}

	/**
	 * The short code a user matches between the approval request and Countersign's
	 * screens: the first 20 bits of the batch digest as four characters of
	 * {@link #SHORT_CODE_ALPHABET}.
	 * @param batchDigest a batch digest
	 * @return four characters
	 * @throws IllegalArgumentException if the digest is not 64 lowercase hex digits
	 */
	public static String shortCode(String batchDigest) {
		if (!ActionDigest.isDigest(batchDigest)) {
			throw new IllegalArgumentException("batchDigest must be 64 lowercase hex digits, but was " + batchDigest);
		}
		int bits = Integer.parseInt(batchDigest.substring(0, 5), 16);
		char[] code = new char[4];
		for (int i = 3; i >= 0; i--) {
			code[i] = SHORT_CODE_ALPHABET.charAt(bits & 31);
			bits >>>= 5;
		}
		return new String(code);
	}

}
