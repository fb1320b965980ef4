package dev.countersign.policy.account;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;

import dev.countersign.policy.MutableClock;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class RefreshTokenCipherTests {

	private static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8);

	private static final byte[] OTHER_KEY = "fedcba9876543210fedcba9876543210".getBytes(StandardCharsets.UTF_8);

	private static final String TOKEN = "v1.MRrt-canary-refresh-token-0123456789";

	private static final String ADA = "auth0|ada";

	private static final Instant T0 = MutableClock.START;

	private final RefreshTokenCipher cipher = RefreshTokenCipher.of("k1", KEY);

	@Test
	void sealThenOpenGivesTheTokenBack() {
		StoredRefreshToken sealed = this.cipher.seal(ADA, TOKEN, T0);

		assertThat(this.cipher.open(sealed)).isEqualTo(TOKEN);
		assertThat(sealed.user()).isEqualTo(ADA);
		assertThat(sealed.keyId()).isEqualTo("k1");
		assertThat(sealed.storedAt()).isEqualTo(T0);
	}

	@Test
	void sealThenCiphertextHoldsNeitherTheTokenNorTheKeyAndStartsWithTheKeyId() {
		StoredRefreshToken sealed = this.cipher.seal(ADA, TOKEN, T0);

		assertThat(sealed.ciphertext()).startsWith("k1:")
			.doesNotContain(TOKEN)
			.doesNotContain(
					Base64.getUrlEncoder().withoutPadding().encodeToString(TOKEN.getBytes(StandardCharsets.UTF_8)))
			.doesNotContain(new String(KEY, StandardCharsets.UTF_8));
		assertThat(sealed.toString()).doesNotContain(sealed.ciphertext());
		assertThat(this.cipher.toString()).doesNotContain(new String(KEY, StandardCharsets.UTF_8));
	}

	@Test
	void sealTwiceThenDifferentNonces() {
		assertThat(this.cipher.seal(ADA, TOKEN, T0).ciphertext())
			.isNotEqualTo(this.cipher.seal(ADA, TOKEN, T0).ciphertext());
	}

	@Test
	void openWhenSealedWithAnotherKeyUnderTheSameIdThenRefused() {
		StoredRefreshToken sealed = RefreshTokenCipher.of("k1", OTHER_KEY).seal(ADA, TOKEN, T0);

		assertThatExceptionOfType(RefreshTokenUnreadableException.class).isThrownBy(() -> this.cipher.open(sealed))
			.withMessageContaining(ADA)
			.withMessageContaining("does not verify")
			.withMessageNotContaining(sealed.ciphertext());
	}

	@Test
	void openWhenKeyIdNotConfiguredThenRefusedNamingIt() {
		StoredRefreshToken sealed = RefreshTokenCipher.of("k0", OTHER_KEY).seal(ADA, TOKEN, T0);

		assertThatExceptionOfType(RefreshTokenUnreadableException.class).isThrownBy(() -> this.cipher.open(sealed))
			.withMessageContaining("key k0, which is not configured");
	}

	@Test
	void openWhenCiphertextTamperedThenRefused() {
		StoredRefreshToken sealed = this.cipher.seal(ADA, TOKEN, T0);
		byte[] bytes = Base64.getUrlDecoder().decode(sealed.ciphertext().substring(3));
		bytes[bytes.length / 2] ^= 0x01;
		StoredRefreshToken tampered = new StoredRefreshToken(ADA, "k1",
				"k1:" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes), T0);

		assertThatExceptionOfType(RefreshTokenUnreadableException.class).isThrownBy(() -> this.cipher.open(tampered))
			.withMessageContaining("does not verify");
	}

	@Test
	void openWhenMovedToAnotherUserThenRefused() {
		StoredRefreshToken sealed = this.cipher.seal(ADA, TOKEN, T0);
		StoredRefreshToken moved = new StoredRefreshToken("auth0|mallory", sealed.keyId(), sealed.ciphertext(), T0);

		assertThatExceptionOfType(RefreshTokenUnreadableException.class).isThrownBy(() -> this.cipher.open(moved))
			.withMessageContaining("auth0|mallory");
	}

	@Test
	void openWhenKeyIdPrefixDoesNotMatchThenRefused() {
		StoredRefreshToken sealed = this.cipher.seal(ADA, TOKEN, T0);
		StoredRefreshToken relabelled = new StoredRefreshToken(ADA, "k2", sealed.ciphertext(), T0);

		assertThatExceptionOfType(RefreshTokenUnreadableException.class)
			.isThrownBy(() -> RefreshTokenCipher.of(Map.of("k1", KEY, "k2", OTHER_KEY), "k2").open(relabelled))
			.withMessageContaining("prefix");
	}

	@Test
	void openWhenKeysRotatedThenOldCiphertextStillOpensAndNewOnesUseTheNewKey() {
		StoredRefreshToken old = this.cipher.seal(ADA, TOKEN, T0);
		RefreshTokenCipher rotated = RefreshTokenCipher.of(Map.of("k1", KEY, "k2", OTHER_KEY), "k2");

		assertThat(rotated.open(old)).isEqualTo(TOKEN);
		assertThat(rotated.seal(ADA, TOKEN, T0).ciphertext()).startsWith("k2:");
	}

	@Test
	void ofWhenKeyTooShortThenRefusedWithoutEchoingIt() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> RefreshTokenCipher.of("k1", "short-secret".getBytes(StandardCharsets.UTF_8)))
			.withMessageContaining("at least 32 bytes")
			.withMessageNotContaining("short-secret");
	}

	@Test
	void ofWhenKeyIdMalformedThenRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> RefreshTokenCipher.of("k:1", KEY))
			.withMessageContaining("key id");
	}

	@Test
	void hkdfMatchesRfc5869TestCase1() {
		HexFormat hex = HexFormat.of();
		byte[] okm = RefreshTokenCipher.hkdfSha256(hex.parseHex("000102030405060708090a0b0c"),
				hex.parseHex("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b"), hex.parseHex("f0f1f2f3f4f5f6f7f8f9"));

		// RFC 5869 A.1: the first 32 bytes of OKM
		assertThat(hex.formatHex(okm)).isEqualTo("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf");
	}

}
