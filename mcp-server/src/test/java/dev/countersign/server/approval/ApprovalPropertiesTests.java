package dev.countersign.server.approval;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.countersign.policy.approval.ApprovalConfig;
import dev.countersign.policy.approval.BatchSigner;
import dev.countersign.server.auth.InvalidConfigurationException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class ApprovalPropertiesTests {

	private static final String KEY = "0123456789abcdef0123456789abcdef";

	@Test
	void whenNothingSetThenDefaults() {
		ApprovalProperties properties = properties(null, null, null);
		assertThat(properties.toConfig()).isEqualTo(ApprovalConfig.defaults());
		assertThat(properties.effectiveRequestedExpiry()).isEqualTo(Duration.ofSeconds(300));
		assertThat(properties.effectivePollPeriod()).isEqualTo(Duration.ofSeconds(1));
		assertThat(properties.hasSigningKey()).isFalse();
		assertThat(properties.effectiveLeaseTtl()).isEqualTo(Duration.ofSeconds(15));
		assertThat(properties.effectiveOrphanAfter()).isEqualTo(Duration.ofSeconds(60));
	}

	@Test
	void leaseTtlWhenNotLongerThanThePollPeriodThenRefusedNamingTheSetting() {
		assertThatExceptionOfType(InvalidConfigurationException.class)
			.isThrownBy(() -> leases(Duration.ofSeconds(2), Duration.ofSeconds(2), null).effectiveLeaseTtl())
			.satisfies((ex) -> assertThat(ex.setting()).isEqualTo("countersign.approval.lease-ttl"))
			.withMessageContaining("poll-period");
		assertThatExceptionOfType(InvalidConfigurationException.class)
			.isThrownBy(() -> leases(null, Duration.ofMillis(500), null).effectiveLeaseTtl())
			.satisfies((ex) -> assertThat(ex.setting()).isEqualTo("countersign.approval.lease-ttl"));
		assertThat(leases(Duration.ofMillis(200), Duration.ofSeconds(2), null).effectiveLeaseTtl())
			.isEqualTo(Duration.ofSeconds(2));
	}

	@Test
	void orphanAfterWhenNotPositiveThenRefusedNamingTheSetting() {
		assertThatExceptionOfType(InvalidConfigurationException.class)
			.isThrownBy(() -> leases(null, null, Duration.ZERO).effectiveOrphanAfter())
			.satisfies((ex) -> assertThat(ex.setting()).isEqualTo("countersign.approval.orphan-after"));
	}

	@Test
	void requestedExpiryWhenAbove300ThenRefusedNamingTheSetting() {
		assertThatExceptionOfType(InvalidConfigurationException.class)
			.isThrownBy(() -> properties(Duration.ofSeconds(301), null, null).effectiveRequestedExpiry())
			.satisfies((ex) -> assertThat(ex.setting()).isEqualTo("countersign.approval.requested-expiry"));
	}

	@Test
	void signerWhenKeysConfiguredThenSignsWithOneAndVerifiesWithAll() {
		String old = "old-key-0123456789abcdef0123456789";
		BatchSigner previous = BatchSigner.of("k0", old.getBytes(java.nio.charset.StandardCharsets.UTF_8));
		BatchSigner signer = properties(null, KEY, Map.of("k0", old)).signer();
		BatchSigner.Signature signature = previous.sign("d".repeat(64));
		assertThat(signer.signingKeyId()).isEqualTo("k1");
		assertThat(signer.verify("d".repeat(64), signature.keyId(), signature.mac())).isTrue();
	}

	@Test
	void signerWhenKeyTooShortThenRefusedWithoutEchoingIt() {
		assertThatExceptionOfType(InvalidConfigurationException.class)
			.isThrownBy(() -> properties(null, "short-secret", null).signer())
			.withMessageContaining("countersign.approval.signing-key")
			.withMessageNotContaining("short-secret");
		assertThat(properties(null, KEY, null).toString()).doesNotContain(KEY);
	}

	@Test
	void writeSubjectWhenUnknownThenRefusedNamingTheSetting() {
		assertThatExceptionOfType(InvalidConfigurationException.class)
			.isThrownBy(() -> new WriteSubjectProperties("password", null, null).usesRefreshToken())
			.satisfies((ex) -> assertThat(ex.setting()).isEqualTo("countersign.vault.write-subject"));
		assertThat(new WriteSubjectProperties(null, null, null).usesRefreshToken()).isFalse();
		assertThat(new WriteSubjectProperties("ciba-token", null, null).usesRefreshToken()).isFalse();
		assertThat(new WriteSubjectProperties(" Refresh-Token ", null, null).usesRefreshToken()).isTrue();
	}

	@Test
	void refreshTokenKeyWhenMissingThenRefusedNamingTheSetting() {
		assertThatExceptionOfType(InvalidConfigurationException.class)
			.isThrownBy(() -> new WriteSubjectProperties("refresh-token", null, null).requireCipher())
			.satisfies((ex) -> assertThat(ex.setting()).isEqualTo("countersign.vault.refresh-token-key"));
	}

	@Test
	void refreshTokenKeyWhenTooShortThenRefusedWithoutEchoingIt() {
		assertThatExceptionOfType(InvalidConfigurationException.class)
			.isThrownBy(() -> new WriteSubjectProperties("refresh-token", "short-secret", null).requireCipher())
			.withMessageContaining("countersign.vault.refresh-token-key")
			.withMessageContaining("at least 32 bytes")
			.withMessageNotContaining("short-secret");
		assertThat(new WriteSubjectProperties("refresh-token", KEY, null).toString()).doesNotContain(KEY);
	}

	@Test
	void refreshTokenKeyIdWhenMalformedThenRefusedNamingTheSetting() {
		assertThatExceptionOfType(InvalidConfigurationException.class)
			.isThrownBy(() -> new WriteSubjectProperties("refresh-token", KEY, "k:1").requireCipher())
			.satisfies((ex) -> assertThat(ex.setting()).isEqualTo("countersign.vault.refresh-token-key-id"));
		assertThat(new WriteSubjectProperties("refresh-token", KEY, "k7").requireCipher().sealingKeyId())
			.isEqualTo("k7");
	}

	@Test
	void cibaWhenClientIdMissingThenRefusedNamingTheSetting() {
		assertThatExceptionOfType(InvalidConfigurationException.class)
			.isThrownBy(() -> new CibaProperties(null, "secret", null).requireClientId())
			.satisfies((ex) -> assertThat(ex.setting()).isEqualTo("countersign.ciba.client-id"));
		assertThat(new CibaProperties("id", "secret-value", null).toString()).doesNotContain("secret-value");
	}

	private static ApprovalProperties properties(Duration expiry, String key, Map<String, String> verify) {
		return new ApprovalProperties(null, null, null, expiry, null, null, key, null, verify, null, null, null);
	}

	private static ApprovalProperties leases(Duration pollPeriod, Duration leaseTtl, Duration orphanAfter) {
		return new ApprovalProperties(null, null, null, null, null, null, null, null, null, pollPeriod, leaseTtl,
				orphanAfter);
	}

}
