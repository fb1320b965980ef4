package dev.countersign.policy.audit;

import java.time.Instant;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class AuditCheckpointTests {

	private static final String HASH = "c".repeat(64);

	private static final Instant AT = Instant.parse("2026-11-23T10:00:00Z");

	@Test
	void toJsonLineIsOneLineOfCanonicalJson() {
		AuditCheckpoint checkpoint = new AuditCheckpoint("auth0|ada", 50, HASH, "k1", "bWFj", AT);
		assertThat(checkpoint.toJsonLine())
			.isEqualTo("{\"audit_checkpoint\":true,\"created_at\":\"2026-11-23T10:00:00Z\"," + "\"hash\":\"" + HASH
					+ "\",\"hmac\":\"bWFj\",\"key_id\":\"k1\",\"sequence\":50,\"user\":\"auth0|ada\"}");
	}

	@Test
	void toJsonLineEscapesTheUserId() {
		AuditCheckpoint checkpoint = new AuditCheckpoint("a\"b\nc", 1, HASH, "k1", "bWFj", AT);
		assertThat(checkpoint.toJsonLine()).contains("\"user\":\"a\\\"b\\nc\"").doesNotContain("\n");
	}

	@Test
	void constructorValidates() {
		assertThatIllegalArgumentException().isThrownBy(() -> new AuditCheckpoint("auth0|ada", 0, HASH, "k1", "m", AT))
			.withMessage("sequence must be positive, but was 0");
		assertThatIllegalArgumentException().isThrownBy(() -> new AuditCheckpoint("auth0|ada", 1, "x", "k1", "m", AT))
			.withMessage("hash must be 64 lowercase hex digits, but was x");
		assertThatIllegalArgumentException().isThrownBy(() -> new AuditCheckpoint("auth0|ada", 1, HASH, "", "m", AT))
			.withMessage("keyId must not be blank");
	}

	@Test
	void fromJsonLineReadsBackWhatToJsonLineWroteEvenInsideALogLine() {
		AuditCheckpoint checkpoint = new AuditCheckpoint("a\"b|c", 50, HASH, "k1", "bWFj", AT);
		assertThat(AuditCheckpoint.fromJsonLine(checkpoint.toJsonLine())).isEqualTo(checkpoint);
		assertThat(AuditCheckpoint.fromJsonLine(
				"2026-11-23 10:00:00 INFO 1 --- [main] countersign.audit.anchor : " + checkpoint.toJsonLine()))
			.isEqualTo(checkpoint);
	}

	@Test
	void fromJsonLineNamesWhatIsWrong() {
		String good = new AuditCheckpoint("auth0|ada", 50, HASH, "k1", "bWFj", AT).toJsonLine();
		assertThatIllegalArgumentException().isThrownBy(() -> AuditCheckpoint.fromJsonLine("INFO started"))
			.withMessage("it holds no JSON object");
		assertThatIllegalArgumentException().isThrownBy(() -> AuditCheckpoint.fromJsonLine("{\"user\":"))
			.withMessage("it holds no JSON object");
		assertThatIllegalArgumentException().isThrownBy(() -> AuditCheckpoint.fromJsonLine("{\"user\":}"))
			.withMessageStartingWith("its JSON object is malformed");
		assertThatIllegalArgumentException().isThrownBy(() -> AuditCheckpoint.fromJsonLine("{\"user\":\"x\"}"))
			.withMessageContaining("not an audit checkpoint");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> AuditCheckpoint.fromJsonLine(good.replace("\"sequence\":50", "\"sequence\":\"50\"")))
			.withMessage("sequence must be a whole number");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> AuditCheckpoint.fromJsonLine(good.replace("\"key_id\":\"k1\",", "")))
			.withMessage("key_id must be a string");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> AuditCheckpoint.fromJsonLine(good.replace("2026", "twenty")))
			.withMessage("created_at must be an ISO-8601 instant");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> AuditCheckpoint.fromJsonLine(good.replace("\"sequence\":50", "\"sequence\":0")))
			.withMessage("sequence must be positive, but was 0");
	}

}
