package dev.countersign.policy.change;

import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;

import dev.countersign.policy.MutableClock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The contract every {@link ChangeStore} keeps. A store module extends this class and
 * returns a fresh, empty store from {@link #createStore()}.
 */
public abstract class AbstractChangeStoreTests {

	private static final Instant T0 = MutableClock.START;

	private static final String USER = "auth0|ada";

	private static final String OTHER = "auth0|grace";

	private static final String DOCUMENT = "{\"auto_approve_at\":0.8,\"review_below\":0.5}";

	private ChangeStore store;

	/**
	 * A fresh, empty store; called before each test.
	 * @return the store under test
	 */
	protected abstract ChangeStore createStore();

	@BeforeEach
	void createStoreUnderTest() {
		this.store = createStore();
	}

	private static PendingChange change(String id, Instant at) {
		return PendingChange.pending(id, USER, ChangeKind.ROUTING, null, DOCUMENT, at);
	}

	@Test
	void insertThenFindReturnsTheSameChange() {
		PendingChange change = PendingChange.pending("chg_1", USER, ChangeKind.RULE_DELETE, "default-github-merge",
				"{}", T0);
		StepVerifier.create(this.store.insert(change)).expectNext(change).verifyComplete();
		StepVerifier.create(this.store.find(USER, "chg_1")).expectNext(change).verifyComplete();
	}

	@Test
	void insertWhenIdTakenThenError() {
		this.store.insert(change("chg_1", T0)).block();
		StepVerifier.create(this.store.insert(change("chg_1", T0.plusSeconds(1))))
			.expectError(DuplicateChangeException.class)
			.verify();
		assertThat(this.store.find(USER, "chg_1").block().createdAt()).isEqualTo(T0);
	}

	@Test
	void findWhenAnotherUsersIdThenEmpty() {
		this.store.insert(change("chg_1", T0)).block();
		StepVerifier.create(this.store.find(OTHER, "chg_1")).verifyComplete();
		StepVerifier.create(this.store.findByUser(OTHER, EnumSet.allOf(ChangeStatus.class))).verifyComplete();
		StepVerifier.create(this.store.transition(OTHER, "chg_1", ChangeStatus.PENDING_APPROVAL, 0,
				(current) -> current.decide(ChangeStatus.APPLIED, T0)))
			.verifyComplete();
		assertThat(this.store.find(USER, "chg_1").block().status()).isEqualTo(ChangeStatus.PENDING_APPROVAL);
	}

	@Test
	void transitionWhenExpectedThenStoredAtNextVersion() {
		this.store.insert(change("chg_1", T0)).block();
		PendingChange asked = this.store
			.transition(USER, "chg_1", ChangeStatus.PENDING_APPROVAL, 0, (current) -> current.withAuthReqId("areq-1"))
			.block();
		assertThat(asked.version()).isEqualTo(1);
		assertThat(asked.authReqId()).isEqualTo("areq-1");
		PendingChange applied = this.store
			.transition(USER, "chg_1", ChangeStatus.PENDING_APPROVAL, 1,
					(current) -> current.decide(ChangeStatus.APPLIED, T0.plusSeconds(30), "approved on the phone"))
			.block();
		assertThat(applied.status()).isEqualTo(ChangeStatus.APPLIED);
		assertThat(applied.reason()).isEqualTo("approved on the phone");
		assertThat(applied.decidedAt()).isEqualTo(T0.plusSeconds(30));
		assertThat(applied.authReqId()).isEqualTo("areq-1");
		assertThat(applied.version()).isEqualTo(2);
		StepVerifier.create(this.store.find(USER, "chg_1")).expectNext(applied).verifyComplete();
	}

	@Test
	void transitionWhenRaceLostThenEmptyAndOnlyOneWinner() {
		this.store.insert(change("chg_1", T0)).block();
		PendingChange expired = this.store
			.transition(USER, "chg_1", ChangeStatus.PENDING_APPROVAL, 0,
					(current) -> current.decide(ChangeStatus.EXPIRED, T0))
			.block();
		StepVerifier.create(this.store.transition(USER, "chg_1", ChangeStatus.PENDING_APPROVAL, 0,
				(current) -> current.decide(ChangeStatus.APPLIED, T0)))
			.verifyComplete();
		assertThat(this.store.find(USER, "chg_1").block()).isEqualTo(expired);
	}

	@Test
	void transitionWhenDecidedThenItCannotMoveAgain() {
		this.store.insert(change("chg_1", T0)).block();
		this.store
			.transition(USER, "chg_1", ChangeStatus.PENDING_APPROVAL, 0,
					(current) -> current.decide(ChangeStatus.DENIED, T0))
			.block();
		StepVerifier.create(this.store.transition(USER, "chg_1", ChangeStatus.DENIED, 1,
				(current) -> new PendingChange(current.changeId(), current.user(), current.kind(), current.target(),
						current.document(), ChangeStatus.APPLIED, current.createdAt(), T0, null, current.version())))
			.expectError(IllegalStateException.class)
			.verify();
		assertThat(this.store.find(USER, "chg_1").block().status()).isEqualTo(ChangeStatus.DENIED);
	}

	@Test
	void transitionWhenDocumentIsChangedThenRefused() {
		this.store.insert(change("chg_1", T0)).block();
		StepVerifier
			.create(this.store.transition(USER, "chg_1", ChangeStatus.PENDING_APPROVAL, 0,
					(current) -> new PendingChange(current.changeId(), current.user(), current.kind(), current.target(),
							"{\"auto_approve_at\":0.1,\"review_below\":0.05}", ChangeStatus.APPLIED,
							current.createdAt(), T0, null, current.version())))
			.expectError(IllegalStateException.class)
			.verify();
		assertThat(this.store.find(USER, "chg_1").block().document()).isEqualTo(DOCUMENT);
	}

	@Test
	void findByUserWhenStatusesThenOnlyThoseOldestFirst() {
		this.store.insert(change("chg_b", T0.plusSeconds(5))).block();
		this.store.insert(change("chg_a", T0)).block();
		this.store.insert(change("chg_c", T0.plusSeconds(9))).block();
		this.store
			.transition(USER, "chg_c", ChangeStatus.PENDING_APPROVAL, 0,
					(current) -> current.decide(ChangeStatus.APPLIED, T0))
			.block();
		assertThat(this.store.findByUser(USER, Set.of(ChangeStatus.PENDING_APPROVAL))
			.map(PendingChange::changeId)
			.collectList()
			.block()).containsExactly("chg_a", "chg_b");
		assertThat(this.store.findByUser(USER, Set.of()).collectList().block()).isEmpty();
	}

}
