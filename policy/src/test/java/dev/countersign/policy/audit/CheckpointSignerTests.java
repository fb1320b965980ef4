package dev.countersign.policy.audit;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

import dev.countersign.policy.approval.BatchSigner;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class CheckpointSignerTests {

	private static final byte[] KEY = "audit-key-0123456789abcdef01234567".getBytes(StandardCharsets.UTF_8);

	private static final byte[] OTHER_KEY = "other-key-0123456789abcdef01234567".getBytes(StandardCharsets.UTF_8);

	private static final String HASH = "c".repeat(64);

	private static final Instant AT = Instant.parse("2026-11-23T10:00:00Z");

	@Test
	void signThenVerify() {
		CheckpointSigner signer = CheckpointSigner.of("k1", KEY);
		AuditCheckpoint checkpoint = signer.sign("auth0|ada", 50, HASH, AT);
		assertThat(checkpoint)
			.extracting(AuditCheckpoint::user, AuditCheckpoint::sequence, AuditCheckpoint::hash, AuditCheckpoint::keyId,
					AuditCheckpoint::createdAt)
			.containsExactly("auth0|ada", 50L, HASH, "k1", AT);
		assertThat(checkpoint.hmac()).matches("[A-Za-z0-9_-]{43}");
		assertThat(signer.verify(checkpoint)).isTrue();
	}

	@Test
	void verifyWhenUserSequenceHashOrMacChangedThenFalse() {
		CheckpointSigner signer = CheckpointSigner.of("k1", KEY);
		AuditCheckpoint c = signer.sign("auth0|ada", 50, HASH, AT);
		assertThat(signer.verify(new AuditCheckpoint("auth0|alan", 50, HASH, "k1", c.hmac(), AT))).isFalse();
		assertThat(signer.verify(new AuditCheckpoint("auth0|ada", 51, HASH, "k1", c.hmac(), AT))).isFalse();
		assertThat(signer.verify(new AuditCheckpoint("auth0|ada", 50, "d".repeat(64), "k1", c.hmac(), AT))).isFalse();
		assertThat(signer.verify(new AuditCheckpoint("auth0|ada", 50, HASH, "k9", c.hmac(), AT))).isFalse();
		assertThat(signer.verify(new AuditCheckpoint("auth0|ada", 50, HASH, "k1", "not base64 !", AT))).isFalse();
		// the user id holds "|": moving it between user and sequence must not verify
		assertThat(signer.verify(new AuditCheckpoint("auth0", 50, HASH, "k1", c.hmac(), AT))).isFalse();
	}

	@Test
	void verifyWhenMadeWithAnotherKeyOfTheSameIdThenFalse() {
		AuditCheckpoint forged = CheckpointSigner.of("k1", OTHER_KEY).sign("auth0|ada", 50, HASH, AT);
		assertThat(CheckpointSigner.of("k1", KEY).verify(forged)).isFalse();
	}

	@Test
	void verifyWhenKeysRotatedThenOldKeyStillVerifiesAndNewKeySigns() {
		AuditCheckpoint old = CheckpointSigner.of("k1", KEY).sign("auth0|ada", 50, HASH, AT);
		CheckpointSigner rotated = CheckpointSigner.of(Map.of("k1", KEY, "k2", OTHER_KEY), "k2");
		assertThat(rotated.verify(old)).isTrue();
		assertThat(rotated.sign("auth0|ada", 100, HASH, AT).keyId()).isEqualTo("k2");
	}

	@Test
	void checkpointMacIsNotABatchMacOfTheSameKey() {
		AuditCheckpoint checkpoint = CheckpointSigner.of("k1", KEY).sign("auth0|ada", 50, HASH, AT);
		BatchSigner batches = BatchSigner.of("k1", KEY);
		assertThat(batches.verify(HASH, "k1", checkpoint.hmac())).isFalse();
		assertThat(batches.verify("auth0|ada|50|" + HASH, "k1", checkpoint.hmac())).isFalse();
	}

	@Test
	void ofValidatesKeys() {
		assertThatIllegalArgumentException().isThrownBy(() -> CheckpointSigner.of("k1", new byte[31]))
			.withMessage("key k1 must be at least 32 bytes, but was 31");
		assertThatIllegalArgumentException().isThrownBy(() -> CheckpointSigner.of(Map.of("k1", KEY), "k2"))
			.withMessage("signingKeyId must name one of the keys [k1], but was k2");
		assertThatIllegalArgumentException().isThrownBy(() -> CheckpointSigner.of(Map.of(), "k1"));
		assertThat(CheckpointSigner.ephemeral("k1").signingKeyId()).isEqualTo("k1");
	}

	@Test
	void toStringHidesKeys() {
		assertThat(CheckpointSigner.of(Map.of("k1", KEY, "k2", OTHER_KEY), "k2"))
			.hasToString("CheckpointSigner[signingKeyId=k2, keyIds=[k1, k2]]");
	}

}
