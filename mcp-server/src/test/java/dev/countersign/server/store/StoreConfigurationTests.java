package dev.countersign.server.store;

import java.time.Clock;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.mock.env.MockEnvironment;

import dev.countersign.server.approval.ApprovalProperties;
import dev.countersign.server.auth.InvalidConfigurationException;
import dev.countersign.server.tool.deal.DealProperties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Start-up with {@code countersign.store}: an unknown value, and Redis without its
 * address or without a signing key, stop the start with an
 * {@link InvalidConfigurationException} naming the setting; memory mode defines no Redis
 * client at all.
 */
class StoreConfigurationTests {

	private static final String KEY = "0123456789abcdef0123456789abcdef01234567";

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of())
		.withUserConfiguration(Collaborators.class, StoreConfiguration.class);

	@Test
	void startWhenStoreUnsetThenMemoryAndNoRedisClient() {
		this.runner.run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean(io.lettuce.core.RedisClient.class);
		});
	}

	@Test
	void startWhenStoreIsMemoryThenNoRedisClientEvenWithAnAddress() {
		this.runner.withPropertyValues("countersign.store=memory", "countersign.redis.url=redis://127.0.0.1:1")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).doesNotHaveBean(io.lettuce.core.RedisClient.class);
			});
	}

	@Test
	void startWhenStoreIsUnknownThenRefusedNamingIt() {
		assertRefused("countersign.store", "countersign.store=mongo");
	}

	@Test
	void startWhenRedisWithoutAddressThenRefusedNamingIt() {
		assertRefused("countersign.redis.url", "countersign.store=redis", "countersign.approval.signing-key=" + KEY);
	}

	@Test
	void startWhenRedisWithBlankAddressThenRefusedNamingIt() {
		assertRefused("countersign.redis.url", "countersign.store=redis", "countersign.redis.url= ",
				"countersign.approval.signing-key=" + KEY);
	}

	@Test
	void startWhenRedisWithoutSigningKeyThenRefusedNamingIt() {
		assertRefused("countersign.approval.signing-key", "countersign.store=redis",
				"countersign.redis.url=redis://127.0.0.1:6379");
	}

	@Test
	void startWhenRedisAddressIsMalformedThenRefusedWithoutEchoingIt() {
		assertRefused("countersign.redis.url", "countersign.store=redis",
				"countersign.redis.url=http://:s3cret@127.0.0.1:6379", "countersign.approval.signing-key=" + KEY);
	}

	@Test
	void startWhenReadCacheSizeIsNegativeOrNotANumberThenRefusedNamingIt() {
		for (String size : new String[] { "-1", "lots" }) {
			assertRefused("countersign.redis.read-cache-size", "countersign.store=redis",
					"countersign.redis.url=redis://127.0.0.1:6379", "countersign.approval.signing-key=" + KEY,
					"countersign.redis.read-cache-size=" + size);
		}
	}

	@Test
	void modeWhenReadThenCaseAndBlanksIgnoredAndUnknownRefused() {
		assertThat(StoreMode.of(new MockEnvironment())).isEqualTo(StoreMode.MEMORY);
		assertThat(StoreMode.of(new MockEnvironment().withProperty("countersign.store", " Redis ")))
			.isEqualTo(StoreMode.REDIS);
		assertThatExceptionOfType(InvalidConfigurationException.class)
			.isThrownBy(() -> StoreMode.of(new MockEnvironment().withProperty("countersign.store", "disk")))
			.satisfies((ex) -> assertThat(ex.setting()).isEqualTo("countersign.store"))
			.withMessageContaining("disk");
	}

	private void assertRefused(String setting, String... properties) {
		this.runner.withPropertyValues(properties).run((context) -> {
			assertThat(context).hasFailed();
			Throwable cause = context.getStartupFailure();
			while (cause != null && !(cause instanceof InvalidConfigurationException)) {
				cause = cause.getCause();
			}
			assertThat(cause).as("an InvalidConfigurationException in %s", context.getStartupFailure())
				.isInstanceOf(InvalidConfigurationException.class);
			assertThat(((InvalidConfigurationException) cause).setting()).isEqualTo(setting);
			assertThat(cause.getMessage()).doesNotContain(KEY).doesNotContain("s3cret");
		});
	}

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties({ ApprovalProperties.class, DealProperties.class })
	static class Collaborators {

		@Bean
		Clock clock() {
			return Clock.systemUTC();
		}

	}

}
