package dev.countersign.vault;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class ReadTokenCacheTests {

	static final Instant NOW = Instant.parse("2025-06-01T10:00:00Z");

	private final MutableClock clock = new MutableClock(NOW);

	private final AtomicInteger loads = new AtomicInteger();

	private final ExecutorService executor = Executors.newFixedThreadPool(16);

	@AfterEach
	void shutdown() {
		this.executor.shutdownNow();
	}

	@Test
	void getWhenMissThenLoadsOnceAndServesFromCache() {
		ReadTokenCache cache = cache().build();

		ProviderToken first = cache.get("auth0|alice", "github", loader("github", Duration.ofHours(1)));
		ProviderToken second = cache.get("auth0|alice", "github", loader("github", Duration.ofHours(1)));

		assertThat(second).isSameAs(first);
		assertThat(this.loads).hasValue(1);
		assertThat(cache.findFresh("auth0|alice", "github")).containsSame(first);
	}

	@Test
	void getWhenEpochAdvancedThenOldEntryNeverServedAndLoadsAgain() {
		ReadTokenCache cache = cache().build();
		ProviderToken before = cache.get("auth0|alice", "github", 0, loader("github", Duration.ofHours(1)));
		cache.get("auth0|bob", "github", 0, loader("github", Duration.ofHours(1)));

		assertThat(cache.findFresh("auth0|alice", "github", 1)).isEmpty();
		ProviderToken after = cache.get("auth0|alice", "github", 1, loader("github", Duration.ofHours(1)));

		assertThat(after).isNotSameAs(before);
		assertThat(this.loads).hasValue(3);
		assertThat(cache.findFresh("auth0|alice", "github", 0)).isEmpty();
		assertThat(cache.findFresh("auth0|alice", "github", 1)).containsSame(after);
		assertThat(cache.findFresh("auth0|bob", "github", 0)).isPresent();
		assertThat(cache.size()).isEqualTo(2);
	}

	@Test
	void invalidateConnectionWhenCachedUnderAnEpochThenDropped() {
		ReadTokenCache cache = cache().build();
		cache.get("auth0|alice", "github", 3, loader("github", Duration.ofHours(1)));
		cache.get("auth0|alice", "google-oauth2", 3, loader("google-oauth2", Duration.ofHours(1)));

		cache.invalidate("auth0|alice", "github");

		assertThat(cache.findFresh("auth0|alice", "github", 3)).isEmpty();
		assertThat(cache.findFresh("auth0|alice", "google-oauth2", 3)).isPresent();
	}

	@Test
	void getWhenOtherUserOrConnectionThenSeparateEntries() {
		ReadTokenCache cache = cache().build();

		cache.get("auth0|alice", "github", loader("github", Duration.ofHours(1)));
		cache.get("auth0|bob", "github", loader("github", Duration.ofHours(1)));
		cache.get("auth0|alice", "google-oauth2", loader("google-oauth2", Duration.ofHours(1)));

		assertThat(this.loads).hasValue(3);
		assertThat(cache.size()).isEqualTo(3);
	}

	@Test
	void findFreshWhenWithinSkewOfExpiryThenEmpty() {
		ReadTokenCache cache = cache().skew(Duration.ofSeconds(30)).build();
		cache.get("auth0|alice", "github", loader("github", Duration.ofSeconds(120)));

		this.clock.advance(Duration.ofSeconds(89));
		assertThat(cache.findFresh("auth0|alice", "github")).isPresent();

		this.clock.advance(Duration.ofSeconds(1));
		assertThat(cache.findFresh("auth0|alice", "github")).isEmpty();
		cache.get("auth0|alice", "github", loader("github", Duration.ofSeconds(120)));
		assertThat(this.loads).hasValue(2);
	}

	@Test
	void findFreshWhenMaxTtlShorterThanExpiryThenMaxTtlWins() {
		ReadTokenCache cache = cache().maxTtl(Duration.ofMinutes(5)).build();
		cache.get("auth0|alice", "github", loader("github", Duration.ofHours(1)));

		this.clock.advance(Duration.ofMinutes(5).minusSeconds(1));
		assertThat(cache.findFresh("auth0|alice", "github")).isPresent();

		this.clock.advance(Duration.ofSeconds(1));
		assertThat(cache.findFresh("auth0|alice", "github")).isEmpty();
	}

	@Test
	void getWhenTokenExpiresWithinSkewThenReturnedButNotCached() {
		ReadTokenCache cache = cache().build();

		ProviderToken token = cache.get("auth0|alice", "github", loader("github", Duration.ofSeconds(20)));

		assertThat(token).isNotNull();
		assertThat(cache.size()).isZero();
		cache.get("auth0|alice", "github", loader("github", Duration.ofSeconds(20)));
		assertThat(this.loads).hasValue(2);
	}

	@Test
	void getWhenDisabledThenEveryCallLoads() {
		ReadTokenCache cache = cache().enabled(false).build();

		cache.get("auth0|alice", "github", loader("github", Duration.ofHours(1)));
		cache.get("auth0|alice", "github", loader("github", Duration.ofHours(1)));

		assertThat(this.loads).hasValue(2);
		assertThat(cache.isEnabled()).isFalse();
		assertThat(cache.size()).isZero();
		assertThat(cache.findFresh("auth0|alice", "github")).isEmpty();
	}

	@Test
	void getWhenLoadFailsThenExceptionPropagatesAndNothingCached() {
		ReadTokenCache cache = cache().build();
		ConnectionNotLinkedException failure = new ConnectionNotLinkedException("github", 401, null);

		assertThatExceptionOfType(ConnectionNotLinkedException.class)
			.isThrownBy(() -> cache.get("auth0|alice", "github", () -> {
				this.loads.incrementAndGet();
				throw failure;
			}))
			.isSameAs(failure);
		assertThat(cache.size()).isZero();

		cache.get("auth0|alice", "github", loader("github", Duration.ofHours(1)));
		assertThat(this.loads).hasValue(2);
	}

	@Test
	void getWhenSixteenConcurrentMissesThenExactlyOneLoad() throws Exception {
		ReadTokenCache cache = cache().build();
		CountDownLatch loaderEntered = new CountDownLatch(1);
		CountDownLatch releaseLoader = new CountDownLatch(1);
		Supplier<ProviderToken> gated = () -> {
			loaderEntered.countDown();
			await(releaseLoader);
			return loader("github", Duration.ofHours(1)).get();
		};
		CountDownLatch start = new CountDownLatch(1);
		List<Future<ProviderToken>> results = new ArrayList<>();
		for (int i = 0; i < 16; i++) {
			results.add(this.executor.submit(() -> {
				await(start);
				return cache.get("auth0|alice", "github", gated);
			}));
		}

		start.countDown();
		assertThat(loaderEntered.await(5, TimeUnit.SECONDS)).isTrue();
		// Give the other 15 threads time to find the load under way and queue behind it.
		Thread.sleep(100);
		releaseLoader.countDown();

		Set<ProviderToken> tokens = new HashSet<>();
		for (Future<ProviderToken> result : results) {
			tokens.add(result.get(5, TimeUnit.SECONDS));
		}
		assertThat(this.loads).hasValue(1);
		assertThat(tokens).hasSize(1);
	}

	@Test
	void getWhenConcurrentMissesAndLoadFailsThenAllSeeFailureAndNothingCached() throws Exception {
		ReadTokenCache cache = cache().build();
		CountDownLatch loaderEntered = new CountDownLatch(1);
		CountDownLatch releaseLoader = new CountDownLatch(1);
		UpstreamUnavailableException failure = new UpstreamUnavailableException("test", "github", null, 503, null,
				null);
		Supplier<ProviderToken> failing = () -> {
			this.loads.incrementAndGet();
			loaderEntered.countDown();
			await(releaseLoader);
			throw failure;
		};
		List<Future<Throwable>> results = new ArrayList<>();
		for (int i = 0; i < 8; i++) {
			results.add(this.executor.submit(() -> {
				try {
					cache.get("auth0|alice", "github", failing);
					return null;
				}
				catch (RuntimeException ex) {
					return ex;
				}
			}));
		}

		assertThat(loaderEntered.await(5, TimeUnit.SECONDS)).isTrue();
		Thread.sleep(100);
		releaseLoader.countDown();

		for (Future<Throwable> result : results) {
			assertThat(result.get(5, TimeUnit.SECONDS)).isSameAs(failure);
		}
		assertThat(this.loads).hasValue(1);
		assertThat(cache.size()).isZero();
	}

	@Test
	void invalidateUserThenDropsAllOfThatUsersEntriesOnly() {
		ReadTokenCache cache = cache().build();
		cache.get("auth0|alice", "github", loader("github", Duration.ofHours(1)));
		cache.get("auth0|alice", "google-oauth2", loader("google-oauth2", Duration.ofHours(1)));
		cache.get("auth0|bob", "github", loader("github", Duration.ofHours(1)));

		cache.invalidate("auth0|alice");

		assertThat(cache.findFresh("auth0|alice", "github")).isEmpty();
		assertThat(cache.findFresh("auth0|alice", "google-oauth2")).isEmpty();
		assertThat(cache.findFresh("auth0|bob", "github")).isPresent();
	}

	@Test
	void invalidateUserAndConnectionThenDropsThatEntryOnly() {
		ReadTokenCache cache = cache().build();
		cache.get("auth0|alice", "github", loader("github", Duration.ofHours(1)));
		cache.get("auth0|alice", "google-oauth2", loader("google-oauth2", Duration.ofHours(1)));

		cache.invalidate("auth0|alice", "github");

		assertThat(cache.findFresh("auth0|alice", "github")).isEmpty();
		assertThat(cache.findFresh("auth0|alice", "google-oauth2")).isPresent();
	}

	@Test
	void invalidateWhileLoadUnderWayThenResultNotCached() {
		ReadTokenCache cache = cache().build();

		ProviderToken token = cache.get("auth0|alice", "github", () -> {
			cache.invalidate("auth0|alice");
			return loader("github", Duration.ofHours(1)).get();
		});

		assertThat(token).isNotNull();
		assertThat(cache.findFresh("auth0|alice", "github")).isEmpty();
	}

	@Test
	void getWhenFullThenEvictsExpiredFirstThenSoonestExpiring() {
		ReadTokenCache cache = cache().maxEntries(3).maxTtl(Duration.ofHours(2)).build();
		cache.get("u1", "github", loader("github", Duration.ofMinutes(2)));
		cache.get("u2", "github", loader("github", Duration.ofMinutes(50)));
		cache.get("u3", "github", loader("github", Duration.ofMinutes(40)));
		this.clock.advance(Duration.ofMinutes(5));

		cache.get("u4", "github", loader("github", Duration.ofHours(1)));
		assertThat(cache.size()).isEqualTo(3);
		assertThat(cache.findFresh("u2", "github")).isPresent();
		assertThat(cache.findFresh("u3", "github")).isPresent();

		cache.get("u5", "github", loader("github", Duration.ofHours(1)));
		assertThat(cache.size()).isEqualTo(3);
		assertThat(cache.findFresh("u3", "github")).isEmpty();
		assertThat(cache.findFresh("u2", "github")).isPresent();
		assertThat(cache.findFresh("u4", "github")).isPresent();
		assertThat(cache.findFresh("u5", "github")).isPresent();
	}

	@Test
	void builderWhenBadValuesThenEchoesThem() {
		assertThatIllegalArgumentException().isThrownBy(() -> ReadTokenCache.builder().maxTtl(Duration.ZERO))
			.withMessage("maxTtl must be positive, but was PT0S");
		assertThatIllegalArgumentException().isThrownBy(() -> ReadTokenCache.builder().skew(Duration.ofSeconds(-1)))
			.withMessage("skew must not be negative, but was PT-1S");
		assertThatIllegalArgumentException().isThrownBy(() -> ReadTokenCache.builder().maxEntries(0))
			.withMessage("maxEntries must be positive, but was 0");
	}

	@Test
	void defaultsAreDocumentedValues() {
		assertThat(ReadTokenCache.DEFAULT_SKEW).isEqualTo(Duration.ofSeconds(30));
		assertThat(ReadTokenCache.DEFAULT_MAX_TTL).isEqualTo(Duration.ofMinutes(5));
		assertThat(ReadTokenCache.DEFAULT_MAX_ENTRIES).isEqualTo(10_000);
		assertThat(ReadTokenCache.builder().build().isEnabled()).isTrue();
	}

	private ReadTokenCache.Builder cache() {
		return ReadTokenCache.builder().clock(this.clock);
	}

	private Supplier<ProviderToken> loader(String connection, Duration expiresIn) {
		return () -> {
			int n = this.loads.incrementAndGet();
			return new ProviderToken(connection, "provider-token-" + n, this.clock.instant().plus(expiresIn), Set.of(),
					null);
		};
	}

	private static void await(CountDownLatch latch) {
		try {
			if (!latch.await(5, TimeUnit.SECONDS)) {
				throw new IllegalStateException("latch not released");
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
