package dev.countersign.policy.audit;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.countersign.policy.MutableClock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The contract every {@link AuditStore} keeps, and the tampering that
 * {@link AuditTrail#verify(String, List)} must name when it happens to what the store
 * holds. A store module extends this class, returns a fresh, empty store from
 * {@link #createStore()} and implements {@link #tamper(String, List, List)} by writing
 * the store's raw data, as an attacker with write access to it would.
 */
public abstract class AbstractAuditStoreTests {

	/** A user id holding {@code |}, as Auth0's do. */
	protected static final String USER = "auth0|ada";

	/** Another user. */
	protected static final String OTHER_USER = "auth0|alan";

	private static final byte[] KEY = "audit-key-0123456789abcdef01234567".getBytes(StandardCharsets.UTF_8);

	private static final byte[] ATTACKER_KEY = "attacker-0123456789abcdef012345678".getBytes(StandardCharsets.UTF_8);

	private final MutableClock clock = MutableClock.start();

	private final List<AuditCheckpoint> anchors = Collections.synchronizedList(new ArrayList<>());

	private AuditStore store;

	private AuditTrail trail;

	/**
	 * A fresh, empty store; called before each test.
	 * @return the store under test
	 */
	protected abstract AuditStore createStore();

	/**
	 * Replaces, behind the store's back, everything it holds for a user: no chaining, no
	 * checks.
	 * @param user the user id
	 * @param entries the entries, in stored order (sequence 1 first when intact)
	 * @param checkpoints the checkpoints
	 */
	protected abstract void tamper(String user, List<AuditEvent> entries, List<AuditCheckpoint> checkpoints);

	@BeforeEach
	void createStoreUnderTest() {
		this.store = createStore();
		this.trail = new AuditTrail(this.store, CheckpointSigner.of("k1", KEY), this.anchors::add,
				AuditConfig.defaults(), this.clock);
	}

	/**
	 * The store under test.
	 * @return the store
	 */
	protected AuditStore store() {
		return this.store;
	}

	private AuditEventDraft draft(int n) {
		this.clock.advance(Duration.ofSeconds(1));
		return AuditEventDraft.of(AuditEventType.FROZEN, "claude", this.clock.instant())
			.withActionId("act-" + n)
			.withDetail("tool", "email_send")
			.withDetail("n", n);
	}

	private List<AuditEvent> recordChain(String user, int length) {
		List<AuditEvent> events = new ArrayList<>();
		for (int n = 1; n <= length; n++) {
			events.add(this.trail.record(user, draft(n)).block());
		}
		return events;
	}

	private List<AuditEvent> stored(String user) {
		return this.store.read(user, 1, Integer.MAX_VALUE).collectList().block();
	}

	private List<AuditCheckpoint> storedCheckpoints(String user) {
		return this.store.checkpoints(user).collectList().block();
	}

	private AuditVerification verify() {
		return this.trail.verify(USER, List.copyOf(this.anchors)).block();
	}

	private static AuditEvent withDetails(AuditEvent event, Map<String, Object> details) {
		return new AuditEvent(event.sequence(), event.user(), event.type(), event.occurredAt(), event.actor(),
				event.actionId(), event.batchId(), details, event.previousHash(), event.hash());
	}

	@Test
	void appendGivesSequencesFromOneChainedByHash() {
		AuditEventDraft first = draft(1);
		StepVerifier.create(this.store.append(USER, first)).assertNext((event) -> {
			assertThat(event.sequence()).isEqualTo(1);
			assertThat(event.user()).isEqualTo(USER);
			assertThat(event.draft()).isEqualTo(first);
			assertThat(event.previousHash()).isEqualTo(AuditEvent.GENESIS_HASH);
			assertThat(event.hashMatches()).isTrue();
		}).verifyComplete();
		AuditEvent second = this.store.append(USER, draft(2)).block();
		assertThat(second.sequence()).isEqualTo(2);
		assertThat(second.previousHash()).isEqualTo(stored(USER).get(0).hash());
		StepVerifier.create(this.store.length(USER)).expectNext(2L).verifyComplete();
	}

	@Test
	void readReturnsEntriesInOrderFromASequenceUpToALimit() {
		List<AuditEvent> events = recordChain(USER, 7);
		StepVerifier.create(this.store.read(USER, 3, 2)).expectNext(events.get(2), events.get(3)).verifyComplete();
		StepVerifier.create(this.store.read(USER, 6, 10)).expectNext(events.get(5), events.get(6)).verifyComplete();
		StepVerifier.create(this.store.read(USER, 8, 10)).verifyComplete();
		assertThat(stored(USER)).isEqualTo(events);
	}

	@Test
	void readWhenFromOrLimitBelowOneThenRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.store.read(USER, 0, 1).blockLast());
		assertThatIllegalArgumentException().isThrownBy(() -> this.store.read(USER, 1, 0).blockLast());
	}

	@Test
	void unknownUserHasAnEmptyChain() {
		StepVerifier.create(this.store.read("auth0|nobody", 1, 10)).verifyComplete();
		StepVerifier.create(this.store.length("auth0|nobody")).expectNext(0L).verifyComplete();
		StepVerifier.create(this.store.lastCheckpoint("auth0|nobody")).verifyComplete();
		StepVerifier.create(this.store.checkpoints("auth0|nobody")).verifyComplete();
	}

	@Test
	void usersHaveSeparateChains() {
		recordChain(USER, 3);
		AuditEvent other = this.store.append(OTHER_USER, draft(1)).block();
		assertThat(other.sequence()).isEqualTo(1);
		assertThat(other.previousHash()).isEqualTo(AuditEvent.GENESIS_HASH);
		StepVerifier.create(this.store.length(USER)).expectNext(3L).verifyComplete();
		StepVerifier.create(this.store.length(OTHER_USER)).expectNext(1L).verifyComplete();
	}

	@Test
	void checkpointsComeLowestSequenceFirstAndOneAtTheSameSequenceIsReplaced() {
		CheckpointSigner signer = CheckpointSigner.of("k1", KEY);
		List<AuditEvent> events = recordChain(USER, 3);
		AuditCheckpoint third = signer.sign(USER, 3, events.get(2).hash(), this.clock.instant());
		AuditCheckpoint first = signer.sign(USER, 1, events.get(0).hash(), this.clock.instant());
		AuditCheckpoint thirdAgain = signer.sign(USER, 3, events.get(2).hash(),
				this.clock.advance(Duration.ofMinutes(1)));
		StepVerifier.create(this.store.saveCheckpoint(third)).verifyComplete();
		StepVerifier.create(this.store.saveCheckpoint(first)).verifyComplete();
		StepVerifier.create(this.store.lastCheckpoint(USER)).expectNext(third).verifyComplete();
		StepVerifier.create(this.store.saveCheckpoint(thirdAgain)).verifyComplete();
		StepVerifier.create(this.store.checkpoints(USER)).expectNext(first, thirdAgain).verifyComplete();
		StepVerifier.create(this.store.checkpoints(OTHER_USER)).verifyComplete();
	}

	@Test
	void appendWhenConcurrentThenOneUnbrokenChain() throws Exception {
		int threads = 16;
		int perThread = 50;
		ExecutorService executor = Executors.newFixedThreadPool(threads);
		try {
			CountDownLatch start = new CountDownLatch(1);
			List<Future<?>> futures = new ArrayList<>();
			for (int t = 0; t < threads; t++) {
				String agent = "agent-" + t;
				futures.add(executor.submit(() -> {
					start.await();
					for (int n = 0; n < perThread; n++) {
						this.trail
							.record(USER,
									AuditEventDraft.of(AuditEventType.DECISION, agent, this.clock.instant())
										.withDetail("n", n))
							.block();
					}
					return null;
				}));
			}
			start.countDown();
			for (Future<?> future : futures) {
				future.get(30, TimeUnit.SECONDS);
			}
		}
		finally {
			executor.shutdownNow();
		}
		List<AuditEvent> events = stored(USER);
		assertThat(events).hasSize(threads * perThread);
		for (int i = 0; i < events.size(); i++) {
			assertThat(events.get(i).sequence()).isEqualTo(i + 1);
			assertThat(events.get(i).previousHash())
				.isEqualTo((i == 0) ? AuditEvent.GENESIS_HASH : events.get(i - 1).hash());
		}
		assertThat(this.anchors).extracting(AuditCheckpoint::sequence)
			.containsExactlyInAnyOrder(50L, 100L, 150L, 200L, 250L, 300L, 350L, 400L, 450L, 500L, 550L, 600L, 650L,
					700L, 750L, 800L);
		assertThat(verify()).isEqualTo(new AuditVerification.Intact(800, events.get(799).hash()));
	}

	@Test
	void verifyWhenChainOf120ThenIntactWithCheckpointsAt50And100() {
		List<AuditEvent> events = recordChain(USER, 120);
		assertThat(storedCheckpoints(USER)).extracting(AuditCheckpoint::sequence).containsExactly(50L, 100L);
		assertThat(this.anchors).isEqualTo(storedCheckpoints(USER));
		StepVerifier.create(this.trail.verify(USER, List.copyOf(this.anchors)))
			.expectNext(new AuditVerification.Intact(120, events.get(119).hash()))
			.verifyComplete();
	}

	@Test
	void verifyWhenDetailsEditedInPlaceThenBrokenAtThatEntry() {
		List<AuditEvent> events = new ArrayList<>(recordChain(USER, 120));
		events.set(36, withDetails(events.get(36), Map.of("tool", "email_send", "n", 9999)));
		tamper(USER, events, storedCheckpoints(USER));
		assertThat(verify())
			.isEqualTo(new AuditVerification.Broken(37, "Entry 37 does not match its hash (its content was changed)"));
	}

	@Test
	void verifyWhenEntryDeletedThenBrokenAtTheMissingSequence() {
		List<AuditEvent> events = new ArrayList<>(recordChain(USER, 120));
		events.remove(36);
		tamper(USER, events, storedCheckpoints(USER));
		assertThat(verify()).isEqualTo(new AuditVerification.Broken(37,
				"Entry 37 is missing: sequence 38 is stored in its place (an entry was deleted, moved or inserted)"));
	}

	@Test
	void verifyWhenTwoEntriesSwappedThenBrokenAtTheFirst() {
		List<AuditEvent> events = new ArrayList<>(recordChain(USER, 120));
		Collections.swap(events, 36, 37);
		tamper(USER, events, storedCheckpoints(USER));
		AuditVerification verification = verify();
		assertThat(verification).isInstanceOf(AuditVerification.Broken.class);
		assertThat(((AuditVerification.Broken) verification).sequence()).isEqualTo(37);
	}

	@Test
	void verifyWhenTailCutOffThenBrokenAtTheFirstMissingEntry() {
		List<AuditEvent> events = recordChain(USER, 120);
		// the attacker also drops the stored checkpoint at 100; the log still has it
		tamper(USER, events.subList(0, 70), storedCheckpoints(USER).subList(0, 1));
		assertThat(verify()).isEqualTo(new AuditVerification.Broken(71,
				"The chain ends at entry 70, but a checkpoint seals entry 100 (its tail was cut off)"));
	}

	@Test
	void verifyWhenStreamDeletedThenBrokenAtTheFirstEntry() {
		recordChain(USER, 120);
		tamper(USER, List.of(), List.of());
		StepVerifier.create(this.store.length(USER)).expectNext(0L).verifyComplete();
		assertThat(verify()).isEqualTo(new AuditVerification.Broken(1,
				"The chain is empty, but a checkpoint seals entry 50 (the stream was deleted)"));
	}

	@Test
	void verifyWhenRewrittenWithRecomputedHashesThenBrokenAtTheFirstCheckpoint() {
		List<AuditEvent> rewritten = rewriteFrom(recordChain(USER, 120), 10);
		tamper(USER, rewritten, storedCheckpoints(USER));
		assertThat(verify()).isEqualTo(new AuditVerification.Broken(50,
				"Entry 50 no longer matches its checkpoint (the chain was rewritten up to here)"));
	}

	@Test
	void verifyWhenRewrittenAndCheckpointsResignedWithoutTheKeyThenBrokenAtTheFirstCheckpoint() {
		List<AuditEvent> rewritten = rewriteFrom(recordChain(USER, 120), 10);
		CheckpointSigner attacker = CheckpointSigner.of("k1", ATTACKER_KEY);
		List<AuditCheckpoint> forged = List.of(attacker.sign(USER, 50, rewritten.get(49).hash(), this.clock.instant()),
				attacker.sign(USER, 100, rewritten.get(99).hash(), this.clock.instant()));
		tamper(USER, rewritten, forged);
		// even without the log's anchors, the stored checkpoints give it away
		StepVerifier.create(this.trail.verify(USER, List.of()))
			.expectNext(new AuditVerification.Broken(50,
					"The checkpoint at entry 50 does not verify with key k1 (it was forged or made with another key)"))
			.verifyComplete();
	}

	@Test
	void verifyWhenAnchorForgedWithAnotherKeyThenBrokenAtItsSequence() {
		List<AuditEvent> events = recordChain(USER, 120);
		AuditCheckpoint forged = CheckpointSigner.of("k1", ATTACKER_KEY)
			.sign(USER, 120, events.get(119).hash(), this.clock.instant());
		List<AuditCheckpoint> anchors = new ArrayList<>(this.anchors);
		anchors.add(forged);
		StepVerifier.create(this.trail.verify(USER, anchors))
			.expectNext(new AuditVerification.Broken(120,
					"The checkpoint at entry 120 does not verify with key k1 (it was forged or made with another key)"))
			.verifyComplete();
	}

	private static List<AuditEvent> rewriteFrom(List<AuditEvent> events, int sequence) {
		List<AuditEvent> rewritten = new ArrayList<>(events.subList(0, sequence - 1));
		String previousHash = rewritten.get(rewritten.size() - 1).hash();
		for (AuditEvent event : events.subList(sequence - 1, events.size())) {
			AuditEventDraft draft = (event.sequence() == sequence) ? event.draft().withDetail("n", -1) : event.draft();
			AuditEvent forged = AuditEvent.chain(event.user(), event.sequence(), previousHash, draft);
			rewritten.add(forged);
			previousHash = forged.hash();
		}
		return rewritten;
	}

}
