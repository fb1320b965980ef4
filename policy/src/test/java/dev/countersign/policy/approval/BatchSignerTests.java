package dev.countersign.policy.approval;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class BatchSignerTests {

	private static final byte[] OLD_KEY = "old-key-0123456789abcdef0123456789ab".getBytes(StandardCharsets.UTF_8);

	private static final byte[] NEW_KEY = "new-key-0123456789abcdef0123456789ab".getBytes(StandardCharsets.UTF_8);

	private static final String DIGEST = "c".repeat(64);

	@Test
	void ofWhenKeyShorterThan32BytesThenRefusedNamingTheKey() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> BatchSigner.of(Map.of("k1", OLD_KEY, "k2", new byte[31]), "k1"))
			.withMessage("key k2 must be at least 32 bytes, but was 31");
		assertThat(BatchSigner.of("k1", new byte[32]).signingKeyId()).isEqualTo("k1");
	}

	@Test
	void ofWhenSigningKeyNotConfiguredOrNoKeysThenRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> BatchSigner.of(Map.of("k1", OLD_KEY), "k2"))
			.withMessage("signingKeyId must name one of the keys [k1], but was k2");
		assertThatIllegalArgumentException().isThrownBy(() -> BatchSigner.of(Map.of(), "k1"));
	}

	@Test
	void signThenVerify() {
		BatchSigner signer = BatchSigner.of("k1", OLD_KEY);
		BatchSigner.Signature signature = signer.sign(DIGEST);
		assertThat(signature.keyId()).isEqualTo("k1");
		assertThat(signature.mac()).matches("[A-Za-z0-9_-]{43}");
		assertThat(signer.verify(DIGEST, "k1", signature.mac())).isTrue();
	}

	@Test
	void verifyWhenDigestMacOrKeyIdTamperedThenFalse() {
		BatchSigner signer = BatchSigner.of("k1", OLD_KEY);
		String mac = signer.sign(DIGEST).mac();
		assertThat(signer.verify("d" + DIGEST.substring(1), "k1", mac)).isFalse();
		char[] chars = mac.toCharArray();
		chars[5] = (chars[5] == 'A') ? 'B' : 'A';
		assertThat(signer.verify(DIGEST, "k1", new String(chars))).isFalse();
		assertThat(signer.verify(DIGEST, "k9", mac)).isFalse();
		assertThat(signer.verify(DIGEST, "k1", "not base64 !")).isFalse();
		assertThat(signer.verify(DIGEST, "k1", null)).isFalse();
		assertThat(signer.verify(DIGEST, "k1", "")).isFalse();
	}

	@Test
	void verifyWhenAnotherKeyThenFalse() {
		String forged = BatchSigner.of("k1", NEW_KEY).sign(DIGEST).mac();
		assertThat(BatchSigner.of("k1", OLD_KEY).verify(DIGEST, "k1", forged)).isFalse();
	}

	@Test
	void rotationWhenNewKeySignsThenOldSignaturesStillVerify() {
		BatchSigner before = BatchSigner.of("k1", OLD_KEY);
		BatchSigner.Signature old = before.sign(DIGEST);
		BatchSigner after = BatchSigner.of(Map.of("k1", OLD_KEY, "k2", NEW_KEY), "k2");
		BatchSigner.Signature fresh = after.sign(DIGEST);
		assertThat(fresh.keyId()).isEqualTo("k2");
		assertThat(after.verify(DIGEST, old.keyId(), old.mac())).isTrue();
		assertThat(after.verify(DIGEST, fresh.keyId(), fresh.mac())).isTrue();
		assertThat(before.verify(DIGEST, fresh.keyId(), fresh.mac())).isFalse();
		assertThat(after.verify(DIGEST, "k1", fresh.mac())).isFalse();
	}

	@Test
	void signRequestWhenVerifiedThenBoundToDigestAndAuthReqId() {
		BatchSigner signer = BatchSigner.of("k1", OLD_KEY);
		BatchSigner.Signature signature = signer.signRequest(DIGEST, "req-1");
		assertThat(signer.verifyRequest(DIGEST, "req-1", "k1", signature.mac())).isTrue();
		assertThat(signer.verifyRequest(DIGEST, "req-2", "k1", signature.mac())).isFalse();
		assertThat(signer.verifyRequest("d" + DIGEST.substring(1), "req-1", "k1", signature.mac())).isFalse();
	}

	@Test
	void signaturesOfBatchesAndRequestsNeverPassForEachOther() {
		BatchSigner signer = BatchSigner.of("k1", OLD_KEY);
		String batchMac = signer.sign(DIGEST).mac();
		String requestMac = signer.signRequest(DIGEST, "").mac();
		assertThat(signer.verifyRequest(DIGEST, "", "k1", batchMac)).isFalse();
		assertThat(signer.verify(DIGEST, "k1", requestMac)).isFalse();
	}

	@Test
	void macIsHmacSha256OfTheLabelledDigest() throws Exception {
		Mac mac = Mac.getInstance("HmacSHA256");
		mac.init(new SecretKeySpec(OLD_KEY, "HmacSHA256"));
		String expected = Base64.getUrlEncoder()
			.withoutPadding()
			.encodeToString(mac.doFinal(("countersign/batch/v1\n" + DIGEST).getBytes(StandardCharsets.UTF_8)));
		assertThat(BatchSigner.of("k1", OLD_KEY).sign(DIGEST).mac()).isEqualTo(expected);
	}

	@Test
	void toStringNeverShowsKeys() {
		BatchSigner signer = BatchSigner.of(Map.of("k1", OLD_KEY, "k2", NEW_KEY), "k2");
		assertThat(signer.toString()).isEqualTo("BatchSigner[signingKeyId=k2, keyIds=[k1, k2]]")
			.doesNotContain("old-key", "new-key", Base64.getEncoder().encodeToString(OLD_KEY));
	}

	@Test
	void ofCopiesKeys() {
		byte[] key = OLD_KEY.clone();
		BatchSigner signer = BatchSigner.of("k1", key);
		String mac = signer.sign(DIGEST).mac();
		key[0] ^= 1;
		assertThat(signer.verify(DIGEST, "k1", mac)).isTrue();
	}

	@Test
	void ephemeralWhenCreatedThenSignsAndVerifies() {
		BatchSigner signer = BatchSigner.ephemeral("k1");
		BatchSigner.Signature signature = signer.sign(DIGEST);
		assertThat(signer.verify(DIGEST, "k1", signature.mac())).isTrue();
		assertThat(BatchSigner.ephemeral("k1").verify(DIGEST, "k1", signature.mac())).isFalse();
	}

}
