package dev.countersign.redis;

import java.time.Duration;

import dev.countersign.policy.approval.AbstractApprovalLeasesTests;
import dev.countersign.policy.approval.ApprovalLeases;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@link ApprovalLeases} contract for {@link RedisApprovalLeases}, against a real
 * {@code redis-server}, which measures the time to live itself.
 */
class RedisApprovalLeasesTests extends AbstractApprovalLeasesTests {

	@RegisterExtension
	static final RedisConnection redis = new RedisConnection();

	@Override
	protected ApprovalLeases createLeases() {
		redis.connection().sync().flushdb();
		return new RedisApprovalLeases(redis.connection());
	}

	@Override
	protected void letLapse(Duration ttl) {
		try {
			// Redis lets the key lapse on its own clock: wait it out, with a margin
			Thread.sleep(ttl.toMillis() + 100);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	@Test
	void acquireThenOneKeyUnderTheUsersHashTagExpiringWithTheLease() {
		new RedisApprovalLeases(redis.connection()).acquire("auth0|ada", "replica-a", Duration.ofSeconds(15)).block();
		assertThat(redis.connection().sync().keys("*")).containsExactly("cs:{u:auth0|ada}:approval-lease");
		assertThat(redis.connection().sync().pttl("cs:{u:auth0|ada}:approval-lease")).isBetween(1L, 15_000L);
	}

}
