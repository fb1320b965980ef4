package dev.countersign.server.observability;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import dev.countersign.policy.action.ActionStatus;
import dev.countersign.policy.action.ActionStore;

/**
 * The {@value CountersignMetrics#ACTIONS_PENDING} gauge: the {@code PENDING} and
 * {@code BATCHED} actions in the store, of every replica. A scrape reads the last count
 * and, when it is older than the refresh period, starts a new count in the background; so
 * the store is read at most once per period, however often it is scraped, and a scrape
 * never waits on it. Every replica reports the same number: aggregate with {@code max},
 * not {@code sum}. Thread-safe.
 */
final class PendingActions {

	private static final Logger logger = LoggerFactory.getLogger(PendingActions.class);

	private static final Set<ActionStatus> WAITING = EnumSet.of(ActionStatus.PENDING, ActionStatus.BATCHED);

	private final ActionStore actions;

	private final Clock clock;

	private final Duration refresh;

	private final AtomicBoolean counting = new AtomicBoolean();

	private volatile double last;

	private volatile Instant countedAt = Instant.MIN;

	PendingActions(ActionStore actions, Clock clock, Duration refresh) {
		this.actions = actions;
		this.clock = clock;
		this.refresh = refresh;
	}

	/**
	 * The last count; starts a new one when it is stale.
	 * @return the number of actions waiting for approval
	 */
	double value() {
		Instant now = this.clock.instant();
		if (!now.isBefore(this.countedAt.plus(this.refresh)) && this.counting.compareAndSet(false, true)) {
			count().doFinally((signal) -> this.counting.set(false)).subscribe((count) -> {
				this.last = count;
				this.countedAt = now;
			}, (ex) -> logger.warn("Counting pending actions failed: {}", ex.toString()));
		}
		return this.last;
	}

	Mono<Long> count() {
		return this.actions.findUsers(WAITING)
			.flatMap((user) -> this.actions.findByUser(user, WAITING).count(), 4)
			.reduce(0L, Long::sum);
	}

}
