package dev.countersign.redis;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import dev.countersign.policy.MutableClock;
import dev.countersign.policy.account.AbstractRefreshTokenStoreTests;
import dev.countersign.policy.account.RefreshTokenCipher;
import dev.countersign.policy.account.StoredRefreshToken;
import dev.countersign.policy.account.RefreshTokenStore;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@link RefreshTokenStore} contract for {@link RedisRefreshTokenStore}, against a
 * real {@code redis-server}.
 */
class RedisRefreshTokenStoreTests extends AbstractRefreshTokenStoreTests {

	@RegisterExtension
	static final RedisConnection redis = new RedisConnection();

	@Override
	protected RefreshTokenStore createStore() {
		redis.connection().sync().flushdb();
		return new RedisRefreshTokenStore(redis.connection());
	}

	@Test
	void saveThenRedisHoldsOnlyTheSealedRecordNeverTheToken() {
		RefreshTokenStore store = createStore();
		String canary = "v1.canary-refresh-token-4f9c2a7e";
		StoredRefreshToken sealed = RefreshTokenCipher
			.of("k1", "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8))
			.seal("auth0|ada", canary, MutableClock.START);
		store.save(sealed).block();
		assertThat(redis.connection().sync().keys("*")).containsExactly("cs:{u:auth0|ada}:refresh-token");
		Map<String, String> stored = redis.connection().sync().hgetall("cs:{u:auth0|ada}:refresh-token");
		assertThat(stored).isEqualTo(
				Map.of("keyId", "k1", "ciphertext", sealed.ciphertext(), "storedAt", MutableClock.START.toString()));
		assertThat(stored.values()).noneSatisfy((value) -> assertThat(value).contains(canary));
		assertThat(store.find("auth0|ada").block()).isEqualTo(sealed);
	}

}
