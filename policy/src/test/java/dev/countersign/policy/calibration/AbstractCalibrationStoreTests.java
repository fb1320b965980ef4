package dev.countersign.policy.calibration;

import java.time.Instant;

import dev.countersign.policy.MutableClock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The contract every {@link CalibrationStore} keeps. A store module extends this class
 * and returns a fresh, empty store from {@link #createStore()}.
 */
public abstract class AbstractCalibrationStoreTests {

	private static final Instant T0 = MutableClock.START;

	private static final String USER = "auth0|ada";

	private static final String OTHER = "auth0|grace";

	private CalibrationStore store;

	/**
	 * A fresh, empty store; called before each test.
	 * @return the store under test
	 */
	protected abstract CalibrationStore createStore();

	@BeforeEach
	void createStoreUnderTest() {
		this.store = createStore();
	}

	private static Suggestion candidate(String id, String user, String agent, String tool, long approved, Instant at) {
		return new Suggestion(id, user, agent, tool, new OutcomeCounts(approved, 0), SuggestionStatus.OPEN, at, at);
	}

	@Test
	void countWhenAnswersThenCountsPerAgentAndTool() {
		this.store.count(USER, "claude", "email_send", true).block();
		this.store.count(USER, "claude", "email_send", false).block();
		StepVerifier.create(this.store.count(USER, "claude", "email_send", true))
			.expectNext(new OutcomeCounts(2, 1))
			.verifyComplete();
		assertThat(this.store.findCounts(USER, "claude", "email_create_draft").block()).isEqualTo(OutcomeCounts.NONE);
		assertThat(this.store.findCounts(USER, "gpt", "email_send").block()).isEqualTo(OutcomeCounts.NONE);
		assertThat(this.store.findCounts(OTHER, "claude", "email_send").block()).isEqualTo(OutcomeCounts.NONE);
	}

	@Test
	void offerWhenNoneThenStoredAndWhenOpenThenRefreshedKeepingTheId() {
		Suggestion first = candidate("sug_1", USER, "claude", "email_send", 5, T0);
		StepVerifier.create(this.store.offer(first)).expectNext(first).verifyComplete();
		Suggestion later = candidate("sug_2", USER, "claude", "email_send", 6, T0.plusSeconds(60));
		Suggestion refreshed = this.store.offer(later).block();
		assertThat(refreshed.id()).isEqualTo("sug_1");
		assertThat(refreshed.counts()).isEqualTo(new OutcomeCounts(6, 0));
		assertThat(refreshed.createdAt()).isEqualTo(T0);
		assertThat(refreshed.updatedAt()).isEqualTo(T0.plusSeconds(60));
		StepVerifier.create(this.store.find(USER, "sug_2")).verifyComplete();
		assertThat(this.store.findByUser(USER).collectList().block()).containsExactly(refreshed);
	}

	@Test
	void offerWhenDecidedThenEmptyAndNothingChanges() {
		this.store.offer(candidate("sug_1", USER, "claude", "email_send", 5, T0)).block();
		Suggestion dismissed = this.store.decide(USER, "sug_1", SuggestionStatus.DISMISSED, T0.plusSeconds(1)).block();
		StepVerifier.create(this.store.offer(candidate("sug_2", USER, "claude", "email_send", 9, T0.plusSeconds(2))))
			.verifyComplete();
		assertThat(this.store.findByUser(USER).collectList().block()).containsExactly(dismissed);
	}

	@Test
	void decideWhenNotOpenThenEmpty() {
		this.store.offer(candidate("sug_1", USER, "claude", "email_send", 5, T0)).block();
		assertThat(this.store.decide(USER, "sug_1", SuggestionStatus.ACCEPTED, T0).block().status())
			.isEqualTo(SuggestionStatus.ACCEPTED);
		StepVerifier.create(this.store.decide(USER, "sug_1", SuggestionStatus.DISMISSED, T0)).verifyComplete();
		assertThat(this.store.find(USER, "sug_1").block().status()).isEqualTo(SuggestionStatus.ACCEPTED);
	}

	@Test
	void findWhenAnotherUsersIdThenEmpty() {
		this.store.offer(candidate("sug_1", USER, "claude", "email_send", 5, T0)).block();
		StepVerifier.create(this.store.find(OTHER, "sug_1")).verifyComplete();
		StepVerifier.create(this.store.findByUser(OTHER)).verifyComplete();
		StepVerifier.create(this.store.decide(OTHER, "sug_1", SuggestionStatus.ACCEPTED, T0)).verifyComplete();
		assertThat(this.store.find(USER, "sug_1").block().status()).isEqualTo(SuggestionStatus.OPEN);
	}

	@Test
	void findByUserWhenSeveralThenOldestFirst() {
		this.store.offer(candidate("sug_b", USER, "claude", "email_send", 5, T0.plusSeconds(10))).block();
		this.store.offer(candidate("sug_a", USER, "claude", "deal_create", 5, T0)).block();
		assertThat(this.store.findByUser(USER).map(Suggestion::id).collectList().block()).containsExactly("sug_a",
				"sug_b");
	}

}
