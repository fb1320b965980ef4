package dev.countersign.policy.approval;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class BatchDigestTests {

	private static final String A = "a".repeat(64);

	private static final String B = "b".repeat(64);

	@Test
	void ofWhenKnownBatchThenPinnedDigest() {
		// SHA-256 of {"actions":["aaa…","bbb…"],"batch_id":"bat_01"}, computed once,
		// checked independently and pinned
		assertThat(BatchDigest.of("bat_01", List.of(A, B)))
			.isEqualTo("a7cb55ec5cecb8253e73a1d26ce3d801d8ea215d826c5273e60073f3d5f821df");
	}

	@Test
	void ofWhenOrderIdOrAnyDigestChangesThenDigestChanges() {
		Set<String> seen = new HashSet<>();
		assertThat(seen.add(BatchDigest.of("bat_01", List.of(A, B)))).isTrue();
		assertThat(seen.add(BatchDigest.of("bat_01", List.of(B, A)))).isTrue();
		assertThat(seen.add(BatchDigest.of("bat_02", List.of(A, B)))).isTrue();
		assertThat(seen.add(BatchDigest.of("bat_01", List.of(A)))).isTrue();
		assertThat(seen.add(BatchDigest.of("bat_01", List.of(A, "c" + B.substring(1))))).isTrue();
		assertThat(BatchDigest.of("bat_01", List.of(A, B))).isEqualTo(BatchDigest.of("bat_01", List.of(A, B)));
	}

	@Test
	void ofWhenActionDigestMalformedThenRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> BatchDigest.of("bat_01", List.of("ABC")))
			.withMessageContaining("64 lowercase hex digits");
	}

	@Test
	void shortCodeWhenDigestThenFourUnambiguousCharactersFromItsFirstBits() {
		assertThat(BatchDigest.shortCode("0".repeat(64))).isEqualTo("2222");
		assertThat(BatchDigest.shortCode("f".repeat(64))).isEqualTo("ZZZZ");
		assertThat(BatchDigest.shortCode("00001" + "0".repeat(59))).isEqualTo("2223");
		String code = BatchDigest.shortCode(BatchDigest.of("bat_01", List.of(A, B)));
		assertThat(code).hasSize(4).matches("[23456789ABCDEFGHJKLMNPQRSTUVWXYZ]{4}");
		assertThat(BatchDigest.SHORT_CODE_ALPHABET).hasSize(32).doesNotContain("0", "1", "O", "I");
	}

}
