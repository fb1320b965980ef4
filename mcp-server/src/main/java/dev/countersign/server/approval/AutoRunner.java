package dev.countersign.server.approval;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import dev.countersign.policy.action.Action;
import dev.countersign.policy.action.ActionStatus;
import dev.countersign.policy.action.ActionStore;
import dev.countersign.policy.tool.ToolDescriptor;
import dev.countersign.server.audit.ApprovalAudit;
import dev.countersign.server.auth.Caller;
import dev.countersign.server.provider.ProviderTokens;

/**
 * Runs the writes policy auto-approved (DESIGN §4 step 1, {@code AutoApprove}): no push,
 * no batch, but the same action record and the same once-only guarantees as an approved
 * batch. For one write, in this order:
 * <ol>
 * <li>the provider token: a fresh Token Vault exchange whose subject is the CALLER's
 * access token ({@link ProviderTokens#forWrite}), never a cached read token (DESIGN §3);
 * none for Countersign's own stores. A failed exchange is a tool error naming the
 * connection, and nothing is frozen;</li>
 * <li>the write is frozen (the caller's {@code frozen}: a {@code PENDING} action, or the
 * live twin of the same write);</li>
 * <li>an action this call froze (not a twin frozen before it: the digest does not cover
 * the confidence, so a twin may have been frozen to wait for approval) that is
 * {@code PENDING} and not a {@code reviewNow} one moves
 * {@code PENDING → APPROVED → EXECUTING} by compare-and-set, the tool's
 * {@link ProviderWriter} runs it exactly once, NEVER retried, and it ends
 * {@code SUCCEEDED}, {@code FAILED} (the provider refused it) or {@code UNKNOWN} (a time
 * limit or a lost answer), recorded as EXECUTED, FAILED or UNKNOWN.</li>
 * </ol>
 * An action found in another status, or claimed first by someone else (the batcher, a
 * twin call), is answered as it stands and not run here. The provider token lives in this
 * call only: never stored, logged or returned. Thread-safe.
 *
 * <pre>{@code
 * runner.run(call.caller(), "github", freezer.submit(request)).map(Action::status);
 * }</pre>
 */
public final class AutoRunner {

	private static final Logger logger = LoggerFactory.getLogger(AutoRunner.class);

	/** Connections that write to Countersign's own stores: no provider token. */
	private static final Set<String> OWN_CONNECTIONS = Set.of(ToolDescriptor.DEALS, ToolDescriptor.GOVERNANCE);

	private final ActionStore actions;

	private final ProviderTokens tokens;

	private final OnceWriter writer;

	private final Clock clock;

	private final ApprovalAudit audit;

	private final RunningWrites running;

	/**
	 * Creates the runner, known to no crash recovery.
	 * @param actions the action store
	 * @param tokens exchanges the caller's token for a provider token, uncached
	 * @param writers the writers; each tool is run by at most one
	 * @param clock the clock
	 * @param audit records how each write ended; never fails
	 * @throws IllegalArgumentException when two writers claim the same tool
	 */
	public AutoRunner(ActionStore actions, ProviderTokens tokens, List<ProviderWriter> writers, Clock clock,
			ApprovalAudit audit) {
		this(actions, tokens, writers, clock, audit, new RunningWrites());
	}

	/**
	 * Creates the runner.
	 * @param actions the action store
	 * @param tokens exchanges the caller's token for a provider token, uncached
	 * @param writers the writers; each tool is run by at most one
	 * @param clock the clock
	 * @param audit records how each write ended; never fails
	 * @param running where each write is marked while it runs, for the approval loop's
	 * crash recovery
	 * @throws IllegalArgumentException when two writers claim the same tool
	 */
	public AutoRunner(ActionStore actions, ProviderTokens tokens, List<ProviderWriter> writers, Clock clock,
			ApprovalAudit audit, RunningWrites running) {
		this.running = Objects.requireNonNull(running, "running must not be null");
		this.actions = Objects.requireNonNull(actions, "actions must not be null");
		this.tokens = Objects.requireNonNull(tokens, "tokens must not be null");
		this.clock = Objects.requireNonNull(clock, "clock must not be null");
		this.audit = Objects.requireNonNull(audit, "audit must not be null");
		this.writer = new OnceWriter(writers, actions, clock, audit);
	}

	/**
	 * Runs one auto-approved write.
	 * @param caller the caller, whose access token is the exchange's subject
	 * @param connection the connection the tool writes through
	 * @param frozen freezes the write when subscribed (after the token was obtained)
	 * @return the action as it ended, or as it stands when it was not run here; an error
	 * {@link dev.countersign.server.tool.ToolFailure} when the exchange failed (nothing
	 * frozen)
	 */
	public Mono<Action> run(Caller caller, String connection, Mono<Action> frozen) {
		Objects.requireNonNull(caller, "caller must not be null");
		Objects.requireNonNull(connection, "connection must not be null");
		Objects.requireNonNull(frozen, "frozen must not be null");
		Mono<Optional<String>> token = OWN_CONNECTIONS.contains(connection) ? Mono.just(Optional.empty())
				: this.tokens.forWrite(caller, connection).map(Optional::of);
		return Mono.defer(() -> {
			Instant started = this.clock.instant();
			return token.flatMap((providerToken) -> frozen
				.flatMap((action) -> runOnce(action, providerToken.orElse(null), started)));
		});
	}

	private Mono<Action> runOnce(Action action, @Nullable String providerToken, Instant started) {
		// only what this call froze: a live twin frozen earlier (perhaps at another
		// confidence, which the digest does not cover) keeps waiting for its approval
		if (action.status() != ActionStatus.PENDING || action.reviewNow() || action.createdAt().isBefore(started)) {
			return Mono.just(action);
		}
		// compare-and-set twice: whoever claims the action first runs it, nobody else
		return this.running
			.track(action.id(), this.actions
				.transition(action.user(), action.id(), ActionStatus.PENDING, action.version(),
						(current) -> current.moveTo(ActionStatus.APPROVED, this.clock.instant()))
				.flatMap((approved) -> this.actions.transition(approved.user(), approved.id(), ActionStatus.APPROVED,
						approved.version(), (current) -> current.moveTo(ActionStatus.EXECUTING, this.clock.instant())))
				.flatMap((executing) -> this.writer.write(executing, providerToken)))
			.switchIfEmpty(Mono.defer(() -> {
				logger.info("Auto-approved action {} of user {} was claimed elsewhere; not run here", action.id(),
						action.user());
				return this.actions.find(action.user(), action.id());
			}));
	}

	@Override
	public String toString() {
		return "AutoRunner[" + this.writer.tools() + "]";
	}

}
